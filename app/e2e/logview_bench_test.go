//go:build browser

package e2e

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/performance"
	"github.com/chromedp/chromedp"
)

// logFrameProbe counts the page's animation frames, their longest
// interval, the DOM mutations inside the log view and its page fetches
// (data-log-fetches) from now on.
const logFrameProbe = `(() => {
	const v = document.querySelector('.log-view');
	const b = window.__logBench = {frames: 0, maxFrame: 0, mutations: 0, start: performance.now(), fetches0: +v.dataset.logFetches, stop: false};
	let last = performance.now();
	const tick = (now) => { b.frames++; b.maxFrame = Math.max(b.maxFrame, now - last); last = now; if (!b.stop) requestAnimationFrame(tick); };
	requestAnimationFrame(tick);
	b.mo = new MutationObserver(ms => { b.mutations += ms.length; });
	b.mo.observe(v, {attributes: true, childList: true, subtree: true, characterData: true});
	return true;
})()`

const logFrameCollect = `(() => {
	const b = window.__logBench; b.stop = true; b.mo.disconnect();
	return {frames: b.frames, maxFrame: b.maxFrame, mutations: b.mutations, secs: (performance.now() - b.start) / 1000,
		fetches: +document.querySelector('.log-view').dataset.logFetches - b.fetches0};
})()`

// logPhase is one measured window.
type logPhase struct {
	Frames, Mutations, Fetches int
	MaxFrame, Secs             float64
	TaskMs, ScriptMs           float64 // the page's main thread (CDP Performance metrics)
	CPUMs                      float64 // its tasks' thread time (Chromium's trace)
	LayoutMs, StyleMs          float64
	Index0, Index1             uint64 // the leader's applied index at the start and the end
}

func (p logPhase) perFrame(ms float64) float64 { return ms / float64(max(p.Frames, 1)) }

// leaderApplied is the highest applied index the cards show.
func (tb *tab) leaderApplied() uint64 {
	var best uint64
	for _, c := range tb.cards() {
		best = max(best, c.Applied)
	}
	return best
}

// measureLogPhase measures the page's main thread for d: CDP's cumulative
// task, script, layout and style durations, the frames drawn and what the
// log view did.
func (tb *tab) measureLogPhase(d time.Duration) logPhase {
	tb.t.Helper()
	metrics := func() map[string]float64 {
		var ms []*performance.Metric
		tb.run(chromedp.ActionFunc(func(ctx context.Context) error {
			var err error
			ms, err = performance.GetMetrics().Do(ctx)
			return err
		}))
		out := map[string]float64{}
		for _, m := range ms {
			out[m.Name] = m.Value
		}
		return out
	}
	var p logPhase
	p.Index0 = tb.leaderApplied()
	trace := tb.startTaskTrace() // tasktrace_test.go
	m0 := metrics()
	tb.eval(logFrameProbe, new(bool))
	time.Sleep(d) // the measurement's window: the page runs meanwhile
	var r struct {
		Frames, Mutations, Fetches int
		MaxFrame, Secs             float64
	}
	tb.eval(logFrameCollect, &r)
	m1 := metrics()
	for _, task := range trace.stopTasks(tb) {
		p.CPUMs += task.CPU / 1000
	}
	p.Index1 = tb.leaderApplied()
	p.Frames, p.Mutations, p.Fetches, p.MaxFrame, p.Secs = r.Frames, r.Mutations, r.Fetches, r.MaxFrame, r.Secs
	p.TaskMs = 1000 * (m1["TaskDuration"] - m0["TaskDuration"])
	p.ScriptMs = 1000 * (m1["ScriptDuration"] - m0["ScriptDuration"])
	p.LayoutMs = 1000 * (m1["LayoutDuration"] - m0["LayoutDuration"])
	p.StyleMs = 1000 * (m1["RecalcStyleDuration"] - m0["RecalcStyleDuration"])
	return p
}

