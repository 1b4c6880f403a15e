package poll_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/feed"
	"github.com/heraldhq/herald/internal/feedtest"
	"github.com/heraldhq/herald/poll"
	"github.com/heraldhq/herald/store/sqlite"
)

var target = herald.Target{Platform: herald.Discord, Chat: "111"}

func item(n string, published time.Time) feedtest.Item {
	return feedtest.Item{
		GUID: "story-" + n, Title: "Story " + n, Link: "https://news.example/" + n + "?utm_source=rss",
		Content:   "<p>LONDON, April 8 (Reuters) - Officials confirmed the plan for story " + n + " on Monday after a long debate.</p>",
		Published: published,
	}
}

func watcher(t *testing.T, backlog int, feeds ...string) (*poll.Watcher, herald.Store, *atomic.Int32) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "herald.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var notified atomic.Int32
	return &poll.Watcher{
		Feeds: feeds, Interval: time.Minute, Backlog: backlog, Targets: []herald.Target{target},
		Store: st, Fetcher: feed.NewFetcher("test", 2*time.Second, 0),
		Log:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		Notify: func() { notified.Add(1) },
	}, st, &notified
}

func TestFirstSightPostsNothingThenNewItems(t *testing.T) {
	base := time.Date(2024, 4, 8, 9, 0, 0, 0, time.UTC)
	srv := feedtest.New("Example News", item("1", base), item("2", base.Add(time.Minute)))
	defer srv.Close()
	w, st, notified := watcher(t, 0, srv.URL())
	ctx := context.Background()

	res, err := w.Poll(ctx, srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	if !res.FirstSight || res.New != 2 || res.Deliveries != 0 || notified.Load() != 0 {
		t.Fatalf("first sight: %+v, notified %d", res, notified.Load())
	}

	srv.Add(item("3", base.Add(2*time.Minute)))
	res, err = w.Poll(ctx, srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	if res.FirstSight || res.New != 1 || res.Deliveries != 1 || notified.Load() != 1 {
		t.Fatalf("second poll: %+v, notified %d", res, notified.Load())
	}
	d, err := st.NextDelivery(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	a := d.Article
	if a.Key != "guid:story-3" || a.URL != "https://news.example/3" || a.Feed != srv.URL() {
		t.Errorf("article identity: key %q url %q feed %q", a.Key, a.URL, a.Feed)
	}
	if a.Dateline.Place != "LONDON" || a.Dateline.Agency != "Reuters" || a.Dateline.Date != "2024-04-08" ||
		!strings.HasPrefix(a.Lead, "Officials confirmed") {
		t.Errorf("extraction: %+v lead %q", a.Dateline, a.Lead)
	}

	res, err = w.Poll(ctx, srv.URL())
	if err != nil || res.New != 0 || res.Deliveries != 0 {
		t.Fatalf("third poll must find nothing new: %+v %v", res, err)
	}
}

func TestBacklogPostsNewestOnFirstSight(t *testing.T) {
	base := time.Date(2024, 4, 8, 9, 0, 0, 0, time.UTC)
	srv := feedtest.New("Example News", item("1", base), item("2", base.Add(time.Minute)), item("3", base.Add(2*time.Minute)))
	defer srv.Close()
	w, st, _ := watcher(t, 2, srv.URL())
	if _, err := w.Poll(context.Background(), srv.URL()); err != nil {
		t.Fatal(err)
	}
	ds, err := st.Deliveries(context.Background(), target, 0)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, d := range ds {
		keys = append(keys, d.Article.Key)
	}
	if strings.Join(keys, " ") != "guid:story-2 guid:story-3" {
		t.Fatalf("backlog deliveries %v, want the newest two, oldest first", keys)
	}
}

func TestFailedFetchIsRecorded(t *testing.T) {
	srv := feedtest.New("Example News")
	url := srv.URL()
	srv.Close()
	w, st, _ := watcher(t, 0, url)
	if _, err := w.Poll(context.Background(), url); err == nil {
		t.Fatal("no error from a dead feed")
	}
	state, err := st.FeedState(context.Background(), url)
	if err != nil || state.LastError == "" || state.LastFetch.IsZero() {
		t.Fatalf("state %+v, %v", state, err)
	}
}

func TestArticlesWithoutDatesKeepFeedOrder(t *testing.T) {
	srv := feedtest.New("Example News", item("old", time.Time{}), item("new", time.Time{}))
	defer srv.Close()
	parsed, err := feed.NewFetcher("test", time.Second, 0).Fetch(context.Background(), srv.URL(), herald.FeedState{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2024, 4, 8, 12, 0, 0, 0, time.UTC)
	as := poll.Articles(parsed.Feed, srv.URL(), now)
	if len(as) != 2 || as[0].Key != "guid:story-new" || !as[0].Published.After(as[1].Published) {
		t.Fatalf("articles %+v", as)
	}
}

func TestPeriodIsStableSpreadAndNeverLonger(t *testing.T) {
	const interval = 2 * time.Minute
	seen := map[time.Duration]bool{}
	for i := range 50 {
		url := "https://news.example/feed/" + string(rune('a'+i%26)) + strings.Repeat("x", i)
		p := poll.Period(url, interval)
		if p > interval || p < interval*9/10 {
			t.Fatalf("Period(%s) = %s, want within [%s, %s]", url, p, interval*9/10, interval)
		}
		if p != poll.Period(url, interval) {
			t.Fatal("Period is not stable")
		}
		seen[p] = true
	}
	if len(seen) < 40 {
		t.Errorf("only %d distinct periods for 50 feeds: fetches would bunch", len(seen))
	}
}

func TestPausedTargetsGetNothingAndMovedChatsAreFollowed(t *testing.T) {
	base := time.Date(2024, 4, 8, 9, 0, 0, 0, time.UTC)
	srv := feedtest.New("Example News", item("1", base))
	defer srv.Close()
	w, st, _ := watcher(t, 0, srv.URL())
	oldGroup := herald.Target{Platform: herald.Telegram, Chat: "-42"}
	newGroup := herald.Target{Platform: herald.Telegram, Chat: "-1004200000000"}
	w.Targets = []herald.Target{target, oldGroup}
	ctx := context.Background()
	if _, err := w.Poll(ctx, srv.URL()); err != nil {
		t.Fatal(err)
	}
	if err := st.Pause(ctx, target, "discord HTTP 403, code 50001: Missing Access"); err != nil {
		t.Fatal(err)
	}
	if err := st.MoveTarget(ctx, oldGroup, newGroup); err != nil {
		t.Fatal(err)
	}
	srv.Add(item("2", base.Add(time.Minute)))
	res, err := w.Poll(ctx, srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	if res.Deliveries != 1 {
		t.Errorf("%d deliveries, want one, to the moved group", res.Deliveries)
	}
	for tg, want := range map[herald.Target]int{target: 0, oldGroup: 0, newGroup: 1} {
		ds, err := st.Deliveries(ctx, tg, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) != want {
			t.Errorf("%s has %d deliveries, want %d", tg, len(ds), want)
		}
	}
}
