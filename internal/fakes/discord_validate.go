package fakes

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Discord's documented message limits, in characters (code points).
const (
	maxContent          = 2000
	maxEmbeds           = 10
	maxEmbedTitle       = 256
	maxEmbedDescription = 4096
	maxEmbedFields      = 25
	maxFieldName        = 256
	maxFieldValue       = 1024
	maxFooterText       = 2048
	maxAuthorName       = 256
	maxEmbedTotal       = 6000
	maxNonce            = 25
	maxEmbedURL         = 2048
	maxColor            = 0xFFFFFF
)

// formErrors is the errors object of Discord's 50035 Invalid Form Body:
// nested by field path, each leaf holding an _errors list.
type formErrors map[string]any

func (e formErrors) add(code, message string, path ...string) {
	m := map[string]any(e)
	for _, p := range path {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	list, _ := m["_errors"].([]any)
	m["_errors"] = append(list, map[string]any{"code": code, "message": message})
}

func (e formErrors) response() response {
	return jsonResponse(http.StatusBadRequest, map[string]any{
		"code": 50035, "errors": map[string]any(e), "message": "Invalid Form Body",
	})
}

// checkMessage validates a message body (a create when create is true,
// else an edit) and returns Discord's error response if it is refused.
func checkMessage(body map[string]any, create bool) (response, bool) {
	errs := formErrors{}
	checkMessageFields(errs, body, nil)
	if len(errs) > 0 {
		return errs.response(), true
	}
	if create && emptyMessage(body) {
		return discordError(http.StatusBadRequest, 50006, "Cannot send an empty message"), true
	}
	return response{}, false
}

// checkMessageFields records the problems of a message body's fields
// under path.
func checkMessageFields(errs formErrors, body map[string]any, path []string) {
	checkString(errs, body, "content", maxContent, false, path)
	switch n := body["nonce"].(type) {
	case nil, float64:
	case string:
		if utf8.RuneCountInString(n) > maxNonce {
			errs.add("BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", maxNonce), at(path, "nonce")...)
		}
	default:
		errs.add("BASE_TYPE_STRING", "Must be a string.", at(path, "nonce")...)
	}
	if v, ok := body["embeds"]; ok && v != nil {
		list, ok := v.([]any)
		switch {
		case !ok:
			errs.add("LIST_TYPE_CONVERT", "Only iterables may be used in a ListType", at(path, "embeds")...)
		case len(list) > maxEmbeds:
			errs.add("BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", maxEmbeds), at(path, "embeds")...)
		default:
			total := 0
			for i, e := range list {
				total += checkEmbed(errs, e, at(path, "embeds", strconv.Itoa(i)))
			}
			if total > maxEmbedTotal {
				errs.add("MAX_EMBED_SIZE_EXCEEDED", fmt.Sprintf("Embed size exceeds maximum size of %d", maxEmbedTotal), at(path, "embeds")...)
			}
		}
	}
	if v, ok := body["allowed_mentions"]; ok && v != nil {
		checkAllowedMentions(errs, v, at(path, "allowed_mentions"))
	}
	checkComponents(errs, body, path)
}

