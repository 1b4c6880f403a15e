package extract

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// blockKind says what kind of element a block of text came from, which
// decides how readily it is taken as a lead.
type blockKind int

const (
	kindPara    blockKind = iota // a <p>, text directly in a container, or plain text
	kindOther                    // list items, table cells, quotes
	kindHeading                  // <h1>…<h6>
)

// block is one paragraph-like run of text.
type block struct {
	text string
	kind blockKind
	// links reports whether all the block's text is link text: a menu
	// entry, a teaser or a promo, never the story's own prose. A linked
	// sentence with so much as a colon after it is prose.
	links bool
}

// contentBlocks splits HTML or plain-text content into blocks of clean text.
func contentBlocks(content string) []block {
	content = unescapeMarkup(strings.ToValidUTF8(content, "\uFFFD"))
	if looksLikeHTML(content) {
		return htmlBlocks(content)
	}
	return textBlocks(content)
}

var blankLineRE = regexp.MustCompile(`\n[ \t\r\f\v\p{Zs}]*\n`)

// textBlocks splits plain text into paragraphs at blank lines; single line
// breaks inside a paragraph are spaces. Text without blank lines is split
// at every line break.
func textBlocks(s string) []block {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	var parts []string
	if blankLineRE.MatchString(s) {
		parts = blankLineRE.Split(s, -1)
	} else {
		parts = strings.Split(s, "\n")
	}
	var blocks []block
	for _, p := range parts {
		if t := Text(p); t != "" {
			blocks = append(blocks, block{text: t, kind: kindPara})
		}
	}
	return blocks
}

// htmlBlocks splits an HTML fragment or document into blocks at block
// elements and line breaks, leaving out what a reader does not see as the
// story: scripts, navigation, asides, figures and their captions, forms.
func htmlBlocks(s string) []block {
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(s), body)
	if err != nil {
		return textBlocks(htmlText(s))
	}
	return nodeBlocks(nodes...)
}

// nodeBlocks splits the text of parsed HTML nodes into blocks.
func nodeBlocks(nodes ...*html.Node) []block {
	w := blockWalker{kinds: []blockKind{kindPara}}
	for _, n := range nodes {
		w.walk(n, 0)
	}
	w.flush()
	return w.blocks
}

// maxDepth bounds the recursion over pathologically nested HTML.
const maxDepth = 512

type blockWalker struct {
	buf    strings.Builder
	kinds  []blockKind // the kind of the innermost open block is last
	blocks []block
	inLink int  // how many <a> elements are open
	prose  bool // whether the open block has text outside links
}

func (w *blockWalker) flush() {
	t := cleanDecoded(w.buf.String())
	w.buf.Reset()
	if t != "" {
		w.blocks = append(w.blocks, block{text: t, kind: w.kinds[len(w.kinds)-1], links: !w.prose})
	}
	w.prose = false
}

// isVisible reports whether r shows on the page.
func isVisible(r rune) bool { return !unicode.IsSpace(r) && !dropRune(r) }

// write adds a text node's text to the open block.
func (w *blockWalker) write(s string) {
	w.buf.WriteString(s)
	if w.inLink == 0 && !w.prose {
		w.prose = strings.IndexFunc(s, isVisible) >= 0
	}
}

func (w *blockWalker) walk(n *html.Node, depth int) {
	switch n.Type {
	case html.TextNode:
		w.write(n.Data)
		return
	case html.ElementNode:
	case html.DocumentNode:
	default:
		return
	}
	if depth > maxDepth {
		return
	}
	tag := n.Data
	if skipElements[tag] || hiddenElements[tag] || (n.Type == html.ElementNode && isHiddenNode(n)) {
		return
	}
	if tag == "br" || tag == "hr" {
		w.flush()
		return
	}
	kind, isBlock := blockElements[tag]
	if !isBlock && !inlineElements[tag] && n.Type == html.ElementNode {
		// An unknown element: treat it as a block of the enclosing kind.
		kind, isBlock = w.kinds[len(w.kinds)-1], true
	}
	if isBlock {
		w.flush()
		w.kinds = append(w.kinds, kind)
	}
	if tag == "a" {
		w.inLink++
		defer func() { w.inLink-- }()
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c, depth+1)
	}
	if isBlock {
		w.flush()
		w.kinds = w.kinds[:len(w.kinds)-1]
	} else if !inlineElements[tag] {
		w.buf.WriteByte(' ')
	}
}

