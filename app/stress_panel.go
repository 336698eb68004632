package app

import (
	"fmt"
	"github.com/etcd-play/etcd-play/app/engine"
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Bounds of the stress controls (the postMessage API's stress command
// takes the same: embed_api_js.go passes them to app/embed). A fixed rate is at most maxStressRate
// puts per tick, which bounds the history the page's auto-compaction keeps
// (app/engine/local); the heaviest load is the rate "as fast as it goes"
// (StressConfig.MaxRate: the engine keeps a window of puts in flight per
// member, about as many per tick as maxStressRate, answered as fast as the
// cluster goes) at the fastest speed.
const (
	maxStressRate  = 100
	maxStressCount = 20000
	maxStressKeys  = 10000
	maxValueSize   = 4096
)

// stressForm holds the stress inputs as typed.
type stressForm struct {
	rate, count, keys, valueSize int
	fullSpeed                    bool   // rate "as fast as it goes" (MaxRate); rate is then unused
	member                       uint64 // 0: round robin
	err                          string

	// The run this page started last: its notice (label) and its number
	// in the stressSlot (0 until the engine returned it). While the page's
	// notice is label, noticeText reports the run's progress in it.
	label string
	run   uint64
}

// noticeText is the notice the Faults panel shows: p.notice, except while
// that announces the last stress run, when it says how far the run is:
// "started", "running, N of M so far", and "done" only once every put of
// the run has finished ("stopped" if it was stopped before).
func (p *playground) noticeText() string {
	news, detail := p.noticeParts()
	if detail == "" {
		return news
	}
	return news + ", " + detail
}

// noticeParts splits the notice into its news, which a screen reader
// announces (it changes only when something happens: a stress run starts,
// ends or is stopped), and the detail, which is shown but not announced
// (a running stress's progress changes on every refresh).
func (p *playground) noticeParts() (news, detail string) {
	f, v := p.stress, p.view
	if f.label == "" || p.notice != f.label {
		return p.notice, ""
	}
	if f.run == 0 || !v.stressOn || v.stressOf != f.run {
		return f.label + ": started", ""
	}
	pr := v.stress
	switch {
	case pr.Running:
		return f.label + ": running", fmt.Sprintf("%d of %d so far", pr.Done, pr.Total)
	case pr.Done >= pr.Total:
		return f.label + ": done", fmt.Sprintf("%d ok, %d failed", pr.OK, pr.Failed)
	}
	return f.label + ": stopped", fmt.Sprintf("at %d of %d", pr.Done, pr.Total)
}

// stopStress stops the current stress run; the notice then reports the
// run again (noticeText: "stopped, at N of M"), not the stopping. UI
// goroutine.
func (p *playground) stopStress(ctx app.Context) {
	slot := p.stressAt
	ctx = p.lasting(ctx) // see lasting
	ctx.Async(func() {
		if r := slot.get(); r != nil {
			r.Stop()
		}
		ctx.Dispatch(func(ctx app.Context) {
			if p.stress.label != "" {
				p.notice = p.stress.label
			} else {
				p.notice = "stop stress: done"
			}
		})
	})
}

// startStress starts a stress run with cfg and makes the notice follow it.
// UI goroutine.
func (p *playground) startStress(ctx app.Context, cfg engine.StressConfig) {
	label := fmt.Sprintf("stress %d puts", cfg.Count)
	if p.unavailable(label) {
		return
	}
	eng, slot := p.eng, p.stressAt
	p.notice, p.stress.label, p.stress.run = label, label, 0
	ctx = p.lasting(ctx) // see lasting
	ctx.Async(func() {
		n := slot.set(eng.Stress(cfg), false)
		ctx.Dispatch(func(ctx app.Context) {
			if p.stress.label == label {
				p.stress.run = n // the newest run answered last
			}
		})
	})
}

func (p *playground) renderStressPanel() app.UI {
	f := p.stress
	pr, on := p.view.stress, p.view.stressOn
	pct := 0
	if pr.Total > 0 {
		pct = pr.Done * 100 / pr.Total
	}
	num := func(id, label string, value, max int, set func(int), disabled bool) app.UI {
		return app.Span().Class("field-inline").Body(
			app.Label().For(id).Text(label),
			app.Input().ID(id).Type("number").Min(1).Max(max).Step(1).Value(value).Disabled(disabled).
				OnChange(func(ctx app.Context, e app.Event) {
					n, err := strconv.Atoi(inputValue(ctx))
					if err != nil || n < 1 || n > max {
						p.stress.err = fmt.Sprintf("%s must be a whole number from 1 to %d", label, max)
						return
					}
					p.stress.err = ""
					set(n)
				}),
		)
	}
	return app.Section().Class("panel").Aria("labelledby", "stress-h").Body(
		app.H2().ID("stress-h").Text("Stress"),
		app.Div().Class("row").Body(
			num("stress-rate", "puts per tick", f.rate, maxStressRate, func(n int) { p.stress.rate = n }, f.fullSpeed),
			app.Span().Class("field-inline").Body(
				app.Input().ID("stress-max").Type("checkbox").DataSet("action", "stress-max").Checked(f.fullSpeed).
					OnChange(func(ctx app.Context, e app.Event) { p.stress.fullSpeed = checked(ctx) }),
				app.Label().For("stress-max").Text("as fast as it goes"),
			),
			num("stress-count", "count", f.count, maxStressCount, func(n int) { p.stress.count = n }, false),
		),
		app.Div().Class("row").Body(
			num("stress-keys", "keys", f.keys, maxStressKeys, func(n int) { p.stress.keys = n }, false),
			num("stress-size", "value bytes", f.valueSize, maxValueSize, func(n int) { p.stress.valueSize = n }, false),
			p.memberSelect("stress-member", "via", f.member, func(id uint64) { p.stress.member = id },
				app.Option().Value("0").Selected(f.member == 0).Text("round robin")),
		),
		app.Div().Class("row").Body(
			app.Button().Type("button").DataSet("action", "stress").Disabled(on && pr.Running).Text("Start stress").
				OnClick(func(ctx app.Context, e app.Event) {
					if p.stress.err != "" {
						return
					}
					p.startStress(ctx, engine.StressConfig{Member: p.stress.member, Rate: p.stress.rate, Count: p.stress.count,
						Keys: p.stress.keys, ValueSize: p.stress.valueSize, MaxRate: p.stress.fullSpeed})
				}),
			app.Button().Type("button").DataSet("action", "stress-stop").Disabled(!on || !pr.Running).Text("Stop").
				OnClick(func(ctx app.Context, e app.Event) { p.stopStress(ctx) }),
		),
		app.If(f.err != "", func() app.UI { return app.P().Class("error").Role("alert").Text(f.err) }),
		app.If(on, func() app.UI {
			return app.Div().Class("stress-result").
				DataSet("running", pr.Running).DataSet("done", pr.Done).DataSet("total", pr.Total).
				DataSet("ok", pr.OK).DataSet("failed", pr.Failed).DataSet("p50", pr.P50).DataSet("p99", pr.P99).
				Body(
					app.Label().For("stress-progress").Text(fmt.Sprintf("%d of %d puts", pr.Done, pr.Total)),
					app.Progress().ID("stress-progress").Max(max(pr.Total, 1)).Value(pr.Done).Text(fmt.Sprintf("%d%%", pct)),
					app.P().Text(fmt.Sprintf("ok %d · failed %d · p50 %d ticks · p99 %d ticks%s",
						pr.OK, pr.Failed, pr.P50, pr.P99, map[bool]string{true: " · running", false: ""}[pr.Running])),
				)
		}),
	)
}
