package formatter

import (
	"strings"
	"testing"

	"github.com/heraldhq/herald"
)

func TestFollowTopic(t *testing.T) {
	long := strings.Repeat("x", 60)
	tests := []struct {
		name   string
		topics []string
		want   string
	}{
		{"first topic", []string{"World", "Asia"}, "World"},
		{"none", nil, ""},
		{"punctuation only is skipped", []string{"!!!", "Asia"}, "Asia"},
		{"too long for callback_data is skipped", []string{long, "Asia"}, "Asia"},
		{"multi-byte counted in bytes", []string{strings.Repeat("é", 30), "Asia"}, "Asia"},
		{"cleaned", []string{"  Middle   East "}, "Middle East"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FollowTopic(herald.Article{Topics: tt.topics})
			if got != tt.want {
				t.Errorf("FollowTopic(%q) = %q, want %q", tt.topics, got, tt.want)
			}
			if got != "" && len(FollowData(got)) > telegramCallbackMax {
				t.Errorf("data %q is over %d bytes", FollowData(got), telegramCallbackMax)
			}
		})
	}
}

func TestParseFollowData(t *testing.T) {
	tests := []struct {
		data  string
		topic string
		ok    bool
	}{
		{"follow:World", "World", true},
		{"follow:  Middle  East ", "Middle East", true},
		{"follow:", "", false},
		{"follow:***", "***", false},
		{"unfollow:World", "", false},
		{"World", "", false},
	}
	for _, tt := range tests {
		topic, ok := ParseFollowData(tt.data)
		if ok != tt.ok || ok && topic != tt.topic {
			t.Errorf("ParseFollowData(%q) = %q, %v, want %q, %v", tt.data, topic, ok, tt.topic, tt.ok)
		}
	}
}

func TestFollowTopicReadsBack(t *testing.T) {
	long := strings.Repeat("ab ", 20) // 60 characters: CleanTopic would cut it
	got := FollowTopic(herald.Article{Topics: []string{long, "Asia"}})
	if got != "Asia" {
		t.Errorf("FollowTopic = %q, want the topic that reads back unchanged", got)
	}
}
