package app

import (
	"fmt"
	"github.com/etcd-play/etcd-play/app/engine"
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// linkForm is the per-link fault form: one directed link, its drop rate in
// percent, its extra delay in ticks, its duplicate rate in percent and its
// reorder window in ticks (link_faults.go).
type linkForm struct {
	from, to     uint64
	dropPct      string // 0..100
	delay        string // ticks, 0..maxDelay
	duplicatePct string // 0..100
	reorder      string // ticks, 0..maxReorder
	err          string

	// rove is the cluster view's link that holds its one tab stop
	// (cluster_view.go); the zero value means the first link.
	rove linkKey
}

const maxDelay = 100

// linkHealed clears the Links panel's fault fields after a heal: the drop
// and delay typed for a link (and any error about them) describe a fault
// that no longer exists. The chosen members stay. UI goroutine.
//
// go-app renders Value("") by removing the input's value attribute, which
// leaves a typed value in place, so the inputs are emptied here as well.
func (p *playground) linkHealed() {
	p.link.dropPct, p.link.delay, p.link.err = "", "", ""
	p.link.duplicatePct, p.link.reorder = "", ""
	if !app.IsClient {
		return
	}
	doc := app.Window().Get("document")
	for _, id := range []string{"link-drop", "link-delay", "link-duplicate", "link-reorder"} {
		if el := doc.Call("getElementById", id); el.Truthy() {
			el.Set("value", "")
		}
	}
}

// parse validates the form; it never panics on any input.
func (f linkForm) parse() (drop float64, delay int, err error) {
	if f.from == 0 || f.to == 0 || f.from == f.to {
		return 0, 0, fmt.Errorf("choose two different members")
	}
	drop, delay = 0, 0
	if f.dropPct != "" {
		d, err := strconv.ParseFloat(f.dropPct, 64)
		if err != nil || d < 0 || d > 100 || d != d {
			return 0, 0, fmt.Errorf("drop must be a percentage from 0 to 100")
		}
		drop = d / 100
	}
	if f.delay != "" {
		n, err := strconv.Atoi(f.delay)
		if err != nil || n < 0 || n > maxDelay {
			return 0, 0, fmt.Errorf("delay must be a whole number of ticks from 0 to %d", maxDelay)
		}
		delay = n
	}
	return drop, delay, nil
}

func (p *playground) memberSelect(id, label string, value uint64, onPick func(uint64), extra ...app.UI) app.UI {
	opts := append([]app.UI(nil), extra...)
	for _, m := range p.view.members {
		opts = append(opts, app.Option().Value(itoa(m.ID)).Selected(m.ID == value).Text(m.Name))
	}
	return app.Span().Class("field-inline").Body(
		app.Label().For(id).Text(label),
		app.Select().ID(id).OnChange(func(ctx app.Context, e app.Event) {
			n, err := strconv.ParseUint(inputValue(ctx), 10, 64)
			if err == nil {
				onPick(n)
			}
		}).Body(opts...),
	)
}

func (p *playground) renderLinkPanel() app.UI {
	f := p.link
	var faulty []app.UI
	for _, l := range p.view.links {
		if linkFaulty(l) {
			faulty = append(faulty, app.Li().Text(linkFaultLabel(p.view, l)))
		}
	}
	return app.Section().Class("panel").Aria("labelledby", "links-h").Body(
		app.H2().ID("links-h").Text("Links"),
		app.Div().Class("row").Body(
			p.memberSelect("link-from", "from", f.from, func(id uint64) { p.link.from = id }),
			p.memberSelect("link-to", "to", f.to, func(id uint64) { p.link.to = id }),
		),
		app.Div().Class("row").Body(
			app.Span().Class("field-inline").Body(
				app.Label().For("link-drop").Text("drop %"),
				app.Input().ID("link-drop").Type("number").Min(0).Max(100).Step(1).Placeholder("0").
					DataSet("field", "drop").Value(f.dropPct).OnInput(func(ctx app.Context, e app.Event) { p.link.dropPct = inputValue(ctx) }),
			),
			app.Span().Class("field-inline").Body(
				app.Label().For("link-delay").Text("delay (ticks)"),
				app.Input().ID("link-delay").Type("number").Min(0).Max(maxDelay).Step(1).Placeholder("0").
					DataSet("field", "delay").Value(f.delay).OnInput(func(ctx app.Context, e app.Event) { p.link.delay = inputValue(ctx) }),
			),
		),
		p.renderDupReorderFields(),
		app.Div().Class("row").Body(
			app.Button().Type("button").DataSet("action", "set-link").Text("Apply link faults").
				OnClick(func(ctx app.Context, e app.Event) {
					drop, delay, err := p.link.parse()
					if err != nil {
						p.link.err = err.Error()
						return
					}
					dup, reorder, err := p.link.parseDupReorder()
					if err != nil {
						p.link.err = err.Error()
						return
					}
					p.link.err = ""
					from, to := p.link.from, p.link.to
					p.act(ctx, fmt.Sprintf("link %d→%d", from, to), func(e engine.Engine) error {
						e.SetDrop(from, to, drop)
						e.SetDelay(from, to, delay)
						e.SetDuplicate(from, to, dup)
						e.SetReorder(from, to, reorder)
						return nil
					})
				}),
			app.Button().Type("button").DataSet("action", "cut").Text("Cut").
				OnClick(func(ctx app.Context, e app.Event) {
					from, to := p.link.from, p.link.to
					if from == to {
						p.link.err = "choose two different members"
						return
					}
					p.act(ctx, fmt.Sprintf("cut %d→%d", from, to), func(e engine.Engine) error { e.Cut(from, to); return nil })
				}),
			app.Button().Type("button").DataSet("action", "heal-link").Text("Heal link").
				OnClick(func(ctx app.Context, e app.Event) {
					from, to := p.link.from, p.link.to
					p.linkHealed()
					p.act(ctx, fmt.Sprintf("heal %d→%d", from, to), func(e engine.Engine) error { e.HealLink(from, to); return nil })
				}),
			p.renderFlakyButton(),
		),
		renderFlakyHint(),
		app.If(f.err != "", func() app.UI { return app.P().Class("error").Role("alert").Text(f.err) }),
		app.If(len(faulty) > 0, func() app.UI {
			return app.Ul().Class("faulty").Aria("label", "links with faults").Body(faulty...)
		}).Else(func() app.UI { return app.P().Class("muted").Text("Every link is healthy.") }),
	)
}
