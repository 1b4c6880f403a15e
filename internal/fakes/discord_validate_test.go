package fakes

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestCheckMessage(t *testing.T) {
	long := func(n int) string { return strings.Repeat("ü", n) }
	embed := func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	fields := func(n int, name, value string) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = map[string]any{"name": name, "value": value}
		}
		return out
	}
	tests := []struct {
		name   string
		body   map[string]any
		create bool
		code   int // 0: accepted
	}{
		{"content", map[string]any{"content": "hi"}, true, 0},
		{"content at limit", map[string]any{"content": long(maxContent)}, true, 0},
		{"content over limit", map[string]any{"content": long(maxContent + 1)}, true, 50035},
		{"content not a string", map[string]any{"content": 5.0}, true, 50035},
		{"empty", map[string]any{}, true, 50006},
		{"blank content", map[string]any{"content": "  \n"}, true, 50006},
		{"empty edit", map[string]any{}, false, 0},
		{"null embeds", map[string]any{"content": "x", "embeds": nil}, true, 0},
		{"embeds not a list", map[string]any{"embeds": "x"}, true, 50035},
		{"ten embeds", map[string]any{"embeds": []any{embed("title", "a"), embed("title", "a"), embed("title", "a"), embed("title", "a"), embed("title", "a"), embed("title", "a"), embed("title", "a"), embed("title", "a"), embed("title", "a"), embed("title", "a")}}, true, 0},
		{"eleven embeds", map[string]any{"embeds": []any{embed(), embed(), embed(), embed(), embed(), embed(), embed(), embed(), embed(), embed(), embed()}}, true, 50035},
		{"title at limit", map[string]any{"embeds": []any{embed("title", long(maxEmbedTitle))}}, true, 0},
		{"title over limit", map[string]any{"embeds": []any{embed("title", long(maxEmbedTitle+1))}}, true, 50035},
		{"description at limit", map[string]any{"embeds": []any{embed("description", long(maxEmbedDescription))}}, true, 0},
		{"description over limit", map[string]any{"embeds": []any{embed("description", long(maxEmbedDescription+1))}}, true, 50035},
		{"footer over limit", map[string]any{"embeds": []any{embed("footer", map[string]any{"text": long(maxFooterText + 1)})}}, true, 50035},
		{"footer without text", map[string]any{"embeds": []any{embed("title", "t", "footer", map[string]any{})}}, true, 50035},
		{"author over limit", map[string]any{"embeds": []any{embed("author", map[string]any{"name": long(maxAuthorName + 1)})}}, true, 50035},
		{"25 fields", map[string]any{"embeds": []any{embed("fields", fields(25, "n", "v"))}}, true, 0},
		{"26 fields", map[string]any{"embeds": []any{embed("fields", fields(26, "n", "v"))}}, true, 50035},
		{"empty field value", map[string]any{"embeds": []any{embed("fields", fields(1, "n", ""))}}, true, 50035},
		{"field value over limit", map[string]any{"embeds": []any{embed("fields", fields(1, "n", long(maxFieldValue+1)))}}, true, 50035},
		{"total at 6000", map[string]any{"embeds": []any{embed("description", long(4000)), embed("description", long(2000))}}, true, 0},
		{"total over 6000", map[string]any{"embeds": []any{embed("description", long(4000)), embed("description", long(2001))}}, true, 50035},
		{"total counts fields", map[string]any{"embeds": []any{embed("description", long(4096), "fields", fields(2, long(256), long(700)))}}, true, 50035},
		{"relative url", map[string]any{"embeds": []any{embed("title", "t", "url", "/a")}}, true, 50035},
		{"image by attachment", map[string]any{"embeds": []any{embed("image", map[string]any{"url": "attachment://a.png"})}}, true, 0},
		{"link by attachment", map[string]any{"embeds": []any{embed("title", "t", "url", "attachment://a.png")}}, true, 50035},
		{"image without url", map[string]any{"embeds": []any{embed("title", "t", "image", map[string]any{})}}, true, 50035},
		{"timestamp", map[string]any{"embeds": []any{embed("title", "t", "timestamp", "2024-04-08T10:00:00+02:00")}}, true, 0},
		{"bad timestamp", map[string]any{"embeds": []any{embed("title", "t", "timestamp", "April 8")}}, true, 50035},
		{"color", map[string]any{"embeds": []any{embed("title", "t", "color", float64(0xFFFFFF))}}, true, 0},
		{"color too big", map[string]any{"embeds": []any{embed("title", "t", "color", float64(0x1000000))}}, true, 50035},
		{"nonce", map[string]any{"content": "x", "nonce": "1234567890123456789012345"}, true, 0},
		{"nonce too long", map[string]any{"content": "x", "nonce": "12345678901234567890123456"}, true, 50035},
		{"numeric nonce", map[string]any{"content": "x", "nonce": 12.0}, true, 0},
		{"no mentions", map[string]any{"content": "x", "allowed_mentions": map[string]any{"parse": []any{}}}, true, 0},
		{"bad mention type", map[string]any{"content": "x", "allowed_mentions": map[string]any{"parse": []any{"here"}}}, true, 50035},
		{"exclusive mentions", map[string]any{"content": "x", "allowed_mentions": map[string]any{"parse": []any{"users"}, "users": []any{"1"}}}, true, 50035},
		{"role list", map[string]any{"content": "<@&1>", "allowed_mentions": map[string]any{"parse": []any{}, "roles": []any{"1", "18446744073709551615"}}}, true, 0},
		{"roles parsed and listed", map[string]any{"content": "x", "allowed_mentions": map[string]any{"parse": []any{"roles"}, "roles": []any{"1"}}}, true, 50035},
		{"role not a snowflake", map[string]any{"content": "x", "allowed_mentions": map[string]any{"parse": []any{}, "roles": []any{"<@&1>"}}}, true, 50035},
		{"role over 64 bits", map[string]any{"content": "x", "allowed_mentions": map[string]any{"parse": []any{}, "roles": []any{"18446744073709551616"}}}, true, 50035},
		{"role list not a list", map[string]any{"content": "x", "allowed_mentions": map[string]any{"parse": []any{}, "roles": "1"}}, true, 50035},
		{"100 roles", map[string]any{"content": "x", "allowed_mentions": map[string]any{"roles": snowflakeIDs(100)}}, true, 0},
		{"101 roles", map[string]any{"content": "x", "allowed_mentions": map[string]any{"roles": snowflakeIDs(101)}}, true, 50035},
		{"user not a snowflake", map[string]any{"content": "x", "allowed_mentions": map[string]any{"users": []any{"me"}}}, true, 50035},
		{"components only", map[string]any{"components": []any{map[string]any{"type": 1.0, "components": []any{
			map[string]any{"type": 2.0, "style": 1.0, "label": "More", "custom_id": "more"}}}}}, true, 0},
		{"null components", map[string]any{"content": "x", "components": nil}, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, bad := checkMessage(tt.body, tt.create)
			if !bad {
				if tt.code != 0 {
					t.Fatalf("accepted, want code %d", tt.code)
				}
				return
			}
			var e struct {
				Code int `json:"code"`
			}
			if err := json.Unmarshal(resp.body, &e); err != nil {
				t.Fatal(err)
			}
			if e.Code != tt.code || resp.status != 400 {
				t.Errorf("refused %d with code %d (%s), want code %d", resp.status, e.Code, resp.body, tt.code)
			}
		})
	}
}

