package app

import (
	"fmt"
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// defaultSpeed is the tick rate the page starts at: with the default
// election timeout of 10 ticks, an election takes 0.5 to 1 s, close to
// etcd's defaults (100 ms heartbeat, 1 s election timeout).
const defaultSpeed = 20

// maxSpeed bounds the page's tick rate (ticks per second).
const maxSpeed = 1000.0

// clampSpeed maps a requested tick rate into (0, maxSpeed]; <= 0 (or NaN)
// means defaultSpeed.
func clampSpeed(tps float64) float64 {
	if !(tps > 0) {
		return defaultSpeed
	}
	return min(tps, maxSpeed)
}

// speeds are the tick rates the speed control offers, ticks per second.
var speeds = []float64{1, 2, 5, 10, 20, 50, 100, 200}

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
					p.act(ctx, "play", func(e Engine) error { e.Play(); return nil })
				} else {
					p.act(ctx, "pause", func(e Engine) error { e.Pause(); return nil })
				}
			}),
		app.Button().Type("button").DataSet("action", "step").Text("Step 1 tick").
			Aria("label", "Step 1 tick (pauses)").
			OnClick(p.onAct("step", func(e Engine) error { e.Step(); return nil })),
		app.Label().For("speed").Text("Speed"),
		app.Select().ID("speed").DataSet("action", "speed").
			OnChange(func(ctx app.Context, e app.Event) {
				s, err := strconv.ParseFloat(inputValue(ctx), 64)
				if err != nil || s <= 0 {
					return
				}
				p.speed = s
				p.act(ctx, fmt.Sprintf("speed %g ticks/s", s), func(e Engine) error { e.SetSpeed(s); return nil })
			}).
			Body(app.Range(speeds).Slice(func(i int) app.UI {
				s := speeds[i]
				return app.Option().Value(fmt.Sprint(s)).Selected(s == p.speed).Text(fmt.Sprintf("%g ticks/s", s))
			})),
		app.Span().Class("clock").DataSet("now", p.view.now).Text(fmt.Sprintf("tick %d", p.view.now)),
		app.If(paused, func() app.UI { return app.Span().Class("paused").Text("paused") }),
	)
}

// splitGroups splits the members into a minority and a majority: 2|3 for five.
func splitGroups(ids []uint64) (minority, majority []uint64) {
	n := len(ids) / 2
	return append([]uint64(nil), ids[:n]...), append([]uint64(nil), ids[n:]...)
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
				OnClick(p.onAct("kill all", func(e Engine) error { e.KillAll(); return nil })),
			app.Button().Type("button").DataSet("action", "restart-all").Text("Restart all").
				OnClick(p.onAct("restart all", func(e Engine) error { e.RestartAll(); return nil })),
		),
		app.Div().Class("row").Role("group").Aria("label", "partition presets").Body(
			app.Button().Type("button").DataSet("action", "isolate-leader").Disabled(leader == 0).
				Text("Isolate leader").
				OnClick(func(ctx app.Context, e app.Event) {
					leader := p.view.leader() // at click time, not render time
					p.act(ctx, "isolate the leader", func(e Engine) error {
						if leader == 0 {
							return fmt.Errorf("there is no leader")
						}
						e.Isolate(leader)
						return nil
					})
				}),
			app.Button().Type("button").DataSet("action", "split").Disabled(len(minority) == 0).
				Text(fmt.Sprintf("Split %d|%d", len(minority), len(majority))).
				OnClick(func(ctx app.Context, e app.Event) {
					minority, majority := splitGroups(p.memberIDs())
					p.act(ctx, fmt.Sprintf("split %d|%d", len(minority), len(majority)), func(e Engine) error {
						e.Partition(minority, majority)
						return nil
					})
				}),
			app.Button().Type("button").DataSet("action", "heal").Text("Heal all").
				OnClick(p.onAct("heal all", func(e Engine) error { e.HealAll(); return nil })),
		),
		app.P().Class("notice").Role("status").Aria("live", "polite").DataSet("notice", p.notice).Text(p.notice),
	)
}
