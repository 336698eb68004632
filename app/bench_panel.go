package app

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The Benchmark panel: a stress run of N puts "as fast as it goes"
// (StressConfig.MaxRate) with the driver at engine.MaxSpeed, reported as
// etcd's `benchmark put` reports: a summary (total, slowest, fastest,
// average, stddev, requests/s), a response time histogram and a latency
// distribution.
//
// Time: the engine core counts ticks only; the report converts ticks to
// seconds with StressProgress.TickSeconds, the wall time per tick the
// real-time side measured over the run (app/engine/local). So a put's
// latency is a whole number of ticks times that average, and the
// histogram's buckets are the engine's (0, 1, 2, 4, ... ticks), not
// etcd's ten even ones between fastest and slowest.
//
// The run goes through the stress slot like a stress run (the refresh
// polls one run at a time), so the Stress panel shows its progress too,
// and neither panel starts a run while one is running. While the benchmark
// runs the driver ticks at engine.MaxSpeed; when it ends (or is stopped)
// the page's chosen speed, and a pause, come back (benchSettle).
//
// Automation: data-action="bench-start" and "bench-stop"; the report's
// element (.bench-report) carries data-bench-done ("true" once every put
// answered or the run stopped), data-bench-rps (successful puts per
// wall-clock second, one decimal), data-bench-total (the run's wall-clock
// seconds, etcd's "Total") and data-bench-puts (puts answered).

// benchCounts are the run sizes the panel offers.
var benchCounts = []int{1000, 10000, 100000}

// benchWindows are the puts in flight per member the panel offers
// (etcd's --clients, per member).
var benchWindows = []int{1, 4, 16, 64, 256, 1024}

// The panel's defaults and its bounds. The default window is the page's,
// not the engine's (cluster.DefaultOutstanding, 64, measured on the bare
// engine), and the storage's: on the page every tick also pays fixed costs
// (the driver yields to the browser between members' rounds, the refresh
// polls, and on IndexedDB the tick's one transaction, which the worker
// waits for), so more puts per tick go further. Measured with
// TestBenchmarkPanel (100,000 puts, 1,000 keys, 256-byte values, headless
// Chromium on a 2-core machine), interleaved, three runs each: on
// IndexedDB 256 in flight per member 16,534 / 17,111 / 19,685 puts/s, 512
// 21,469 / 21,609 / 22,929, 1,024 22,776 / 27,104 / 27,483; in memory,
// where the worker is busy all the time, 256 and 1,024 did the same
// (33,524 / 35,374 and 33,752 / 36,120 puts/s). The cost is memory: the
// worker grew to 245-326 MiB on IndexedDB at 1,024 (113-140 at 256), and
// in memory to 356-544 MiB (177-242 at 256), where the members' raft logs
// are in memory too. So 1,024 on IndexedDB and 256 in memory, until the
// person chooses (benchForm.window 0: the storage's default).
//
// A full window answers up to 5 x window puts a tick, so the history the
// page's auto-compaction keeps (20 ticks' puts beyond its retention, see
// app/engine/local) can reach 1,000 + 100 x window revisions per member:
// benchMaxHistoryBytes bounds window x value bytes (a refused combination
// says so) and benchMaxValueSize a value alone, which keeps each member's
// values under about 27 MB at any window (26,600 revisions of 1,024 bytes
// at 256 in flight, 103,400 of 256 bytes at 1,024).
const (
	benchWindowIndexedDB = 1024
	benchWindowMemory    = 256
	benchMaxValueSize    = 1024
	benchMaxHistoryBytes = 256 * 1024
)

// resolved returns f with its window set: the one the person chose, or
// the default for the storage (persistent: the members' data is in
// IndexedDB, benchPersistent).
func (f benchForm) resolved(persistent bool) benchForm {
	if f.window == 0 {
		f.window = benchWindowMemory
		if persistent {
			f.window = benchWindowIndexedDB
		}
	}
	return f
}

// benchPersistent reports whether the page's cluster keeps its data in
// IndexedDB, as far as the page knows: not when the link asked for memory
// (storage=memory) or the storage section's view says otherwise (an
// in-memory fallback); else yes, IndexedDB being the default, so that the
// pre-rendered page and the first render already show the window the
// running page keeps.
func (p *playground) benchPersistent() bool {
	return !p.page.Memory && !(p.storage.has && !p.storage.view.Persistent)
}

// benchResolved is the form as the panel shows and runs it: its window
// resolved for the page's storage.
func (p *playground) benchResolved() benchForm { return p.bench.resolved(p.benchPersistent()) }

