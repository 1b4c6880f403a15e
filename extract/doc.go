// Package extract turns feed items and article pages into herald.Article
// values: it picks the headline, splits the dateline off the lead paragraph,
// skips the boilerplate that surrounds a story (breadcrumbs, bylines, photo
// credits, promo lines), normalises topics and links, and finds the main
// image. It is pure code: it reads what it is given and never touches the
// network.
package extract
