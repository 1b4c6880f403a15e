package fakes

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// maxBody caps the request bodies the fakes read: 25 MiB, the size of the
// largest upload Discord accepts.
const maxBody = 25 << 20

// Request is one HTTP request a fake received.
type Request struct {
	Method string
	Path   string
	Query  url.Values
	// Header holds the request headers without Authorization.
	Header http.Header
	Body   []byte
	Time   time.Time
}

// recorder keeps the requests a fake received, and apart from them the
// ones it did not know how to answer.
type recorder struct {
	mu         sync.Mutex
	all        []Request
	unexpected []Request
}

// record reads the body of r, restores it so handlers can read it again,
// and remembers the request.
func (rec *recorder) record(r *http.Request) (Request, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return Request{}, fmt.Errorf("read body: %w", err)
	}
	if len(body) > maxBody {
		return Request{}, fmt.Errorf("body larger than %d bytes", maxBody)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	h := r.Header.Clone()
	h.Del("Authorization")
	req := Request{
		Method: r.Method,
		Path:   r.URL.Path,
		Query:  r.URL.Query(),
		Header: h,
		Body:   body,
		Time:   time.Now(),
	}
	rec.mu.Lock()
	rec.all = append(rec.all, req)
	rec.mu.Unlock()
	return req, nil
}

func (rec *recorder) markUnexpected(req Request) {
	rec.mu.Lock()
	rec.unexpected = append(rec.unexpected, req)
	rec.mu.Unlock()
}

func (rec *recorder) requests() []Request {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return slices.Clone(rec.all)
}

func (rec *recorder) unexpectedRequests() []Request {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return slices.Clone(rec.unexpected)
}

// RewriteTransport returns a RoundTripper that sends every request to base
// instead of the host it names: the scheme and host are replaced and base's
// path, if any, is put in front of the request's path. It lets the real
// client libraries, which speak to fixed hosts such as https://discord.com,
// talk to a fake.
func RewriteTransport(base *url.URL) http.RoundTripper {
	return &rewriteTransport{base: base, next: http.DefaultTransport}
}

type rewriteTransport struct {
	base *url.URL
	next http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t *rewriteTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	out := r.Clone(r.Context())
	u := *r.URL
	u.Scheme = t.base.Scheme
	u.Host = t.base.Host
	if prefix := strings.TrimSuffix(t.base.Path, "/"); prefix != "" {
		u.Path = prefix + r.URL.Path
		if r.URL.RawPath != "" {
			u.RawPath = strings.TrimSuffix(t.base.EscapedPath(), "/") + r.URL.RawPath
		}
	}
	out.URL = &u
	out.Host = ""
	return t.next.RoundTrip(out)
}
