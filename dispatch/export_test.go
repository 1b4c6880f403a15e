package dispatch

import (
	"slices"
	"strings"

	"github.com/heraldhq/herald"
)

// Lanes lists the targets whose lanes run, by name.
func (d *Dispatcher) Lanes() []herald.Target {
	d.mu.Lock()
	defer d.mu.Unlock()
	var ts []herald.Target
	for t := range d.lanes {
		ts = append(ts, t)
	}
	slices.SortFunc(ts, func(a, b herald.Target) int { return strings.Compare(a.String(), b.String()) })
	return ts
}
