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
// by Chromium's own names for its work (toplevel: the thread's tasks,
// ThreadControllerImpl::RunTask; devtools.timeline: UpdateLayoutTree
// is style, Layout, Paint, PrePaint, FunctionCall is JavaScript and wasm,
// ...): what a CPU profile lumps together as "(program)". A diagnostic for
// benchmarks (see TestMessageAnimationBench's ETCDPLAY_PHASES).
type phaseTrace struct{ *chromeTrace }

func (tb *tab) startPhaseTrace() *phaseTrace {
	tb.t.Helper()
	return &phaseTrace{tb.startTrace([]string{"devtools.timeline", "toplevel"}, func(e traceEvent) bool { return e.Ph == "X" })}
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
	// The top-level events, each with its nested events' thread time by
	// name (self time), for the longest ones below.
	type topEvent struct {
		e   traceEvent
		cpu map[string]float64
	}
	var tops []topEvent
	for _, e := range evs {
		for len(stack) > 0 && stack[len(stack)-1].Ts+stack[len(stack)-1].Dur <= e.Ts {
			stack = stack[:len(stack)-1]
		}
		if len(stack) > 0 {
			self[stack[len(stack)-1].Name] -= e.Dur
			cpu[stack[len(stack)-1].Name] -= e.TDur
			tops[len(tops)-1].cpu[stack[len(stack)-1].Name] -= e.TDur
		} else {
			total += e.Dur
			totalCPU += e.TDur
			tops = append(tops, topEvent{e, map[string]float64{}})
		}
		self[e.Name] += e.Dur
		cpu[e.Name] += e.TDur
		tops[len(tops)-1].cpu[e.Name] += e.TDur
		stack = append(stack, e)
	}
	// Style recalculations, and layout's extent: how many layout objects
	// each layout had dirty and walked, in all and at most.
	var recalcs, elems, maxElems int
	var layouts, dirty, objects, maxObjects int
	for _, e := range evs {
		switch e.Name {
		case "UpdateLayoutTree":
			var a struct {
				ElementCount int `json:"elementCount"`
			}
			json.Unmarshal(e.Args, &a)
			recalcs++
			elems += a.ElementCount
			maxElems = max(maxElems, a.ElementCount)
		case "Layout":
			var a struct {
				BeginData struct {
					DirtyObjects int `json:"dirtyObjects"`
					TotalObjects int `json:"totalObjects"`
				} `json:"beginData"`
			}
			json.Unmarshal(e.Args, &a)
			layouts++
			dirty += a.BeginData.DirtyObjects
			objects += a.BeginData.TotalObjects
			maxObjects = max(maxObjects, a.BeginData.TotalObjects)
		}
	}
	names := make([]string, 0, len(self))
	for k := range self {
		names = append(names, k)
	}
	slices.SortFunc(names, func(a, b string) int { return cmp.Compare(self[b], self[a]) })
	var sb strings.Builder
	fmt.Fprintf(&sb, "style recalcs %d, elements %d, max %d; ", recalcs, elems, maxElems)
	fmt.Fprintf(&sb, "layouts %d, dirty objects %d, objects %d, max %d; ", layouts, dirty, objects, maxObjects)
	fmt.Fprintf(&sb, "main thread %.0f ms (thread time %.0f ms) in top-level events:", total/1000, totalCPU/1000)
	for _, k := range names[:min(n, len(names))] {
		fmt.Fprintf(&sb, " %s %.0f ms (%.0f);", k, self[k]/1000, cpu[k]/1000)
	}
	// The longest top-level events by wall time, each with where its
	// thread time went.
	slices.SortFunc(tops, func(a, b topEvent) int { return cmp.Compare(b.e.Dur, a.e.Dur) })
	sb.WriteString("\nlongest top-level events, wall ms (thread ms): thread ms by nested name")
	for _, t := range tops[:min(n, len(tops))] {
		fmt.Fprintf(&sb, "\n  %.1f (%.1f) %s:", t.e.Dur/1000, t.e.TDur/1000, t.e.Name)
		ks := make([]string, 0, len(t.cpu))
		for k := range t.cpu {
			ks = append(ks, k)
		}
		slices.SortFunc(ks, func(a, b string) int { return cmp.Compare(t.cpu[b], t.cpu[a]) })
		for _, k := range ks[:min(6, len(ks))] {
			fmt.Fprintf(&sb, " %s %.1f;", k, t.cpu[k]/1000)
		}
	}
	return sb.String()
}
