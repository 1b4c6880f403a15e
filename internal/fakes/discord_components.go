package fakes

import (
	"fmt"
	"net/url"
	"strconv"
	"unicode/utf8"
)

// Discord's documented limits on message components.
const (
	maxActionRows   = 5
	maxRowButtons   = 5
	maxButtonLabel  = 80
	maxCustomID     = 100
	maxButtonURL    = 512
	flagComponentV2 = 1 << 15 // IS_COMPONENTS_V2: a layout the fake does not check
	linkButtonStyle = 5
	premiumStyle    = 6
)

// checkComponents records the problems of a message's components:
// at most 5 action rows (type 1) of 1-5 buttons (type 2), or of one
// select menu (types 3 and 5-8). A button has a style 1-6 and a label of
// at most 80 characters or an emoji; a link button (style 5) has an
// http(s) or discord url and no custom_id, a premium button (6) a sku_id,
// and the others a custom_id of 1-100 characters, unique within the
// message. Components V2 messages are not checked.
func checkComponents(errs formErrors, body map[string]any, path []string) {
	v, ok := body["components"]
	if !ok || v == nil {
		return
	}
	if flags, _ := body["flags"].(float64); int64(flags)&flagComponentV2 != 0 {
		return
	}
	rows, ok := v.([]any)
	if !ok {
		errs.add("LIST_TYPE_CONVERT", "Only iterables may be used in a ListType", at(path, "components")...)
		return
	}
	if len(rows) > maxActionRows {
		errs.add("BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", maxActionRows), at(path, "components")...)
		return
	}
	seen := map[string]bool{}
	for i, rv := range rows {
		rp := at(path, "components", strconv.Itoa(i))
		row, ok := rv.(map[string]any)
		if !ok {
			errs.add("MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType", rp...)
			continue
		}
		if t, _ := row["type"].(float64); t != 1 {
			errs.add("UNION_TYPE_CHOICES", `Value of field "type" must be one of (1,).`, at(rp, "type")...)
			continue
		}
		children, _ := row["components"].([]any)
		if len(children) < 1 || len(children) > maxRowButtons {
			errs.add("BASE_TYPE_BAD_LENGTH", fmt.Sprintf("Must be between 1 and %d in length.", maxRowButtons), at(rp, "components")...)
			continue
		}
		for j, cv := range children {
			cp := at(rp, "components", strconv.Itoa(j))
			c, ok := cv.(map[string]any)
			if !ok {
				errs.add("MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType", cp...)
				continue
			}
			switch t, _ := c["type"].(float64); t {
			case 2:
				checkButton(errs, c, cp)
			case 3, 5, 6, 7, 8:
				if len(children) > 1 {
					errs.add("COMPONENT_LAYOUT_WIDTH_EXCEEDED", "The specified component exceeds the maximum width", cp...)
				}
				checkCustomID(errs, c, cp, "BASE_TYPE_REQUIRED", "This field is required")
			default:
				errs.add("UNION_TYPE_CHOICES", `Value of field "type" must be one of (2, 3, 5, 6, 7, 8).`, at(cp, "type")...)
				continue
			}
			if id, _ := c["custom_id"].(string); id != "" {
				if seen[id] {
					errs.add("COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated", at(cp, "custom_id")...)
				}
				seen[id] = true
			}
		}
	}
}

// checkButton records the problems of one button.
func checkButton(errs formErrors, b map[string]any, path []string) {
	style, _ := b["style"].(float64)
	if style != float64(int(style)) || style < 1 || style > premiumStyle {
		errs.add("BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4, 5, 6}.", at(path, "style")...)
		return
	}
	label := checkString(errs, b, "label", maxButtonLabel, false, path)
	customID, hasCustomID := b["custom_id"].(string)
	hasCustomID = hasCustomID && customID != ""
	link, hasURL := b["url"].(string)
	hasURL = hasURL && link != ""
	switch int(style) {
	case linkButtonStyle:
		switch {
		case !hasURL:
			errs.add("BUTTON_COMPONENT_URL_REQUIRED", "A url is required", at(path, "url")...)
		case utf8.RuneCountInString(link) > maxButtonURL:
			errs.add("BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", maxButtonURL), at(path, "url")...)
		case !buttonURL(link):
			errs.add("URL_TYPE_INVALID_URL", "Not a well formed URL.", at(path, "url")...)
		}
		if hasCustomID {
			errs.add("BUTTON_COMPONENT_LINK_HAS_CUSTOM_ID", "A custom id cannot be used with a link button", at(path, "custom_id")...)
		}
	case premiumStyle:
		if s, _ := b["sku_id"].(string); s == "" {
			errs.add("BUTTON_COMPONENT_SKU_REQUIRED", "A sku_id is required", at(path, "sku_id")...)
		}
		if hasCustomID || hasURL || label != "" {
			errs.add("BUTTON_COMPONENT_PREMIUM_INVALID", "Premium buttons cannot have a custom_id, label, url or emoji", at(path, "style")...)
		}
		return
	default:
		if hasURL {
			errs.add("BUTTON_COMPONENT_INVALID_URL", "Only link buttons can have a url", at(path, "url")...)
		}
		checkCustomID(errs, b, path, "BUTTON_COMPONENT_CUSTOM_ID_REQUIRED", "A custom id is required")
	}
	if emoji, _ := b["emoji"].(map[string]any); label == "" && emoji == nil {
		errs.add("BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED", "A label or emoji is required", at(path, "label")...)
	}
}

// checkCustomID records a custom_id that is missing (with the given
// error) or longer than 100 characters.
func checkCustomID(errs formErrors, c map[string]any, path []string, missingCode, missingMessage string) {
	id, ok := c["custom_id"].(string)
	if !ok || id == "" {
		errs.add(missingCode, missingMessage, at(path, "custom_id")...)
		return
	}
	if utf8.RuneCountInString(id) > maxCustomID {
		errs.add("BASE_TYPE_BAD_LENGTH", fmt.Sprintf("Must be between 1 and %d in length.", maxCustomID), at(path, "custom_id")...)
	}
}

// buttonURL reports whether a link button may open s: an absolute
// http(s) URL or a discord:// link.
func buttonURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "http", "https":
		return u.Host != ""
	case "discord":
		return true
	}
	return false
}