// snowflakeIDs returns n distinct snowflakes as Discord lists them.
func snowflakeIDs(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = strconv.Itoa(1000 + i)
	}
	return out
}

func TestMentionPings(t *testing.T) {
	none := map[string]any{"parse": []any{}}
	tests := []struct {
		name    string
		content string
		allowed any
		want    DiscordPings
	}{
		{"no allowed_mentions pings all", "<@&1> <@2> <@!3> @here", nil, DiscordPings{Roles: []string{"1"}, Users: []string{"2", "3"}, Everyone: true}},
		{"parse nothing", "<@&1> <@2> @everyone", none, DiscordPings{}},
		{"listed role only", "<@&1> <@&9> <@2>", map[string]any{"parse": []any{}, "roles": []any{"1"}}, DiscordPings{Roles: []string{"1"}}},
		{"listed role not in content", "no mention", map[string]any{"parse": []any{}, "roles": []any{"1"}}, DiscordPings{}},
		{"parse roles", "<@&1> <@&9> <@&1>", map[string]any{"parse": []any{"roles"}}, DiscordPings{Roles: []string{"1", "9"}}},
		{"parse everyone", "@everyone <@&1>", map[string]any{"parse": []any{"everyone"}}, DiscordPings{Everyone: true}},
		{"defused everyone", "@\u200beveryone", nil, DiscordPings{}},
		{"escaped role", `\<@&1\>`, nil, DiscordPings{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mentionPings(tt.content, tt.allowed)
			if !slices.Equal(got.Roles, tt.want.Roles) || !slices.Equal(got.Users, tt.want.Users) || got.Everyone != tt.want.Everyone {
				t.Errorf("mentionPings(%q, %v) = %+v, want %+v", tt.content, tt.allowed, got, tt.want)
			}
			if got.Pinged() != (len(tt.want.Roles)+len(tt.want.Users) > 0 || tt.want.Everyone) {
				t.Errorf("Pinged() = %v", got.Pinged())
			}
		})
	}
}

