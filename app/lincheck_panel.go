package app

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/etcd-play/etcd-play/app/engine"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The Check panel: the cluster's client history (every put, delete and
// linearizable get, stress puts included) checked for linearizability with
// porcupine, key by key (engine.Checker). "Check history"
// (data-action="check-history") asks for a check; the engine also checks
// by itself after each stress run, and the panel shows the latest verdict
// either way. The verdict element carries data-lincheck: "running", "ok",
// "violation", "unknown" (the search timed out), "error", "skipped" (an
// automatic check over a history too large for one) or "none" (no check
// yet), and data-seq (the check's number), data-auto, data-ops,
// data-keys and data-ms (the check's wall time). A violation shows the small set of operations no order
// explains: a timeline (one row per member, a bar from each operation's
// invoke tick to its answer tick, the stale read marked), the same
// operations as a list, and the explanation.

// checkState is the panel's own state. UI goroutine.
type checkState struct {
	asking bool                   // a check this page asked for is running
	cancel context.CancelFunc     // cancels it
	answer *engine.LinVerdictView // its verdict (nil: none yet)
	err    string                 // why it failed
}

// checkHistory asks the engine for a check and waits for it off the UI
// goroutine. UI goroutine.
func (p *playground) checkHistory(ctx app.Context) {
	if p.unavailable("check") || p.check.asking {
		return
	}
	ch, ok := p.eng.(engine.Checker)
	if !ok {
		p.check.err = "this cluster cannot check its history"
		return
	}
	cctx, cancel := context.WithCancel(context.Background())
	p.check.asking, p.check.cancel, p.check.err = true, cancel, ""
	ctx = p.lasting(ctx) // see lasting
	ctx.Async(func() {
		v, err := ch.CheckHistory(cctx)
		cancel()
		ctx.Dispatch(func(ctx app.Context) {
			p.check.asking, p.check.cancel = false, nil
			if err != nil {
				p.check.err = "check: " + err.Error()
				return
			}
			p.check.answer = &v
		})
	})
}

// verdictShown is the newest verdict the panel knows: the one it asked for
// or the engine's latest (an update's), by number; ok false: none.
func (p *playground) verdictShown() (engine.LinVerdictView, bool) {
	v, ok := p.view.verdict, p.view.hasVerdict
	if a := p.check.answer; a != nil && (!ok || a.Seq >= v.Seq) {
		v, ok = *a, true
	}
	if p.check.asking && (!ok || !v.Running) {
		// Asked: running until the answer arrives.
		v, ok = engine.LinVerdictView{Running: true, Seq: v.Seq}, true
	}
	return v, ok
}

func (p *playground) renderCheckPanel() app.UI {
	v, ok := p.verdictShown()
	state := "none"
	if ok {
		state = v.State()
	}
	return app.Section().Class("panel check-panel").Aria("labelledby", "check-h").Body(
		app.H2().ID("check-h").Text("Check"),
		app.P().Class("muted").Text("Checks every put, delete and linearizable get so far (stress puts included) "+
			"for linearizability with porcupine, one key at a time; also after each stress run."),
		app.Div().Class("row").Body(
			app.Button().Type("button").DataSet("action", "check-history").Disabled(p.check.asking).Text("Check history").
				OnClick(func(ctx app.Context, e app.Event) { p.checkHistory(ctx) }),
			app.If(p.check.asking, func() app.UI {
				return app.Button().Type("button").DataSet("action", "check-cancel").Text("Cancel").
					OnClick(func(ctx app.Context, e app.Event) {
						if p.check.cancel != nil {
							p.check.cancel()
						}
					})
			}),
		),
		app.If(p.check.err != "", func() app.UI { return app.P().Class("error").Role("alert").Text(p.check.err) }),
		app.Div().Class("lincheck-verdict "+state).DataSet("lincheck", state).Role("status").
			DataSet("seq", v.Seq).DataSet("auto", v.Auto).DataSet("ops", v.Ops).DataSet("keys", v.Keys).
			DataSet("ms", fmt.Sprintf("%.1f", float64(v.Elapsed.Microseconds())/1000)).Body(
			renderVerdict(v, ok)...,
		),
	)
}

