package fakes

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

func TestRewriteTransport(t *testing.T) {
	type seen struct{ path, host string }
	got := make(chan seen, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- seen{r.URL.Path, r.Host}
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	for _, tt := range []struct{ base, in, path string }{
		{srv.URL, "https://discord.com/api/v9/users/@me?x=1", "/api/v9/users/@me"},
		{srv.URL + "/prefix/", "https://api.telegram.org/bot1:a/getMe", "/prefix/bot1:a/getMe"},
	} {
		base, err := url.Parse(tt.base)
		if err != nil {
			t.Fatal(err)
		}
		c := &http.Client{Transport: RewriteTransport(base)}
		req, _ := http.NewRequest("GET", tt.in, nil)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if g := <-got; g.path != tt.path || g.host != base.Host {
			t.Errorf("%s via %s: path %q host %q", tt.in, tt.base, g.path, g.host)
		}
		if req.URL.Host == base.Host {
			t.Error("the caller's request was modified")
		}
	}
}
