package extract

import (
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/mmcdole/gofeed"
	ext "github.com/mmcdole/gofeed/extensions"
)

// imageExts are the file extensions of pictures.
var imageExts = map[string]bool{
	".jpg": true, ".jpeg": true, ".png": true, ".gif": true, ".webp": true,
	".avif": true, ".bmp": true, ".svg": true, ".jfif": true, ".heic": true,
}

// hasImageExt reports whether link's path ends in a picture's extension.
func hasImageExt(link string) bool {
	u, err := url.Parse(link)
	if err != nil {
		return false
	}
	return imageExts[strings.ToLower(path.Ext(u.Path))]
}

// itemImage picks the item's main image: gofeed's item image (or, when
// that is one of several media:content pictures, the widest of them), else
// the first picture enclosure, else a media:content or media:thumbnail
// picture (also inside media:group). Relative links are resolved against
// base; only http and https links are returned.
func itemImage(item *gofeed.Item, base string) string {
	var candidates []string
	media := item.Extensions["media"]
	if item.Image != nil {
		u := strings.TrimSpace(item.Image.URL)
		// gofeed takes the first picture among media:content; the widest
		// of them is the better choice.
		if m := mediaImages(media); len(m) > 0 && isMediaContent(media, u) {
			u = m[0]
		}
		candidates = append(candidates, u)
	}
	for _, e := range item.Enclosures {
		if e == nil {
			continue
		}
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(e.Type)), "image/") || hasImageExt(e.URL) {
			candidates = append(candidates, e.URL)
		}
	}
	if media != nil {
		candidates = append(candidates, mediaImages(media)...)
		for _, g := range media["group"] {
			candidates = append(candidates, mediaImages(g.Children)...)
		}
	}
	for _, c := range candidates {
		if link := resolve(base, c); isAbsolute(link) {
			return link
		}
	}
	return ""
}

// mediaImages returns the pictures among media:content elements, widest
// first, then the media:thumbnail ones.
func mediaImages(media map[string][]ext.Extension) []string {
	var out []string
	best, bestWidth := "", -1
	for _, c := range media["content"] {
		u := strings.TrimSpace(c.Attrs["url"])
		if u == "" || !isMediaImage(c) {
			continue
		}
		w, err := strconv.Atoi(c.Attrs["width"])
		if err != nil {
			w = 0
		}
		if w > bestWidth {
			best, bestWidth = u, w
		}
	}
	if best != "" {
		out = append(out, best)
	}
	for _, t := range media["thumbnail"] {
		if u := strings.TrimSpace(t.Attrs["url"]); u != "" {
			out = append(out, u)
		}
	}
	return out
}

// isMediaContent reports whether link is the URL of a media:content
// element.
func isMediaContent(media map[string][]ext.Extension, link string) bool {
	for _, c := range media["content"] {
		if strings.TrimSpace(c.Attrs["url"]) == link {
			return true
		}
	}
	return false
}

// isMediaImage reports whether a media:content element holds a picture.
func isMediaImage(c ext.Extension) bool {
	medium := strings.ToLower(c.Attrs["medium"])
	typ := strings.ToLower(c.Attrs["type"])
	switch {
	case medium == "image", strings.HasPrefix(typ, "image/"):
		return true
	case medium != "" || typ != "":
		return false
	}
	return hasImageExt(c.Attrs["url"])
}
