package poll

import (
	"net/url"
	"strings"
)

// DefaultPerHost is how many fetches may run at once against one host when
// Watcher.PerHost is zero.
const DefaultPerHost = 2

// DefaultWorkers is how many polls may run at once when Watcher.Workers is
// zero: far more than feeds need, whose fetches take milliseconds, and
// few enough that ten thousand feeds due at once (at start) do not all
// read, fetch and parse at the same time.
const DefaultWorkers = 64

// hostKey names the server a feed URL is fetched from: its host and
// port, lower case, without the scheme's default port. A URL that does not
// parse is its own host.
func hostKey(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	host := strings.ToLower(u.Host)
	switch {
	case u.Scheme == "http" && strings.HasSuffix(host, ":80"):
		host = strings.TrimSuffix(host, ":80")
	case u.Scheme == "https" && strings.HasSuffix(host, ":443"):
		host = strings.TrimSuffix(host, ":443")
	}
	return host
}
