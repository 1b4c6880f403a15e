package herald

import "testing"

func TestTopicKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"China", "china"},
		{"  Côte d’Ivoire ", "cote d ivoire"},
		{"ÉLECTIONS—2024", "elections 2024"},
		{"climate   change", "climate change"},
		{"!!!", ""},
		{"", ""},
		{"Straße", "straße"},
		{"東京", "東京"},
		{"ﬁnance", "finance"},
	}
	for _, tt := range tests {
		if got := TopicKey(tt.in); got != tt.want {
			t.Errorf("TopicKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCleanTopic(t *testing.T) {
	long := "one two three four five six seven eight nine ten eleven twelve"
	tests := []struct{ in, want string }{
		{"  China ", "China"},
		{"climate \n\t change", "climate change"},
		{long, "one two three four five six seven eight nine ten"},
		{string(make([]rune, 0)), ""},
	}
	for _, tt := range tests {
		if got := CleanTopic(tt.in); got != tt.want {
			t.Errorf("CleanTopic(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if n := len([]rune(CleanTopic(tt.in))); n > MaxTopicLen {
			t.Errorf("CleanTopic(%q) has %d characters", tt.in, n)
		}
	}
	if got := len([]rune(CleanTopic(string(make([]rune, 300))))); got > MaxTopicLen {
		t.Errorf("a 300-character topic kept %d characters", got)
	}
}

func TestArticleAbout(t *testing.T) {
	a := Article{
		Headline: "Lavrov visits Beijing",
		Lead:     "Russia’s foreign minister met Chinese officials in São Paulo-style talks.",
		Topics:   []string{"World", "Asia"},
	}
	tests := []struct {
		topic string
		want  bool
	}{
		{"world", true},             // a topic, any case
		{"ASIA", true},              // a topic
		{"beijing", true},           // a word of the headline
		{"foreign minister", true},  // a phrase of the lead
		{"minister foreign", false}, // words out of order
		{"sao paulo", true},         // accents and punctuation ignored
		{"russia", true},            // "Russia’s" splits at the apostrophe
		{"china", false},            // "Chinese" is another word
		{"lav", false},              // part of a word
		{"", false},
		{"  ", false},
	}
	for _, tt := range tests {
		if got := a.About(tt.topic); got != tt.want {
			t.Errorf("About(%q) = %v, want %v", tt.topic, got, tt.want)
		}
	}
}