// renderVerdict is the verdict's text (and for a violation its
// visualization). User data (keys, values, errors) is shown as text.
func renderVerdict(v engine.LinVerdictView, ok bool) []app.UI {
	if !ok {
		return []app.UI{app.P().Text("No check yet.")}
	}
	var notes []string
	if v.Auto {
		notes = append(notes, "automatic, after a stress run")
	}
	if v.Dropped > 0 {
		notes = append(notes, fmt.Sprintf("%d oldest operations dropped to bound memory", v.Dropped))
	}
	if v.SkippedOps > 0 {
		notes = append(notes, fmt.Sprintf("%d operations on %d keys left out (txns, leases or range deletes, which the model cannot express)",
			v.SkippedOps, v.SkippedKeys))
	}
	if v.OtherReads > 0 {
		notes = append(notes, fmt.Sprintf("%s not checked: serializable reads may be stale by design; reads over ranges or past revisions are outside the model",
			plural(v.OtherReads, "other read")))
	}
	note := ""
	if len(notes) > 0 {
		note = " (" + strings.Join(notes, "; ") + ")"
	}
	ms := fmt.Sprintf("%.0f", float64(v.Elapsed.Microseconds())/1000)
	switch v.State() {
	case "running":
		return []app.UI{app.P().Text("Checking…")}
	case "error":
		return []app.UI{app.P().Class("error").Text("The check failed: " + v.Err)}
	case "skipped":
		return []app.UI{app.P().Text(fmt.Sprintf("not checked automatically: the history holds %s (the automatic check after a stress run stops at %d); Check history checks them all",
			plural(v.Ops, "operation"), engine.AutoCheckMaxOps))}
	case "ok":
		return []app.UI{app.P().Text(fmt.Sprintf("linearizable: %s on %s checked in %s ms at tick %d%s",
			plural(v.Ops, "operation"), plural(v.Keys, "key"), ms, v.Tick, note))}
	case "unknown":
		return []app.UI{app.P().Text(fmt.Sprintf("no verdict: the search over %s on %s ran out of time (%s ms)%s",
			plural(v.Ops, "operation"), plural(v.Keys, "key"), ms, note))}
	}
	items := make([]app.UI, len(v.Failing))
	for i, o := range v.Failing {
		li := app.Li().Text(linOpText(o))
		if o.Stale {
			li = app.Li().Class("stale").Body(app.Strong().Text("stale read: "), app.Text(linOpText(o)))
		}
		items[i] = li
	}
	return []app.UI{
		app.P().Class("error").Text(fmt.Sprintf("not linearizable: key %q (%s on %s checked in %s ms at tick %d%s)",
			v.Key, plural(v.Ops, "operation"), plural(v.Keys, "key"), ms, v.Tick, note)),
		app.P().Class("lin-explain").Text(v.Explanation),
		renderLinTimeline(v.Failing),
		app.Ol().Class("lin-ops").Body(items...),
	}
}

// plural is "1 key", "2 keys".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// linOpText is one operation as a line of text.
func linOpText(o engine.LinOpView) string {
	what := fmt.Sprintf("%s %q", o.Kind, o.Key)
	if o.Kind == "put" {
		what = fmt.Sprintf("put %q = %q", o.Key, o.Value)
	}
	end := fmt.Sprintf("answered at tick %d", o.AnswerTick)
	if o.Pending {
		end = "not answered yet"
	}
	return fmt.Sprintf("member %d: %s → %s (invoked at tick %d, %s)", o.Member, what, o.Answer, o.InvokeTick, end)
}

// Timeline geometry (SVG user units).
const (
	linLabelW = 84  // the member labels' column
	linPlotW  = 500 // the ticks' axis
	linRowH   = 44
	linTop    = 8
)