// comboErr says why the form's window and value size may not run
// together ("" when they may). f is resolved.
func (f benchForm) comboErr() string {
	if f.window*f.valueSize <= benchMaxHistoryBytes {
		return ""
	}
	return fmt.Sprintf("%s in flight per member with %s-byte values would keep too much history in memory: "+
		"at %s in flight, values of at most %s bytes (in flight × value bytes ≤ %s)",
		groupDigits(f.window), groupDigits(f.valueSize), groupDigits(f.window),
		groupDigits(benchMaxHistoryBytes/f.window), groupDigits(benchMaxHistoryBytes))
}

// errText is the form's error as the panel shows it: a field's own first,
// else the combination's. f is resolved.
func (f benchForm) errText() string {
	if f.err != "" {
		return f.err
	}
	return f.comboErr()
}

// benchForm holds the Benchmark panel's inputs and its last run.
type benchForm struct {
	// window 0 is the storage's default (resolved); the others are
	// what the person chose.
	count, valueSize, keys, window int
	err                            string

	// run is the stress slot's number of the page's last benchmark (0:
	// none, or its run not answered yet: starting).
	run      uint64
	starting bool
	// settle: when the run ends, set the driver back to the page's speed
	// (and pause it if it was paused before the benchmark).
	settle, wasPaused bool
	// speed is the page's speed before the benchmark (the control shows
	// the benchmark's meanwhile: speed_follow.go).
	speed float64
}

func newBenchForm() benchForm {
	return benchForm{count: 10000, valueSize: 256, keys: 1000} // window: the storage's default
}

// benchCurrent returns the benchmark's progress while the refresh shows
// the page's last benchmark run.
func (p *playground) benchCurrent() (engine.StressProgress, bool) {
	v := p.view
	if p.bench.run == 0 || !v.stressOn || v.stressOf != p.bench.run {
		return engine.StressProgress{}, false
	}
	return v.stress, true
}

// startBench starts a benchmark run at the fastest speed. UI goroutine.
func (p *playground) startBench(ctx app.Context) {
	f := p.benchResolved()
	label := fmt.Sprintf("benchmark %d puts", f.count)
	if p.unavailable(label) {
		return
	}
	// The Stress panel's notice follows its own run; the slot's run is
	// now this one.
	if p.stress.label != "" && p.notice == p.stress.label {
		p.notice = ""
	}
	p.stress.label = ""
	cfg := engine.StressConfig{MaxRate: true, Outstanding: f.window, Count: f.count, Keys: f.keys, ValueSize: f.valueSize}
	if !p.bench.settle {
		p.bench.settle, p.bench.wasPaused, p.bench.speed = true, p.view.paused, p.speed
	}
	p.bench.run, p.bench.starting = 0, true
	eng, slot := p.eng, p.stressAt
	ctx = p.lasting(ctx) // see lasting
	ctx.Async(func() {
		eng.SetSpeed(engine.MaxSpeed)
		eng.Play()
		n := slot.set(eng.Stress(cfg), true)
		ctx.Dispatch(func(ctx app.Context) {
			p.bench.run, p.bench.starting = n, false
		})
	})
}

// stopBench stops the benchmark's run: its report then covers the puts
// answered (benchSettle restores the speed). UI goroutine.
func (p *playground) stopBench(ctx app.Context) {
	slot, run := p.stressAt, p.bench.run
	ctx = p.lasting(ctx) // see lasting
	ctx.Async(func() {
		if r, n, _ := slot.current(); r != nil && n == run {
			r.Stop()
		}
	})
}

// benchSettle gives the driver back the page's speed once the benchmark's
// run ended (benchEnded). UI goroutine, after each refresh is applied.
func (p *playground) benchSettle(ctx app.Context) {
	if !p.bench.settle || !p.benchEnded() {
		return
	}
	p.bench.settle = false
	eng, speed, pause := p.eng, p.bench.speed, p.bench.wasPaused
	ctx = p.lasting(ctx) // see lasting
	ctx.Async(func() {
		eng.SetSpeed(speed)
		if pause {
			eng.Pause()
		}
	})
}

// benchEnded reports whether the refresh shows the benchmark's run ended,
// or another run in its place in the slot (it then runs no more at the
// benchmark's speed). False while it starts or before a refresh saw it.
func (p *playground) benchEnded() bool {
	if p.bench.run == 0 {
		return false
	}
	if p.view.stressOf > p.bench.run {
		return true
	}
	pr, ok := p.benchCurrent()
	return ok && !pr.Running
}

// benchSummary is a finished run's report in seconds (etcd's layout).
type benchSummary struct {
	ticks                                    uint64  // the run's length in ticks
	total                                    float64 // seconds
	slowest, fastest, average, stddev        float64 // seconds per put
	rps                                      float64 // successful puts per second
	tickSeconds                              float64
	hist                                     []benchBar
	dist                                     []benchPercentile
	slowestTicks, fastestTicks, averageTicks float64
}

