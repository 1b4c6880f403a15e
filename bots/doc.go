// Package bots holds what the platform bots share. Each platform lives in a
// package of its own below it: bots/discord and bots/telegram speak to the
// platforms through their libraries, bots/console prints posts instead.
package bots