// The log view's render cost per frame (reported, not asserted): while
// about 200 entries a second arrive (20 ticks/s, 10 puts a tick), the
// page's main-thread time per frame and per second (wall, and the thread
// time of its tasks, which a loaded machine inflates less) with the view
// hidden and shown, once
// on a young log and once after the log's index passed
// BENCH_LOG_ENTRIES (default 20,000, to keep make test short;
// BENCH_LOG_ENTRIES=1000000 for the figure: the Benchmark panel
// fills it, 100,000 puts a run (10,000 once fewer are missing), ~15-60 s
// each, minutes on a busy machine). The page's auto-compaction and
// SnapshotCount keep only the newest ~150 entries stored, so the view's
// cost is its window's whatever the index; the figures show it. One BENCH line per (log, view) pair.
// BENCH_STORAGE=memory: see below.
func TestLogViewRenderCost(t *testing.T) {
	target := uint64(20000)
	if s := os.Getenv("BENCH_LOG_ENTRIES"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("BENCH_LOG_ENTRIES=%q: %v", s, err)
		}
		target = n
	}
	window := 8 * time.Second
	if s := os.Getenv("BENCH_LOG_SECONDS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("BENCH_LOG_SECONDS=%q: %v", s, err)
		}
		window = time.Duration(n) * time.Second
	}
	// A 100,000-put fill run took 85 s to 4.5 min here (a busy machine).
	tb := newTab(t, 10*time.Minute+time.Duration(target/100000+1)*6*time.Minute)
	// BENCH_STORAGE=memory runs it on a cluster in memory: the fill is
	// then limited by the engine, not IndexedDB (the view's cost does not
	// depend on the storage).
	if os.Getenv("BENCH_STORAGE") == "memory" {
		tb.run(chromedp.Navigate(siteURL + "?storage=memory"))
		tb.waitJS(`document.querySelector('.durability[data-storage="memory"]') !== null`, "the page in memory")
	}
	tb.waitLeader()
	tb.run(performance.Enable())

	// 200 puts (entries) a second: 10 a tick at 20 ticks a second, for
	// longer than the two windows.
	load := func() {
		tb.choose("#speed", "20")
		count := strconv.Itoa(min(20000, int(3*window.Seconds()*200)))
		for sel, v := range map[string]string{"#stress-rate": "10", "#stress-count": count, "#stress-keys": "100"} {
			tb.typeInto(sel, v)
			tb.run(chromedp.KeyEvent("\t"))
		}
		tb.clickAction("stress", 0)
		tb.waitJS(`document.querySelector('.stress-result') !== null && document.querySelector('.stress-result').dataset.running === "true"`, "the stress run to start")
		// Measure once the run is under way (100 entries applied).
		tb.waitJS(fmt.Sprintf(`Math.max(...[...document.querySelectorAll('.card[data-member]')].map(c => +c.dataset.applied)) >= %d`, tb.leaderApplied()+100),
			"the stress run to apply 100 entries")
	}
	// The run ends by itself (its count is bounded): waiting for that, not
	// pressing Stop, which is disabled once the run ended.
	stop := func() {
		tb.waitJS(`document.querySelector('.stress-result').dataset.running === "false"`, "the stress run to end")
	}
	measure := func(log string) {
		for _, shown := range []bool{false, true} {
			if shown {
				tb.showLogs()
			}
			p := tb.measureLogPhase(window)
			if shown {
				tb.clickAction("hide-logs", 0)
			}
			view := map[bool]string{false: "hidden", true: "shown"}[shown]
			eps := float64(p.Index1-p.Index0) / p.Secs
			t.Logf("log %s, view %s: %+v", log, view, p)
			fmt.Printf("BENCH logview log=%s log-index=%d view=%s entries-per-sec=%.0f fps=%.1f main-busy-pct=%.0f main-cpu-ms-per-sec=%.0f main-cpu-ms-per-frame=%.2f main-busy-ms-per-frame=%.2f script-ms-per-frame=%.2f layout-style-ms-per-frame=%.2f longest-frame-ms=%.1f page-fetches-per-sec=%.1f log-dom-mutations-per-frame=%.1f\n",
				log, p.Index1, view, eps, float64(p.Frames)/p.Secs, p.TaskMs/(10*p.Secs), p.CPUMs/p.Secs, p.perFrame(p.CPUMs), p.perFrame(p.TaskMs), p.perFrame(p.ScriptMs), p.perFrame(p.LayoutMs+p.StyleMs),
				p.MaxFrame, float64(p.Fetches)/p.Secs, float64(p.Mutations)/float64(max(p.Frames, 1)))
		}
	}

	load()
	measure("young")
	stop()

	// Fill the log with the Benchmark panel (the view hidden): 100,000
	// puts a run while more are missing, then 10,000 a run, until the
	// index passes target.
	tb.choose("#bench-window", "1024") // the most puts in flight (with the default 256-byte values): the fastest fill
	for runs := 0; tb.leaderApplied() < target; runs++ {
		size := "100000"
		if target-tb.leaderApplied() <= 100000 {
			size = "10000"
		}
		tb.choose("#bench-count", size)
		t0 := time.Now()
		tb.clickAction("bench-start", 0)
		tb.waitJS(`(() => { const r = document.querySelector('.bench-report'); return r !== null && r.dataset.benchDone === "false"; })()`, "a benchmark run to start")
		tb.waitJS(`(() => { const r = document.querySelector('.bench-report'); return r !== null && r.dataset.benchDone === "true"; })()`, "the benchmark run to finish")
		t.Logf("fill run %d: index %d after %s", runs+1, tb.leaderApplied(), since(t0))
	}
	tb.waitLeader()
	load()
	measure(strconv.FormatUint(target, 10))
	stop()
}