// benchBar is one histogram bar: Count puts took at most upTo seconds
// (upToTicks ticks) and more than the bar before; bar is etcd's "∎" bar,
// 40 wide for the largest count.
type benchBar struct {
	upTo      float64
	upToTicks uint64
	count     int
	bar       string
}

// benchPercentile is one line of the latency distribution.
type benchPercentile struct {
	label string // "10%" ... "99.9%"
	secs  float64
	ticks uint64
}

// summarize converts pr (ticks) into seconds with pr.TickSeconds. The
// run's length is EndTick-StartTick ticks (at least one); the histogram
// runs from its first non-empty bucket to its last.
func summarize(pr engine.StressProgress) benchSummary {
	spt := pr.TickSeconds
	s := benchSummary{ticks: max(1, pr.EndTick-min(pr.EndTick, pr.StartTick)), tickSeconds: spt}
	s.total = float64(s.ticks) * spt
	s.slowest, s.fastest = float64(pr.Max)*spt, float64(pr.Min)*spt
	s.average, s.stddev = pr.Mean*spt, pr.Stddev*spt
	s.slowestTicks, s.fastestTicks, s.averageTicks = float64(pr.Max), float64(pr.Min), pr.Mean
	if s.total > 0 {
		s.rps = float64(pr.OK) / s.total
	}
	most, first, last := 0, -1, -1
	for i, n := range pr.Hist {
		most = max(most, n)
		if n > 0 && first < 0 {
			first = i
		}
		if n > 0 {
			last = i
		}
	}
	for i := max(first, 0); i <= last; i++ {
		upTo := engine.LatencyBucketUpTo(i)
		if i == len(pr.Hist)-1 {
			upTo = max(upTo, pr.Max) // the last bucket holds every longer latency
		}
		n := pr.Hist[i]
		s.hist = append(s.hist, benchBar{upTo: float64(upTo) * spt, upToTicks: upTo, count: n,
			bar: strings.Repeat("∎", n*40/most)})
	}
	for _, q := range []struct {
		label string
		ticks uint64
	}{{"10%", pr.P10}, {"25%", pr.P25}, {"50%", pr.P50}, {"75%", pr.P75}, {"90%", pr.P90}, {"95%", pr.P95}, {"99%", pr.P99}, {"99.9%", pr.P999}} {
		s.dist = append(s.dist, benchPercentile{label: q.label, secs: float64(q.ticks) * spt, ticks: q.ticks})
	}
	return s
}

// benchDone reports whether a benchmark's report is final: every put was
// answered, or the run was stopped and its puts in flight answered.
func benchDone(pr engine.StressProgress) bool { return !pr.Running }

// benchAnnouncement is what the panel's live region says: only that the
// benchmark finished or was stopped (and how fast), never its progress.
func benchAnnouncement(pr engine.StressProgress, ok bool) string {
	if !ok || !benchDone(pr) {
		return ""
	}
	s := summarize(pr)
	word := "done"
	if pr.Done < pr.Total {
		word = "stopped"
	}
	return fmt.Sprintf("benchmark %s: %d puts (%d failed) in %.2f s, %.0f requests/s", word, pr.Done, pr.Failed, s.total, s.rps)
}

func (p *playground) renderBenchPanel() app.UI {
	f := p.benchResolved()
	pr, ok := p.benchCurrent()
	busy := f.starting || (p.view.stressOn && p.view.stress.Running)
	choice := func(id, label string, value int, options []int, set func(int)) app.UI {
		opts := make([]app.UI, len(options))
		for i, o := range options {
			opts[i] = app.Option().Value(strconv.Itoa(o)).Selected(o == value).Text(groupDigits(o))
		}
		return app.Span().Class("field-inline").Body(
			app.Label().For(id).Text(label),
			app.Select().ID(id).OnChange(func(ctx app.Context, e app.Event) {
				if n, err := strconv.Atoi(inputValue(ctx)); err == nil {
					set(n)
				}
			}).Body(opts...),
		)
	}
	num := func(id, label string, value, hi int, set func(int)) app.UI {
		return app.Span().Class("field-inline").Body(
			app.Label().For(id).Text(label),
			app.Input().ID(id).Type("number").Min(1).Max(hi).Step(1).Value(value).
				OnChange(func(ctx app.Context, e app.Event) {
					n, err := strconv.Atoi(inputValue(ctx))
					if err != nil || n < 1 || n > hi {
						p.bench.err = fmt.Sprintf("%s must be a whole number from 1 to %d", label, hi)
						return
					}
					p.bench.err = ""
					set(n)
				}),
		)
	}
	return app.Section().Class("panel bench").Aria("labelledby", "bench-h").Body(
		app.H2().ID("bench-h").Text("Benchmark"),
		app.P().Class("muted").Text("Puts as fast as the cluster answers them, at the fastest speed, reported like etcd's benchmark put."),
		app.Div().Class("row").Body(
			choice("bench-count", "puts", f.count, benchCounts, func(n int) { p.bench.count = n }),
			choice("bench-window", "in flight per member", f.window, benchWindows, func(n int) { p.bench.window = n }),
		),
		app.Div().Class("row").Body(
			num("bench-keys", "keys", f.keys, maxStressKeys, func(n int) { p.bench.keys = n }),
			num("bench-size", "value bytes", f.valueSize, benchMaxValueSize, func(n int) { p.bench.valueSize = n }),
		),
		app.Div().Class("row").Body(
			app.Button().Type("button").DataSet("action", "bench-start").Disabled(busy).Text("Run benchmark").
				OnClick(func(ctx app.Context, e app.Event) {
					if p.benchResolved().errText() == "" {
						p.startBench(ctx)
					}
				}),
			app.Button().Type("button").DataSet("action", "bench-stop").Disabled(!ok || !pr.Running).Text("Stop").
				OnClick(func(ctx app.Context, e app.Event) { p.stopBench(ctx) }),
		),
		app.If(f.errText() != "", func() app.UI { return app.P().Class("error").Role("alert").Text(f.errText()) }),
		app.P().Class("bench-status").Role("status").Aria("live", "polite").Text(benchAnnouncement(pr, ok)),
		app.If(ok || f.starting, func() app.UI { return renderBenchReport(pr, ok) }),
	)
}