// renderLinTimeline draws the failing operations: one row per member, a
// bar from invoke tick to answer tick (to the right edge while pending)
// labelled with the operation and its answer; the stale read is marked
// by a class, a thicker outline and the word "stale". The list beside it
// carries the same as text.
func renderLinTimeline(ops []engine.LinOpView) app.UI {
	if len(ops) == 0 {
		return app.Div()
	}
	var members []uint64
	seen := map[uint64]bool{}
	t0, t1 := ops[0].InvokeTick, ops[0].InvokeTick
	for _, o := range ops {
		if !seen[o.Member] {
			seen[o.Member] = true
			members = append(members, o.Member)
		}
		t0 = min(t0, o.InvokeTick)
		t1 = max(t1, o.InvokeTick, o.AnswerTick)
	}
	sort.Slice(members, func(i, j int) bool { return members[i] < members[j] })
	row := map[uint64]int{}
	for i, m := range members {
		row[m] = i
	}
	span := float64(max(t1-t0, 1))
	x := func(t uint64) float64 { return linLabelW + 8 + float64(t-t0)/span*(linPlotW-16) }
	h := linTop + len(members)*linRowH + 24
	var body []app.UI
	body = append(body, svg("title").Text(fmt.Sprintf("Timeline of the %d operations (listed below as text)", len(ops))))
	for i, m := range members {
		y := linTop + i*linRowH
		body = append(body,
			svg("text").Class("lin-member").Attr("x", 4).Attr("y", y+linRowH/2+4).Text(fmt.Sprintf("member %d", m)),
			svg("line").Class("lin-row").Attr("x1", linLabelW).Attr("x2", linLabelW+linPlotW).
				Attr("y1", y+linRowH-2).Attr("y2", y+linRowH-2),
		)
	}
	for _, o := range ops {
		y := float64(linTop + row[o.Member]*linRowH)
		x0 := x(o.InvokeTick)
		x1 := float64(linLabelW + linPlotW - 4)
		if !o.Pending {
			x1 = x(o.AnswerTick)
		}
		w := max(x1-x0, 6)
		label := linBarLabel(o)
		cls := "lin-bar op-" + o.Kind
		if o.Stale {
			cls += " stale"
		}
		body = append(body, svg("g").Class(cls).Body(
			svg("title").Text(linOpText(o)),
			svg("rect").Attr("x", f1(x0)).Attr("y", f1(y+22)).Attr("width", f1(w)).Attr("height", 12).Attr("rx", 3),
			svg("text").Attr("x", f1(min(x0, linLabelW+linPlotW-150))).Attr("y", f1(y+17)).Text(label),
		))
	}
	axisY := linTop + len(members)*linRowH + 16
	body = append(body,
		svg("text").Class("lin-axis").Attr("x", f1(x(t0))).Attr("y", axisY).Text(fmt.Sprintf("tick %d", t0)),
		svg("text").Class("lin-axis").Attr("x", f1(x(t1))).Attr("y", axisY).Attr("text-anchor", "end").Text(fmt.Sprintf("tick %d", t1)),
	)
	return svg("svg").Class("lin-timeline").Attr("viewBox", fmt.Sprintf("0 0 %d %d", linLabelW+linPlotW, h)).
		Attr("role", "img").Aria("label", fmt.Sprintf("Timeline of the %d operations, one row per member; the list below gives them as text", len(ops))).
		Body(body...)
}

// linBarLabel is a bar's short label: the operation and its answer.
func linBarLabel(o engine.LinOpView) string {
	key := clip(o.Key, 16)
	s := fmt.Sprintf("%s %s → %s", o.Kind, key, clip(o.Answer, 20))
	if o.Kind == "put" {
		s = fmt.Sprintf("put %s=%s → %s", key, clip(o.Value, 16), clip(o.Answer, 20))
	}
	if o.Stale {
		s = "stale: " + s
	}
	return s
}

// clip cuts s to n runes with an ellipsis.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
