package route

import (
	"fmt"
	"slices"
	"testing"

	"github.com/heraldhq/herald"
)

func target(chat string) herald.Target { return herald.Target{Platform: herald.Telegram, Chat: chat} }

func TestRoute(t *testing.T) {
	channel := herald.Target{Platform: herald.Discord, Chat: "200"}
	alice, bob, group := target("1"), target("2"), target("-3")
	follows := []herald.Follow{
		{Target: alice, Topic: "China"},
		{Target: alice, Topic: "world"}, // a second match for alice
		{Target: bob, Topic: "climate change"},
		{Target: group, Topic: "Côte d’Ivoire"},
		{Target: channel, Topic: "Asia"}, // a configured target that also follows
		{Target: bob, Topic: "!!!"},      // no key: matches nothing
	}
	r := New([]herald.Target{channel}, follows)
	tests := []struct {
		name    string
		article herald.Article
		want    []herald.Target
	}{
		{"nothing followed", herald.Article{Headline: "Markets rise", Topics: []string{"Business"}}, []herald.Target{channel}},
		{"topic and word for one target once", herald.Article{Headline: "China trade", Topics: []string{"World"}}, []herald.Target{channel, alice}},
		{"word in the lead, any case", herald.Article{Headline: "Talks", Lead: "Officials in CHINA said"}, []herald.Target{channel, alice}},
		{"part of a word does not match", herald.Article{Headline: "Chinatown festival"}, []herald.Target{channel}},
		{"phrase", herald.Article{Headline: "New report on climate change"}, []herald.Target{channel, bob}},
		{"phrase words apart do not match", herald.Article{Headline: "Climate talks change course"}, []herald.Target{channel}},
		{"accents ignored", herald.Article{Headline: "Elections in Cote d'Ivoire"}, []herald.Target{channel, group}},
		{"configured target that follows gets one", herald.Article{Headline: "x", Topics: []string{"asia"}}, []herald.Target{channel}},
		{"multi-word topic", herald.Article{Headline: "x", Topics: []string{"Climate Change"}}, []herald.Target{channel, bob}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := r.Route(tt.article)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Route = %v, want %v", got, tt.want)
			}
			// The router agrees with Article.About for every follow.
			for _, f := range follows {
				if f.Target == channel {
					continue
				}
				if tt.article.About(f.Topic) && !slices.Contains(got, f.Target) {
					t.Errorf("article is about %q but %v is not routed", f.Topic, f.Target)
				}
			}
		})
	}
}

func TestRouteNoTargets(t *testing.T) {
	if got := New(nil, nil).Route(herald.Article{Headline: "x"}); len(got) != 0 {
		t.Errorf("Route = %v, want none", got)
	}
}

func TestNewWith(t *testing.T) {
	channel := herald.Target{Platform: herald.Discord, Chat: "200"}
	banned := herald.Target{Platform: herald.Discord, Chat: "201"}
	group, supergroup, later := target("-3"), target("-1003"), target("-1004")
	alice, bob := target("1"), target("2")
	paused := map[herald.Target]string{banned: "Missing Access", bob: "bot was blocked by the user"}
	moves := map[herald.Target]herald.Target{group: supergroup}
	follows := []herald.Follow{
		{Target: alice, Topic: "China"},
		{Target: bob, Topic: "China"},        // paused: nothing
		{Target: group, Topic: "China"},      // moved: the supergroup gets it
		{Target: supergroup, Topic: "world"}, // the supergroup follows too: once
		{Target: banned, Topic: "world"},     // paused, and configured
	}
	// Followers come after the configured targets: those of a topic of
	// the article, then those of words of its text.
	story := herald.Article{Headline: "China trade", Topics: []string{"World"}}
	tests := []struct {
		name    string
		targets []herald.Target
		paused  map[herald.Target]string
		moves   map[herald.Target]herald.Target
		want    []herald.Target
	}{
		{"nothing paused or moved", []herald.Target{channel, banned, group}, nil, nil,
			[]herald.Target{channel, banned, group, supergroup, alice, bob}},
		{"paused left out, configured or following", []herald.Target{channel, banned}, paused, nil,
			[]herald.Target{channel, supergroup, alice, group}},
		{"moved configured target rewritten in place", []herald.Target{group, channel}, nil, moves,
			[]herald.Target{supergroup, channel, banned, alice, bob}},
		{"configured old and new chat once", []herald.Target{supergroup, channel, group}, paused, moves,
			[]herald.Target{supergroup, channel, alice}},
		{"chain of moves followed", []herald.Target{group}, nil,
			map[herald.Target]herald.Target{group: supergroup, supergroup: later},
			[]herald.Target{later, banned, alice, bob}},
		{"moved onto a paused chat", []herald.Target{group, channel}, map[herald.Target]string{supergroup: "kicked"}, moves,
			[]herald.Target{channel, banned, alice, bob}},
		{"a cycle of moves ends", []herald.Target{group}, nil,
			map[herald.Target]herald.Target{group: supergroup, supergroup: group},
			[]herald.Target{group, supergroup, banned, alice, bob}},
		{"duplicate configured targets once", []herald.Target{channel, channel}, nil, nil,
			[]herald.Target{channel, supergroup, banned, alice, bob, group}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NewWith(tt.targets, follows, tt.paused, tt.moves).Route(story)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Route = %v, want %v", got, tt.want)
			}
		})
	}
}

func BenchmarkRoute(b *testing.B) {
	var follows []herald.Follow
	for i := range 10000 {
		follows = append(follows, herald.Follow{Target: target(fmt.Sprint(i)), Topic: fmt.Sprintf("topic%d", i%500)})
	}
	r := New(nil, follows)
	a := herald.Article{
		Headline: "Trade ministers agree to extend rail freight corridor to the coast topic7",
		Lead:     "Trade ministers from five countries signed a framework on Monday to extend a rail freight corridor to two coastal ports.",
		Topics:   []string{"World", "topic12"},
	}
	b.ReportAllocs()
	for b.Loop() {
		if len(r.Route(a)) != 40 {
			b.Fatal("wrong routing")
		}
	}
}