// renderBenchReport shows the running benchmark's progress, then its
// report (ok: pr is the benchmark's run; not yet while it starts).
func renderBenchReport(pr engine.StressProgress, ok bool) app.UI {
	done := ok && benchDone(pr)
	r := app.Div().Class("bench-report").DataSet("bench-done", done)
	if !done {
		return r.DataSet("bench-puts", pr.Done).Body(
			app.Label().For("bench-progress").Text(fmt.Sprintf("%s of %s puts", groupDigits(pr.Done), groupDigits(pr.Total))),
			app.Progress().ID("bench-progress").Max(max(pr.Total, 1)).Value(pr.Done),
		)
	}
	s := summarize(pr)
	secs := func(v float64) string { return fmt.Sprintf("%.4f secs.", v) }
	field := func(name, value string) app.UI {
		return app.Div().Class("field").Body(app.Dt().Text(name+":"), app.Dd().Text(value))
	}
	summary := []app.UI{
		field("Total", fmt.Sprintf("%s (%d ticks)", secs(s.total), s.ticks)),
		field("Slowest", fmt.Sprintf("%s (%g ticks)", secs(s.slowest), s.slowestTicks)),
		field("Fastest", fmt.Sprintf("%s (%g ticks)", secs(s.fastest), s.fastestTicks)),
		field("Average", fmt.Sprintf("%s (%.2f ticks)", secs(s.average), s.averageTicks)),
		field("Stddev", secs(s.stddev)),
		field("Requests/sec", fmt.Sprintf("%.4f", s.rps)),
	}
	if pr.Failed > 0 {
		summary = append(summary, field("Errors", strconv.Itoa(pr.Failed)))
	}
	if s.tickSeconds == 0 {
		summary = append(summary, app.P().Class("muted").Text("The driver ran no ticks in real time during the run (paused or stepped): no wall-clock times."))
	}
	bars := make([]app.UI, len(s.hist))
	for i, b := range s.hist {
		bars[i] = app.Li().DataSet("ticks", b.upToTicks).DataSet("count", b.count).Body(
			app.Span().Class("upto").Text(fmt.Sprintf("%.4f [%d]", b.upTo, b.count)),
			app.Span().Class("bar").Aria("hidden", "true").Text("|"+b.bar),
			app.Span().Class("muted").Text(fmt.Sprintf(" ≤ %d ticks", b.upToTicks)),
		)
	}
	dist := make([]app.UI, len(s.dist))
	for i, d := range s.dist {
		dist[i] = app.Li().Text(fmt.Sprintf("%s in %.4f secs. (%d ticks)", d.label, d.secs, d.ticks))
	}
	return r.DataSet("bench-rps", fmt.Sprintf("%.1f", s.rps)).DataSet("bench-total", fmt.Sprintf("%.4f", s.total)).
		DataSet("bench-puts", pr.Done).Body(
		app.H3().Text("Summary"),
		app.Dl().Class("bench-summary").Body(summary...),
		app.H3().Text("Response time histogram"),
		app.Ul().Class("bench-hist").Body(bars...),
		app.H3().Text("Latency distribution"),
		app.Ul().Class("bench-dist").Body(dist...),
	)
}

// groupDigits writes n with thousands separators: 100000 -> "100,000".
func groupDigits(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + groupDigits(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
