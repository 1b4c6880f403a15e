package extract

import (
	"unicode"

	"golang.org/x/net/html"
)

// minStoryText is how many letters of paragraph text an element must hold
// to be taken for a story's container.
const minStoryText = 200

// storyContainer finds the element that holds a story on a page that marks
// it with no known element or class. Every paragraph (a <p>, or a <div>
// holding only text and inline elements) outside navigation, asides,
// captions and the like adds the letters it has outside links to its
// parent's score. The story is the nearest element that holds every
// container scoring at least a third of the best, for a story split in
// parts; it takes in its parent while the parent holds paragraphs of its
// own, for a story whose first paragraphs sit beside the rest. It returns
// nil when no element holds minStoryText letters.
func storyContainer(root *html.Node) *html.Node {
	scores := map[*html.Node]int{}
	var order []*html.Node // scored elements, first scored first
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		if depth > maxDepth {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode || skipElements[c.Data] || hiddenElements[c.Data] || isHiddenNode(c) {
				continue
			}
			if c.Data == "p" || c.Data == "div" && onlyInline(c) {
				if letters := proseLetters(c, 0); letters > 0 {
					if _, ok := scores[n]; !ok {
						order = append(order, n)
					}
					scores[n] += letters
				}
				continue
			}
			walk(c, depth+1)
		}
	}
	walk(root, 0)
	best := 0
	for _, n := range order {
		best = max(best, scores[n])
	}
	if best < minStoryText {
		return nil
	}
	var story *html.Node
	for _, n := range order {
		if scores[n]*3 >= best {
			story = commonAncestor(story, n)
		}
	}
	for story.Parent != nil && story.Parent.Type == html.ElementNode && story.Data != "body" && scores[story.Parent] >= minStoryText/2 {
		story = story.Parent
	}
	return story
}

// onlyInline reports whether n holds nothing but text and inline elements.
func onlyInline(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && !inlineElements[c.Data] && c.Data != "br" && c.Data != "img" {
			return false
		}
	}
	return true
}

// commonAncestor returns the nearest element holding both a and b; a may
// be nil.
func commonAncestor(a, b *html.Node) *html.Node {
	if a == nil {
		return b
	}
	seen := map[*html.Node]bool{}
	for n := a; n != nil; n = n.Parent {
		seen[n] = true
	}
	for n := b; n != nil; n = n.Parent {
		if seen[n] {
			return n
		}
	}
	return a
}

// proseLetters counts the letters in n that are not link text, leaving out
// hidden elements and captions.
func proseLetters(n *html.Node, depth int) int {
	if depth > maxDepth {
		return 0
	}
	count := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			for _, r := range c.Data {
				if unicode.IsLetter(r) {
					count++
				}
			}
		case html.ElementNode:
			if c.Data == "a" || skipElements[c.Data] || hiddenElements[c.Data] || isHiddenNode(c) {
				continue
			}
			count += proseLetters(c, depth+1)
		}
	}
	return count
}
