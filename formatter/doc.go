// Package formatter renders an article as a post for each platform: a
// Discord embed, a Telegram HTML message and plain console text; and a
// digest of several articles as one message of each kind, holding as many
// as the platform's limits let one message hold.
//
// Every function is pure. Article text is treated as hostile: it is cleaned
// of control and bidirectional-override characters, cut to the platform's
// limits on word boundaries, and escaped after cutting so that no markup
// from the article can take effect.
package formatter
