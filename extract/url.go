package extract

import (
	"net/url"
	"strings"
)

// trackingParams are query parameters that say how a reader arrived, not
// what they read. Parameters starting with "utm_" are dropped too.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "gclsrc": true, "dclid": true,
	"msclkid": true, "yclid": true, "twclid": true, "ttclid": true,
	"igshid": true, "mc_cid": true, "mc_eid": true, "ref": true,
	"ref_src": true, "ref_url": true, "_ga": true, "_gl": true,
	"_hsenc": true, "_hsmi": true, "mkt_tok": true, "ncid": true,
	"ocid": true, "cmpid": true, "cmp": true, "smid": true, "smtyp": true,
	"sr_share": true, "at_medium": true, "at_campaign": true,
	"at_custom1": true, "at_custom2": true, "at_custom3": true,
	"at_custom4": true, "s_cid": true, "wt.mc_id": true, "icid": true,
	"__twitter_impression": true,
}

// isTrackingParam reports whether a query parameter's name marks it as
// tracking.
func isTrackingParam(name string) bool {
	name = strings.ToLower(name)
	return strings.HasPrefix(name, "utm_") || trackingParams[name]
}

// CanonicalURL normalises a link so that the same article always has the
// same URL: tracking parameters (utm_*, fbclid, gclid, mc_cid, mc_eid, ref,
// …) are removed, the fragment dropped, the scheme and host lower-cased, a
// default port removed and an empty path written as "/". The order and
// spelling of the other parameters are kept. An empty or unparsable link is
// returned trimmed.
func CanonicalURL(raw string) string {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || raw == "" {
		return raw
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	if port := u.Port(); u.Scheme == "http" && port == "80" || u.Scheme == "https" && port == "443" {
		u.Host = strings.TrimSuffix(u.Host, ":"+port)
	}
	if u.Host != "" && u.Path == "" && u.Opaque == "" {
		u.Path = "/"
	}
	u.Fragment, u.RawFragment = "", ""
	if u.RawQuery != "" || u.ForceQuery {
		var keep []string
		for _, p := range strings.Split(u.RawQuery, "&") {
			if p == "" {
				continue
			}
			name, _, _ := strings.Cut(p, "=")
			if n, err := url.QueryUnescape(name); err == nil {
				name = n
			}
			if !isTrackingParam(name) {
				keep = append(keep, p)
			}
		}
		u.RawQuery = strings.Join(keep, "&")
		u.ForceQuery = false
	}
	return u.String()
}

// resolve returns ref resolved against base, or ref itself when either
// does not parse or base is empty.
func resolve(base, ref string) string {
	ref = strings.TrimSpace(ref)
	if base == "" || ref == "" {
		return ref
	}
	b, err := url.Parse(strings.TrimSpace(base))
	if err != nil {
		return ref
	}
	r, err := url.Parse(ref)
	if err != nil {
		return ref
	}
	return b.ResolveReference(r).String()
}

// isAbsolute reports whether link is an absolute http or https URL.
func isAbsolute(link string) bool {
	u, err := url.Parse(link)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// hostOf returns the host of link without a leading "www.", or "".
func hostOf(link string) string {
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
}
