package pace

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestAnswersCallsDoneWhenTheHeadArrives(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		<-release // the body comes later
		io.WriteString(w, "body")
	}))
	defer srv.Close()
	defer close(release)
	client := &http.Client{Transport: Answers(http.DefaultTransport)}

	answered := make(chan struct{})
	ctx := OnAnswer(context.Background(), func() { close(answered) })
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	select {
	case <-answered:
	case <-time.After(10 * time.Second):
		t.Fatal("done was not called when the answer's head arrived")
	}
}

func TestAnswersCallsDoneWhenTheRequestFails(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens now
	called := 0
	ctx := OnAnswer(context.Background(), func() { called++ })
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&http.Client{Transport: Answers(http.DefaultTransport)}).Do(req); err == nil {
		t.Fatal("a request to a closed server succeeded")
	}
	if called != 1 {
		t.Errorf("done called %d times for a failed request, want 1", called)
	}
}

func TestAnswersLeavesOtherRequestsAlone(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	resp, err := (&http.Client{Transport: Answers(http.DefaultTransport)}).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status %d", resp.StatusCode)
	}
}
