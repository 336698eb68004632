package app

import (
	"fmt"
	"github.com/etcd-play/etcd-play/app/engine"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// speeds are the tick rates the speed control offers, ticks per second,
// up to engine.MaxSpeed (the page ticks as fast as its thread allows
// beyond what it achieves: renderAchievedRate shows that).
var speeds = []float64{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000}

func (p *playground) renderTimeControls() app.UI {
	paused := p.view.paused
	playLabel, playAction := "Pause", "pause"
	if paused {
		playLabel, playAction = "Play", "play"
	}
	return app.Div().Class("time").Role("group").Aria("label", "time").Body(
		app.Button().Type("button").DataSet("action", playAction).Text(playLabel).
			OnClick(func(ctx app.Context, e app.Event) {
				// Decided at click time: go-app keeps the first closure of a
				// handler, so render-time captures would go stale.
				if p.view.paused {
					p.act(ctx, "play", func(e engine.Engine) error { e.Play(); return nil })
				} else {
					p.act(ctx, "pause", func(e engine.Engine) error { e.Pause(); return nil })
				}
			}),
		app.Button().Type("button").DataSet("action", "step").Text("Step 1 tick").
			Aria("label", "Step 1 tick (pauses)").
			OnClick(p.onAct("step", func(e engine.Engine) error { e.Step(); return nil })),
		app.Label().For("speed").Text("Speed"),
		&speedSelect{P: p, Speed: p.speed},
		p.renderAchievedRate(),
		app.Span().Class("clock").DataSet("now", p.view.now).Text(fmt.Sprintf("tick %d", p.view.now)),
		app.If(paused, func() app.UI { return app.Span().Class("paused").Text("paused") }),
	)
}

// lagging is the share of the chosen speed below which the achieved rate is
// shown as lagging.
const lagging = 0.8

// renderAchievedRate shows the tick rate the cluster achieves (measured by
// the refresh, liveView.tickRate) beside the chosen speed: under a heavy
// load the page cannot run 200 ticks a second, and the chosen speed alone
// would say it does. data-achieved is the rate in ticks per second, one
// decimal; data-lagging is "true" below lagging times the chosen speed.
func (p *playground) renderAchievedRate() app.UI {
	r := p.view.tickRate
	if p.view.paused || r <= 0 {
		return app.Span().Class("achieved").DataSet("achieved", "").DataSet("lagging", false)
	}
	text := fmt.Sprintf("%.0f", r)
	if r < 10 {
		text = fmt.Sprintf("%.1f", r)
	}
	slow := r < lagging*p.speed
	s := app.Span().Class("achieved").DataSet("achieved", fmt.Sprintf("%.1f", r)).DataSet("lagging", slow)
	if slow {
		s = s.Class("lagging").Title("the page cannot tick as fast as chosen: the cluster's work takes longer than a tick's share of a second")
	}
	return s.Text("running at " + text + " ticks/s")
}

// renderNotice shows the outcome of the last control action. Only its news
// is a live region (noticeParts): a screen reader hears that a stress run
// started or finished, not each step of its progress. data-notice holds
// the whole text; it is absent while there is none (go-app leaves out an
// attribute whose value is empty), so automation reads a missing
// attribute as an empty notice.
func (p *playground) renderNotice() app.UI {
	news, detail := p.noticeParts()
	sep := ""
	if detail != "" {
		sep = ", "
	}
	return app.P().Class("notice").DataSet("notice", p.noticeText()).Body(
		app.Span().Role("status").Aria("live", "polite").Text(news),
		app.Span().Class("notice-detail").Text(sep+detail),
	)
}

// splitGroups splits the members into a minority and a majority: 2|3 for five.
func splitGroups(ids []uint64) (minority, majority []uint64) {
	n := len(ids) / 2
	return append([]uint64(nil), ids[:n]...), append([]uint64(nil), ids[n:]...)
}

// names lists the members' names, comma-separated.
func (p *playground) names(ids []uint64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = p.view.name(id)
	}
	return strings.Join(s, ", ")
}

func (p *playground) memberIDs() []uint64 {
	ids := make([]uint64, len(p.view.members))
	for i, m := range p.view.members {
		ids[i] = m.ID
	}
	return ids
}

func (p *playground) renderClusterControls() app.UI {
	ids := p.memberIDs()
	minority, majority := splitGroups(ids)
	leader := p.view.leader()
	return app.Section().Class("panel").Aria("labelledby", "faults-h").Body(
		app.H2().ID("faults-h").Text("Faults"),
		app.Div().Class("row").Body(
			app.Button().Type("button").Class("danger").DataSet("action", "kill-all").Text("Kill all").
				Title("stop every member's process; their disks are kept").
				OnClick(p.onAct("kill all", func(e engine.Engine) error { e.KillAll(); return nil })),
			app.Button().Type("button").DataSet("action", "restart-all").Text("Restart all").
				OnClick(p.onAct("restart all", func(e engine.Engine) error { e.RestartAll(); return nil })),
		),
		app.Div().Class("row").Role("group").Aria("label", "partition presets").Body(
			app.Button().Type("button").DataSet("action", "isolate-leader").Disabled(leader == 0).
				Text("Isolate leader").Title("cut every link to and from the leader").
				OnClick(func(ctx app.Context, e app.Event) {
					leader := p.view.leader() // at click time, not render time
					p.act(ctx, "isolate the leader", func(e engine.Engine) error {
						if leader == 0 {
							return fmt.Errorf("there is no leader")
						}
						e.Isolate(leader)
						return nil
					})
				}),
			app.Button().Type("button").DataSet("action", "split").Disabled(len(minority) == 0).
				Text(fmt.Sprintf("Split %d|%d", len(minority), len(majority))).
				Title(fmt.Sprintf("cut every link between %s and %s", p.names(minority), p.names(majority))).
				OnClick(func(ctx app.Context, e app.Event) {
					minority, majority := splitGroups(p.memberIDs())
					p.act(ctx, fmt.Sprintf("split %d|%d", len(minority), len(majority)), func(e engine.Engine) error {
						e.Partition(minority, majority)
						return nil
					})
				}),
			app.Button().Type("button").DataSet("action", "heal").Text("Heal all").
				Title("repair every link: no cut, drop or delay left").
				OnClick(func(ctx app.Context, e app.Event) {
					p.linkHealed() // the Links panel's fault fields describe no fault any more
					p.act(ctx, "heal all", func(e engine.Engine) error { e.HealAll(); return nil })
				}),
		),
		p.renderNotice(),
	)
}

// speedSelect is the speed control, a component of its own: the header
// redraws with every tick (its clock), the control only when the speed
// changes. P never changes.
type speedSelect struct {
	app.Compo
	P     *playground
	Speed float64 // ticks per second, selected
}

func (c *speedSelect) Render() app.UI {
	p := c.P
	return app.Select().ID("speed").DataSet("action", "speed").
		OnChange(func(ctx app.Context, e app.Event) {
			s, err := strconv.ParseFloat(inputValue(ctx), 64)
			if err != nil || s <= 0 {
				return
			}
			p.speed = s
			p.act(ctx, fmt.Sprintf("speed %g ticks/s", s), func(e engine.Engine) error { e.SetSpeed(s); return nil })
		}).
		Body(app.Range(speeds).Slice(func(i int) app.UI {
			s := speeds[i]
			return app.Option().Value(fmt.Sprint(s)).Selected(s == c.Speed).Text(fmt.Sprintf("%g ticks/s", s))
		}))
}
