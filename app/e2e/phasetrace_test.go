//go:build browser

package e2e

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// phaseTrace records what the renderer's main thread spent its time on,
// by Chromium's own names for its work (devtools.timeline: UpdateLayoutTree
// is style, Layout, Paint, PrePaint, FunctionCall is JavaScript and wasm,
// ...): what a CPU profile lumps together as "(program)". A diagnostic for
// benchmarks (see TestMessageAnimationBench's ETCDPLAY_PHASES).
type phaseTrace struct{ *chromeTrace }

func (tb *tab) startPhaseTrace() *phaseTrace {
	tb.t.Helper()
	return &phaseTrace{tb.startTrace([]string{"devtools.timeline"}, func(e traceEvent) bool { return e.Ph == "X" })}
}

// stop ends the trace and summarizes the page's renderer main thread's
// events (stopMain): each name's total wall time in ms, excluding time in
// nested events (self time), the largest first, top n, each with its
// thread time in parentheses (what the thread itself ran: on a loaded
// machine, the figure to compare), after the number of style
// recalculations and the elements they restyled (in all, and the most in
// one).
func (tr *phaseTrace) stop(tb *tab, n int) string {
	tb.t.Helper()
	evs := tr.stopMain(tb)
	// Self time: an event's duration less its children's (events nested
	// in it on the same thread), by a stack over events sorted by start.
	slices.SortStableFunc(evs, func(a, b traceEvent) int {
		if c := cmp.Compare(a.Ts, b.Ts); c != 0 {
			return c
		}
		return cmp.Compare(b.Dur, a.Dur)
	})
	self, cpu := map[string]float64{}, map[string]float64{}
	var stack []traceEvent
	var total, totalCPU float64
	for _, e := range evs {
		for len(stack) > 0 && stack[len(stack)-1].Ts+stack[len(stack)-1].Dur <= e.Ts {
			stack = stack[:len(stack)-1]
		}
		if len(stack) > 0 {
			self[stack[len(stack)-1].Name] -= e.Dur
			cpu[stack[len(stack)-1].Name] -= e.TDur
		} else {
			total += e.Dur
			totalCPU += e.TDur
		}
		self[e.Name] += e.Dur
		cpu[e.Name] += e.TDur
		stack = append(stack, e)
	}
	var recalcs, elems int
	var maxElems int
	for _, e := range evs {
		if e.Name == "UpdateLayoutTree" {
			var a struct {
				ElementCount int `json:"elementCount"`
			}
			json.Unmarshal(e.Args, &a)
			recalcs++
			elems += a.ElementCount
			maxElems = max(maxElems, a.ElementCount)
		}
	}
	names := make([]string, 0, len(self))
	for k := range self {
		names = append(names, k)
	}
	slices.SortFunc(names, func(a, b string) int { return cmp.Compare(self[b], self[a]) })
	var sb strings.Builder
	fmt.Fprintf(&sb, "style recalcs %d, elements %d, max %d; ", recalcs, elems, maxElems)
	fmt.Fprintf(&sb, "main thread %.0f ms (thread time %.0f ms) in top-level events:", total/1000, totalCPU/1000)
	for _, k := range names[:min(n, len(names))] {
		fmt.Fprintf(&sb, " %s %.0f ms (%.0f);", k, self[k]/1000, cpu[k]/1000)
	}
	return sb.String()
}
