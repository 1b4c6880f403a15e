package extract

import "testing"

func TestCanonicalURL(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"   ", ""},
		{"  https://example.com/a  ", "https://example.com/a"},
		{"HTTPS://News.Example.COM/Story", "https://news.example.com/Story"},
		{"https://example.com", "https://example.com/"},
		{"https://example.com/a#section-2", "https://example.com/a"},
		{"https://example.com/a?utm_source=rss&utm_medium=feed", "https://example.com/a"},
		{"https://example.com/a?id=7&UTM_Campaign=x&page=2", "https://example.com/a?id=7&page=2"},
		{"https://example.com/a?fbclid=1&gclid=2&mc_cid=3&mc_eid=4&ref=home", "https://example.com/a"},
		{"https://example.com/a?b=2&a=1&ref_src=twsrc", "https://example.com/a?b=2&a=1"},
		{"https://example.com/a?q=caf%C3%A9&x=a+b", "https://example.com/a?q=caf%C3%A9&x=a+b"},
		{"https://example.com/a?", "https://example.com/a"},
		{"https://example.com/a?&&id=1&", "https://example.com/a?id=1"},
		{"http://example.com:80/a", "http://example.com/a"},
		{"https://example.com:443/a", "https://example.com/a"},
		{"https://example.com:8443/a", "https://example.com:8443/a"},
		{"https://[::1]:443/a", "https://[::1]/a"},
		{"/relative/path?utm_source=x&id=1#top", "/relative/path?id=1"},
		{"http://[::1", "http://[::1"},
		{"https://example.com/%zz", "https://example.com/%zz"},
		{"https://example.com/a%20b", "https://example.com/a%20b"},
		{"mailto:desk@example.com", "mailto:desk@example.com"},
	} {
		if got := CanonicalURL(tt.in); got != tt.want {
			t.Errorf("CanonicalURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCanonicalURLIdempotent(t *testing.T) {
	for _, in := range []string{
		"HTTPS://Example.com:443/a/b?utm_source=1&x=%2F&y#f",
		"https://example.com/a%20b?x=1",
		"/only/path?ref=1",
	} {
		once := CanonicalURL(in)
		if twice := CanonicalURL(once); twice != once {
			t.Errorf("CanonicalURL not idempotent on %q: %q then %q", in, once, twice)
		}
	}
}