// checkEmbed records the problems of one embed and returns the characters
// it counts toward the 6000 total.
func checkEmbed(errs formErrors, v any, path []string) int {
	e, ok := v.(map[string]any)
	if !ok {
		errs.add("MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType", path...)
		return 0
	}
	total := 0
	total += utf8.RuneCountInString(checkString(errs, e, "title", maxEmbedTitle, false, path))
	total += utf8.RuneCountInString(checkString(errs, e, "description", maxEmbedDescription, false, path))
	checkURL(errs, e, "url", false, path)
	if s := checkString(errs, e, "timestamp", 64, false, path); s != "" && !validTimestamp(s) {
		errs.add("DATE_TIME_TYPE_PARSE", fmt.Sprintf("Could not parse %s. Should be ISO8601.", s), at(path, "timestamp")...)
	}
	if v, ok := e["color"]; ok && v != nil {
		c, isNum := v.(float64)
		switch {
		case !isNum || c != float64(int64(c)):
			errs.add("NUMBER_TYPE_COERCE", fmt.Sprintf("Value %q is not int.", fmt.Sprint(v)), at(path, "color")...)
		case c < 0:
			errs.add("NUMBER_TYPE_MIN", "int value should be greater than or equal to 0.", at(path, "color")...)
		case c > maxColor:
			errs.add("NUMBER_TYPE_MAX", fmt.Sprintf("int value should be less than or equal to %d.", maxColor), at(path, "color")...)
		}
	}
	if f, ok := object(errs, e, "footer", path); ok {
		fp := at(path, "footer")
		total += utf8.RuneCountInString(checkString(errs, f, "text", maxFooterText, true, fp))
		checkURL(errs, f, "icon_url", true, fp)
	}
	for _, key := range []string{"image", "thumbnail"} {
		if m, ok := object(errs, e, key, path); ok {
			kp := at(path, key)
			if checkString(errs, m, "url", maxEmbedURL, true, kp) != "" {
				checkURL(errs, m, "url", true, kp)
			}
		}
	}
	if a, ok := object(errs, e, "author", path); ok {
		ap := at(path, "author")
		total += utf8.RuneCountInString(checkString(errs, a, "name", maxAuthorName, true, ap))
		checkURL(errs, a, "url", false, ap)
		checkURL(errs, a, "icon_url", true, ap)
	}
	if v, ok := e["fields"]; ok && v != nil {
		list, ok := v.([]any)
		switch {
		case !ok:
			errs.add("LIST_TYPE_CONVERT", "Only iterables may be used in a ListType", at(path, "fields")...)
		case len(list) > maxEmbedFields:
			errs.add("BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", maxEmbedFields), at(path, "fields")...)
		default:
			for i, fv := range list {
				fp := at(path, "fields", strconv.Itoa(i))
				f, ok := fv.(map[string]any)
				if !ok {
					errs.add("MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType", fp...)
					continue
				}
				total += utf8.RuneCountInString(checkString(errs, f, "name", maxFieldName, true, fp))
				total += utf8.RuneCountInString(checkString(errs, f, "value", maxFieldValue, true, fp))
			}
		}
	}
	return total
}

func checkAllowedMentions(errs formErrors, v any, path []string) {
	am, ok := v.(map[string]any)
	if !ok {
		errs.add("MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType", path...)
		return
	}
	parse := map[string]bool{}
	if pv, ok := am["parse"]; ok && pv != nil {
		list, ok := pv.([]any)
		if !ok {
			errs.add("LIST_TYPE_CONVERT", "Only iterables may be used in a ListType", at(path, "parse")...)
		}
		for i, x := range list {
			s, _ := x.(string)
			if s != "roles" && s != "users" && s != "everyone" {
				errs.add("BASE_TYPE_CHOICES", "Value must be one of {'roles', 'users', 'everyone'}.", at(path, "parse", strconv.Itoa(i))...)
				continue
			}
			parse[s] = true
		}
	}
	for _, key := range []string{"users", "roles"} {
		v, present := am[key]
		if !present || v == nil {
			continue
		}
		list, ok := v.([]any)
		if !ok {
			errs.add("LIST_TYPE_CONVERT", "Only iterables may be used in a ListType", at(path, key)...)
			continue
		}
		if len(list) == 0 {
			continue
		}
		if len(list) > 100 {
			errs.add("BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.", at(path, key)...)
		}
		for i, x := range list {
			if _, ok := snowflake(x); !ok {
				errs.add("NUMBER_TYPE_COERCE", fmt.Sprintf("Value %q is not snowflake.", fmt.Sprint(x)), at(path, key, strconv.Itoa(i))...)
			}
		}
		if parse[key] {
			errs.add("MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
				fmt.Sprintf("parse:[%q] and %s: [ids...] are mutually exclusive.", key, key), path...)
		}
	}
}

// emptyMessage reports whether a message body has nothing to show.
func emptyMessage(body map[string]any) bool {
	if s, _ := body["content"].(string); strings.TrimSpace(s) != "" {
		return false
	}
	for _, key := range []string{"embeds", "components", "sticker_ids", "attachments"} {
		if list, _ := body[key].([]any); len(list) > 0 {
			return false
		}
	}
	return body["poll"] == nil
}

