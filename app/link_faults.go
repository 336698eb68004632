package app

import (
	"fmt"
	"strconv"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/node/cluster"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The Links panel's duplicate and reorder fields and the flaky-network
// preset (the engine's SetDuplicate, SetReorder and FlakyNetwork). The
// form's "set-link" action applies them with drop and delay
// (link_panel.go).

// maxReorder bounds the reorder window the form accepts, in ticks.
const maxReorder = 20

// parseDupReorder validates the duplicate and reorder fields; it never
// panics on any input. Empty fields mean 0 (no duplicates, in order).
func (f linkForm) parseDupReorder() (dup float64, reorder int, err error) {
	if f.duplicatePct != "" {
		d, err := strconv.ParseFloat(f.duplicatePct, 64)
		if err != nil || d < 0 || d > 100 || d != d {
			return 0, 0, fmt.Errorf("duplicate must be a percentage from 0 to 100")
		}
		dup = d / 100
	}
	if f.reorder != "" {
		n, err := strconv.Atoi(f.reorder)
		if err != nil || n < 0 || n > maxReorder {
			return 0, 0, fmt.Errorf("reorder must be a whole number of ticks from 0 to %d", maxReorder)
		}
		reorder = n
	}
	return dup, reorder, nil
}

// renderDupReorderFields renders the duplicate and reorder inputs.
func (p *playground) renderDupReorderFields() app.UI {
	f := p.link
	return app.Div().Class("row").Body(
		app.Span().Class("field-inline").Body(
			app.Label().For("link-duplicate").Text("duplicate %"),
			app.Input().ID("link-duplicate").Type("number").Min(0).Max(100).Step(1).Placeholder("0").
				DataSet("field", "duplicate").
				Value(f.duplicatePct).OnInput(func(ctx app.Context, e app.Event) { p.link.duplicatePct = inputValue(ctx) }),
		),
		app.Span().Class("field-inline").Body(
			app.Label().For("link-reorder").Text("reorder window (ticks)"),
			app.Input().ID("link-reorder").Type("number").Min(0).Max(maxReorder).Step(1).Placeholder("0").
				DataSet("field", "reorder").
				Value(f.reorder).OnInput(func(ctx app.Context, e app.Event) { p.link.reorder = inputValue(ctx) }),
		),
	)
}

// flakyText describes the flaky-network preset in words.
func flakyText() string {
	fl := cluster.Flaky
	return fmt.Sprintf("every link drops %.0f%%, delays %d tick, duplicates %.0f%% and reorders within %d ticks",
		fl.Drop*100, fl.Delay, fl.Duplicate*100, fl.Reorder)
}

// renderFlakyButton renders the flaky-network preset control.
func (p *playground) renderFlakyButton() app.UI {
	return app.Button().Type("button").DataSet("action", "flaky-network").Text("Flaky network").
		Title("Flaky network: "+flakyText()).Aria("describedby", "flaky-hint").
		OnClick(func(ctx app.Context, e app.Event) {
			p.act(ctx, "flaky network", func(e engine.Engine) error { e.FlakyNetwork(); return nil })
		})
}

// renderFlakyHint says what the preset sets.
func renderFlakyHint() app.UI {
	return app.P().ID("flaky-hint").Class("muted").Text("Flaky network: " + flakyText() + ". Heal all undoes it.")
}

// linkFaultsText lists a link's duplicate and reorder faults for its
// label, each preceded by ", "; empty when it has neither.
func linkFaultsText(l engine.LinkView) string {
	s := ""
	if l.Duplicate > 0 {
		s += fmt.Sprintf(", duplicates %.0f%%", l.Duplicate*100)
	}
	if l.Reorder > 1 {
		s += fmt.Sprintf(", reorders within %d ticks", l.Reorder)
	}
	return s
}

// linkFaulty reports whether a link has any fault set.
func linkFaulty(l engine.LinkView) bool {
	return l.Cut || l.Drop > 0 || l.Delay > 0 || l.Duplicate > 0 || l.Reorder > 1
}
