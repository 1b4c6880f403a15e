// Package bots holds what the platform bots share: the platform-neutral
// handler of readers' commands (follow, unfollow, following, topics,
// search, latest, help). Each platform lives in a package of its own below
// it: bots/discord and bots/telegram parse their platform's updates into a
// Request and render the Reply, bots/console prints posts instead.
package bots