// checkString records the problems of a string field and returns its
// value ("" when absent or invalid).
func checkString(errs formErrors, obj map[string]any, key string, maxLen int, required bool, path []string) string {
	v, ok := obj[key]
	if !ok || v == nil {
		if required {
			errs.add("BASE_TYPE_REQUIRED", "This field is required", at(path, key)...)
		}
		return ""
	}
	s, ok := v.(string)
	if !ok {
		errs.add("BASE_TYPE_STRING", "Must be a string.", at(path, key)...)
		return ""
	}
	if required && strings.TrimSpace(s) == "" {
		errs.add("BASE_TYPE_REQUIRED", "This field is required", at(path, key)...)
		return s
	}
	if utf8.RuneCountInString(s) > maxLen {
		errs.add("BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", maxLen), at(path, key)...)
	}
	return s
}

// checkURL records a URL field that is not an absolute http(s) URL (or
// attachment://name where attachments are allowed).
func checkURL(errs formErrors, obj map[string]any, key string, attachment bool, path []string) {
	s, ok := obj[key].(string)
	if !ok {
		if v, present := obj[key]; present && v != nil {
			errs.add("BASE_TYPE_STRING", "Must be a string.", at(path, key)...)
		}
		return
	}
	if len(s) > maxEmbedURL {
		errs.add("BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", maxEmbedURL), at(path, key)...)
		return
	}
	if !validEmbedURL(s, attachment) {
		errs.add("URL_TYPE_INVALID_URL", "Not a well formed URL.", at(path, key)...)
	}
}

func validEmbedURL(s string, attachment bool) bool {
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "http", "https":
		return u.Host != ""
	case "attachment":
		return attachment && u.Host != ""
	}
	return false
}

func validTimestamp(s string) bool {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}

// object returns an object field, recording an error if it is present but
// not an object.
func object(errs formErrors, obj map[string]any, key string, path []string) (map[string]any, bool) {
	v, ok := obj[key]
	if !ok || v == nil {
		return nil, false
	}
	m, ok := v.(map[string]any)
	if !ok {
		errs.add("MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType", at(path, key)...)
		return nil, false
	}
	return m, true
}

// at returns path extended by more, without sharing path's array.
func at(path []string, more ...string) []string { return slices.Concat(path, more) }

// commandName is what Discord accepts as a chat input command or option
// name (lower case is checked apart).
var commandName = regexp.MustCompile(`^[-_\p{L}\p{N}]{1,32}$`)

// checkCommand records the problems of an application command and
// returns its name.
func checkCommand(errs formErrors, v any, path []string) string {
	cmd, ok := v.(map[string]any)
	if !ok {
		errs.add("MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType", path...)
		return ""
	}
	typ := 1.0
	if t, ok := cmd["type"].(float64); ok {
		typ = t
	}
	name := checkString(errs, cmd, "name", 32, true, path)
	if typ == 1 && name != "" && (!commandName.MatchString(name) || strings.ToLower(name) != name) {
		errs.add("APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid", at(path, "name")...)
	}
	if typ == 1 {
		checkDescription(errs, cmd, path)
		checkOptions(errs, cmd, path)
	}
	return name
}

func checkDescription(errs formErrors, obj map[string]any, path []string) {
	d, ok := obj["description"].(string)
	if n := utf8.RuneCountInString(d); !ok || n < 1 || n > 100 {
		errs.add("BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.", at(path, "description")...)
	}
}

func checkOptions(errs formErrors, obj map[string]any, path []string) {
	v, ok := obj["options"]
	if !ok || v == nil {
		return
	}
	list, ok := v.([]any)
	if !ok {
		errs.add("LIST_TYPE_CONVERT", "Only iterables may be used in a ListType", at(path, "options")...)
		return
	}
	if len(list) > 25 {
		errs.add("BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.", at(path, "options")...)
		return
	}
	for i, ov := range list {
		op := at(path, "options", strconv.Itoa(i))
		o, ok := ov.(map[string]any)
		if !ok {
			errs.add("MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType", op...)
			continue
		}
		if t, _ := o["type"].(float64); t < 1 || t > 11 {
			errs.add("BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}.", at(op, "type")...)
		}
		name := checkString(errs, o, "name", 32, true, op)
		if name != "" && (!commandName.MatchString(name) || strings.ToLower(name) != name) {
			errs.add("APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid", at(op, "name")...)
		}
		checkDescription(errs, o, op)
		if ch, ok := o["choices"].([]any); ok && len(ch) > 25 {
			errs.add("BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.", at(op, "choices")...)
		}
		checkOptions(errs, o, op)
	}
}