// hiddenElements hold what surrounds a story rather than the story.
var hiddenElements = map[string]bool{
	"nav": true, "aside": true, "footer": true, "header": true,
	"figure": true, "figcaption": true, "form": true, "button": true,
	"picture": true, "video": true, "audio": true, "canvas": true,
	"dialog": true, "menu": true, "input": true, "label": true,
}

// hiddenClassRE matches a part of a class name or id that marks an element
// holding no part of the story: captions, galleries, share bars, promos.
var hiddenClassRE = regexp.MustCompile(`(?i)(^|[-_])(captions?|gallery|slideshow|carousel|related|promos?|share|sharing|social|newsletter|subscribe|subscription|advert\w*|ads?|sponsor\w*|byline|credits?|breadcrumbs?|comments?|sidebar|modal|popup|toolbar|skip|sr|visually|nav|navigation|menu|signup|paywall|outbrain|taboola|recirc|author|disclaimer|title|headline|hero|dek|standfirst|subtitle|kicker|cookies?|consent)([-_]|$)`)

// isHiddenNode reports whether an element is hidden from readers or, by its
// class or id, holds something other than the story.
func isHiddenNode(n *html.Node) bool {
	for _, a := range n.Attr {
		switch a.Key {
		case "hidden":
			return true
		case "aria-hidden":
			if a.Val == "true" {
				return true
			}
		case "style":
			v := strings.ToLower(strings.ReplaceAll(a.Val, " ", ""))
			if strings.Contains(v, "display:none") || strings.Contains(v, "visibility:hidden") {
				return true
			}
		case "class", "id":
			for _, c := range strings.Fields(a.Val) {
				if hiddenClassRE.MatchString(c) && !holdsStory(n) {
					return true
				}
			}
		}
	}
	return false
}

// holdsStory reports whether n holds several paragraphs, as a story's
// container does whatever its class says ("no-sidebars", "share-parent").
func holdsStory(n *html.Node) bool {
	switch n.Data {
	case "html", "body", "main", "article":
		return true
	}
	count := 0
	var walk func(*html.Node, int) bool
	walk = func(n *html.Node, depth int) bool {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if c.Data == "p" {
				if count++; count >= 3 {
					return true
				}
			}
			if depth < maxDepth && walk(c, depth+1) {
				return true
			}
		}
		return false
	}
	return walk(n, 0)
}

// blockElements map the block elements to the kind of text they hold.
var blockElements = map[string]blockKind{
	"p": kindPara, "div": kindPara, "section": kindPara, "article": kindPara,
	"main": kindPara, "body": kindPara, "html": kindPara, "center": kindPara,
	"li": kindOther, "ul": kindOther, "ol": kindOther, "dl": kindOther,
	"dd": kindOther, "dt": kindOther, "td": kindOther, "th": kindOther,
	"tr": kindOther, "table": kindOther, "tbody": kindOther, "thead": kindOther,
	"tfoot": kindOther, "caption": kindOther, "blockquote": kindOther,
	"pre": kindOther, "address": kindOther, "details": kindOther,
	"summary": kindOther, "h1": kindHeading, "h2": kindHeading,
	"h3": kindHeading, "h4": kindHeading, "h5": kindHeading, "h6": kindHeading,
	"hgroup": kindHeading,
}

// cleanDecoded cleans text whose entities were decoded once already: a
// second round of entities is decoded, but no tags are looked for, since a
// "<" in it was written as "&lt;".
func cleanDecoded(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if entityRE.MatchString(s) {
		s = html.UnescapeString(s)
	}
	return clean(s)
}
