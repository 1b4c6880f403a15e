package pages

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
)

// errPrivate refuses a page on a private address linked from a public
// feed: what the daemon reads of a page is posted, so a feed must not
// be able to make it read the operator's own network.
var errPrivate = errors.New("pages: a public feed links to a private address")

// errReserved refuses a page under a domain reserved for documentation or
// as invalid (RFC 2606, RFC 6761), which no article lives on.
var errReserved = errors.New("pages: host name reserved for examples")

// allowed reports, as an error, whether the page at pageURL may be fetched
// for the feed at feedURL: always when the page's host is public; when it
// is on a loopback, private or link-local address, only if the feed is
// too; never under .example or .invalid. Host names are resolved to
// decide. A redirect to a private address is not caught here.
func allowed(ctx context.Context, pageURL, feedURL string) error {
	host := strings.TrimSuffix(strings.ToLower(hostname(pageURL)), ".")
	for _, tld := range []string{"example", "invalid"} {
		if host == tld || strings.HasSuffix(host, "."+tld) {
			return fmt.Errorf("%w: %s", errReserved, pageURL)
		}
	}
	private, err := privateHost(ctx, host)
	if err != nil || !private {
		return err
	}
	if feedPrivate, err := privateHost(ctx, hostname(feedURL)); err == nil && feedPrivate {
		return nil
	}
	return fmt.Errorf("%w: %s", errPrivate, pageURL)
}

// privateHost reports whether host is, or resolves to, an address no
// public site has.
func privateHost(ctx context.Context, host string) (bool, error) {
	if host == "" {
		return false, nil
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true, nil
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return privateAddr(ip), nil
	}
	ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return false, fmt.Errorf("pages: resolve %s: %w", host, err)
	}
	for _, ip := range ips {
		if privateAddr(ip) {
			return true, nil
		}
	}
	return false, nil
}

func privateAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsUnspecified()
}

func hostname(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Hostname()
}