// TestFormErrorsGolden pins the shape of Discord's Invalid Form Body
// answers. Run with -update to rewrite the golden file.
func TestFormErrorsGolden(t *testing.T) {
	bodies := []string{
		`{"content":"x","embeds":[{"title":"t","description":"` + strings.Repeat("d", 4097) + `","url":"/relative"}]}`,
		`{"embeds":[{"footer":{},"fields":[{"name":"","value":"v"}],"color":-1}]}`,
		`{"content":"x","nonce":"` + strings.Repeat("n", 26) + `","allowed_mentions":{"parse":["everyone","here"],"roles":["1"]}}`,
		`{"components":[{"type":1,"components":[{"type":2,"style":1,"label":"a","custom_id":"dup"},{"type":2,"style":5,"label":"b","custom_id":"x"},{"type":2,"style":1,"label":""}]},{"type":1,"components":[{"type":2,"style":2,"label":"c","custom_id":"dup"}]}]}`,
	}
	var out bytes.Buffer
	for _, b := range bodies {
		var body map[string]any
		if err := json.Unmarshal([]byte(b), &body); err != nil {
			t.Fatal(err)
		}
		resp, bad := checkMessage(body, true)
		if !bad {
			t.Fatalf("accepted %.60s", b)
		}
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, resp.body, "", "  "); err != nil {
			t.Fatal(err)
		}
		out.Write(pretty.Bytes())
		out.WriteByte('\n')
	}
	golden := filepath.Join("testdata", "form_errors.golden")
	if *update {
		if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("form errors differ from %s:\n%s", golden, out.Bytes())
	}
}

func FuzzCheckMessage(f *testing.F) {
	for _, s := range []string{
		`{"content":"hi"}`, `{}`, `{"embeds":[{"title":"t","fields":[{"name":"n","value":"v"}]}]}`,
		`{"embeds":"x"}`, `{"embeds":[1,null,{}]}`, `{"allowed_mentions":{"parse":[1]}}`,
		`{"embeds":[{"footer":"x","author":{"name":5},"image":{"url":"attachment://a"}}]}`, `{"nonce":{"a":1}}`,
		`{"components":[{"type":1,"components":[{"type":2,"style":5,"url":"x","custom_id":"a"},{"type":3}]},2,{"type":1}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var body map[string]any
		if json.Unmarshal(data, &body) != nil || body == nil {
			return
		}
		for _, create := range []bool{true, false} {
			resp, bad := checkMessage(body, create)
			again, badAgain := checkMessage(body, create)
			if bad != badAgain || !bytes.Equal(resp.body, again.body) {
				t.Fatal("checkMessage is not deterministic")
			}
			if !bad {
				continue
			}
			var e struct {
				Code    int            `json:"code"`
				Message string         `json:"message"`
				Errors  map[string]any `json:"errors"`
			}
			if resp.status != 400 || json.Unmarshal(resp.body, &e) != nil || e.Message == "" {
				t.Fatalf("bad answer %d %s", resp.status, resp.body)
			}
			switch e.Code {
			case 50035:
				if len(e.Errors) == 0 {
					t.Fatalf("50035 without errors: %s", resp.body)
				}
			case 50006:
				if !create || !emptyMessage(body) {
					t.Fatalf("50006 for a non-empty message: %s", data)
				}
			default:
				t.Fatalf("unexpected code %d", e.Code)
			}
		}
	})
}
