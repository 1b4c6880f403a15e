// Package conformance holds tests that run real material written by others
// (the shared corpus of feeds) through extraction and formatting, and then
// through the Discord and Telegram stand-ins, which refuse what the real
// platforms would refuse. It has no code of its own.
package conformance
