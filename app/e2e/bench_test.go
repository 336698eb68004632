//go:build browser

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/cdproto/profiler"
	"github.com/chromedp/chromedp"
)

// benchProbe records, in the page, the longest gap between 5 ms timer
// callbacks (the main thread could not run a timer for that long), the
// longest Long Task, and how often the member cards change.
const benchProbe = `(() => {
	const b = window.__bench = {maxGap: 0, longTaskMax: 0, longTasks: 0, cardBatches: 0, start: performance.now(),
		refreshes0: +document.querySelector('.playground').dataset.refreshes};
	let last = performance.now();
	b.gaps = []; // every gap over 30 ms: [ms since the probe started, gap ms]
	b.lateFrom = Infinity; // ms since start; set after the click (see inputWindowMs)
	b.maxLate = 0;
	b.timer = setInterval(() => {
		const now = performance.now(), g = now - last;
		b.maxGap = Math.max(b.maxGap, g);
		if (last - b.start >= b.lateFrom) b.maxLate = Math.max(b.maxLate, g);
		if (g > 30) b.gaps.push([Math.round(now - b.start), Math.round(g * 10) / 10]);
		last = now;
	}, 5);
	try {
		b.lt = new PerformanceObserver(list => { for (const e of list.getEntries()) { b.longTasks++; b.longTaskMax = Math.max(b.longTaskMax, e.duration); } });
		b.lt.observe({type: 'longtask'});
	} catch (e) { b.longTaskMax = -1; }
	b.mo = new MutationObserver(ms => { if (ms.some(m => m.target.classList && m.target.classList.contains('card'))) b.cardBatches++; });
	b.mo.observe(document.querySelector('.cards'), {attributes: true, subtree: true, attributeFilter: ['data-applied', 'data-revision', 'data-state']});
	return true;
})()`

// inputWindowMs: after an input event Chromium runs the rendering it
// causes ahead of timers for a while, so the probe's timer reads the
// browser's priorities there, not the page's work. Measured on this page:
// with the stress started by a real click the largest gaps came 50-250 ms
// after it (42-114 ms), and with the same button clicked from script (no
// input event) they did not stand out (31.6-50.5 ms). The BENCH line gives
// the longest gap over the whole run and the longest one that began at
// least this long after the click.
const inputWindowMs = 250

const benchCollect = `(() => {
	const b = window.__bench; clearInterval(b.timer); b.mo.disconnect(); if (b.lt) b.lt.disconnect();
	const secs = (performance.now() - b.start) / 1000;
	return {maxGap: b.maxGap, maxLate: b.maxLate, gaps: b.gaps, longTaskMax: b.longTaskMax, longTasks: b.longTasks, secs: secs,
		cardHz: b.cardBatches / secs, refreshHz: (+document.querySelector('.playground').dataset.refreshes - b.refreshes0) / secs};
})()`

// The heaviest stress the controls allow (fastest speed, most puts per
// tick, largest count), with the page's responsiveness measured meanwhile:
// the longest gap between 5 ms timer callbacks, the longest Long Task, the
// longest task of the page's main thread in Chromium's trace (wall time and
// thread CPU time: the CPU figure leaves out time the machine gave to other
// processes), and how many times per second the member cards changed. It runs twice: with
// the page's default key space and value size ("defaults": 100 keys,
// 16-byte values), and with the largest the controls allow ("largest":
// every put a new revision of a 4,096-byte value, so each member's store
// and every raft snapshot of it grow to ~80 MB).
// A third config, "watches", is the defaults with benchWatches console
// watches on the stress keys streaming every put while it runs.
// It reports figures (BENCH lines); it asserts only that the run completes
// and the members converge (and that the watches streamed), not any timing.
func TestStressResponsiveness(t *testing.T) {
	for _, cfg := range []struct {
		name    string
		largest bool
		watches int
	}{{"defaults", false, 0}, {"largest", true, 0}, {"watches", false, benchWatches}} {
		t.Run(cfg.name, func(t *testing.T) {
			if only := os.Getenv("BENCH_CONFIG"); only != "" && only != cfg.name {
				t.Skipf("BENCH_CONFIG=%s", only)
			}
			stressResponsiveness(t, cfg.name, cfg.largest, cfg.watches)
		})
	}
}

// benchWatches is the "watches" config's number of console watches.
const benchWatches = 10

func stressResponsiveness(t *testing.T, name string, largest bool, watches int) {
	tb := newTab(t, 5*time.Minute)
	tb.waitLeader()
	var firstWatch int
	tb.eval(consoleLastSeq, &firstWatch)
	firstWatch++
	for range watches {
		tb.enterLine("watch stress/ --prefix")
	}

	var opts struct{ Speed, Rate, Count, Keys, Size string }
	tb.eval(`({speed: [...document.querySelectorAll('#speed option')].pop().value,
		rate: document.querySelector('#stress-rate').max, count: document.querySelector('#stress-count').max,
		keys: document.querySelector('#stress-keys').value, size: document.querySelector('#stress-size').value})`, &opts)
	if largest {
		tb.eval(`document.querySelector('#stress-keys').max`, &opts.Keys)
		tb.eval(`document.querySelector('#stress-size').max`, &opts.Size)
	}
	// BENCH_SPEED, BENCH_RATE, BENCH_COUNT, BENCH_KEYS and BENCH_SIZE run
	// another load instead, to compare (e.g. BENCH_SPEED=20 BENCH_RATE=10
	// BENCH_COUNT=2000).
	for env, v := range map[string]*string{"BENCH_SPEED": &opts.Speed, "BENCH_RATE": &opts.Rate, "BENCH_COUNT": &opts.Count,
		"BENCH_KEYS": &opts.Keys, "BENCH_SIZE": &opts.Size} {
		if s := os.Getenv(env); s != "" {
			*v = s
		}
	}
	tb.choose("#speed", opts.Speed)
	for _, f := range [][2]string{{"#stress-rate", opts.Rate}, {"#stress-count", opts.Count}, {"#stress-keys", opts.Keys}, {"#stress-size", opts.Size}} {
		tb.typeInto(f[0], f[1])
		tb.run(chromedp.KeyEvent("\t"))
	}

	// ETCDPLAY_PROFILE=path also records a CPU profile of the page during
	// the stress (an unstripped build shows Go's function names: make
	// profile-stress) and writes where the time of tasks longer than
	// profileLongTaskMs went to path.<config> (cpuprofile_test.go).
	profile := os.Getenv("ETCDPLAY_PROFILE")
	if profile != "" {
		tb.startCPUProfile()
	}
	// ETCDPLAY_WORKER_PROFILE=path: a CPU profile of the engine worker
	// during the stress, written to path.<config> (run it with a
	// profiling build: make build-prof).
	var wp *workerProfile
	if path := os.Getenv("ETCDPLAY_WORKER_PROFILE"); path != "" {
		wp = tb.startWorkerProfile()
	}
	// The trace starts first: starting it costs the page's thread, which
	// is the measurement's cost, not the page's.
	// ETCDPLAY_PHASES=1 traces what the main thread's time went to by
	// Chromium's names instead (style, layout, paint, scripts:
	// phasetrace_test.go), logged; the task figures are then 0.
	var trace *taskTrace
	var phases *phaseTrace
	if os.Getenv("ETCDPLAY_PHASES") != "" {
		phases = tb.startPhaseTrace()
	} else {
		trace = tb.startTaskTrace()
	}
	tb.eval(benchProbe, new(bool))
	var clickAt float64 // ms since the probe started
	tb.eval(`performance.now() - window.__bench.start`, &clickAt)
	t0 := time.Now()
	tb.clickAction("stress", 0)
	tb.eval(fmt.Sprintf(`window.__bench.lateFrom = performance.now() - window.__bench.start + %d, true`, inputWindowMs), new(bool))
	tb.waitJS(`document.querySelector('.stress-result') !== null && +document.querySelector('.stress-result').dataset.total === `+opts.Count,
		"the stress run to start")
	tb.waitJS(`document.querySelector('.stress-result').dataset.running === "false"`, "the stress run to finish")
	elapsed := time.Since(t0)
	if wp != nil {
		wp.finish(os.Getenv("ETCDPLAY_WORKER_PROFILE")+"."+name, fmt.Sprintf("engine worker, stress %s, %.3f s from the click to the end\n", name, elapsed.Seconds()))
	}

	var m struct {
		MaxGap, MaxLate, LongTaskMax, Secs, CardHz, RefreshHz float64
		LongTasks                                             int
		Gaps                                                  [][2]float64
	}
	tb.eval(benchCollect, &m)
	// After the probe stopped: ending a trace costs the page's thread.
	var tasks []pageTask
	if phases != nil {
		t.Logf("phases: %s", phases.stop(tb, 14))
	} else {
		tasks = trace.stopTasks(tb)
		// ETCDPLAY_TASKS=path writes the main thread's tasks (start,
		// wall and CPU time in µs, where posted from) as JSON, to study
		// without a profiler's overhead.
		if path := os.Getenv("ETCDPLAY_TASKS"); path != "" {
			raw, err := json.Marshal(tasks)
			if err == nil {
				err = os.WriteFile(path+"."+name, raw, 0o644)
			}
			if err != nil {
				t.Errorf("ETCDPLAY_TASKS: %v", err)
			}
		}
	}
	var taskWall, taskCPU, busyCPU float64
	var walls []float64
	for _, t := range tasks {
		taskWall, taskCPU = max(taskWall, t.Dur/1000), max(taskCPU, t.CPU/1000)
		busyCPU += t.CPU / 1000
		walls = append(walls, t.Dur/1000)
	}
	// The spread of the tasks' lengths, and the thread's CPU time per
	// second of the run: figures that one rare task does not decide, to
	// compare two builds on.
	slices.Sort(walls)
	pct := func(q float64) float64 {
		if len(walls) == 0 {
			return 0
		}
		return walls[min(len(walls)-1, int(q*float64(len(walls))))]
	}
	var prof *profiler.Profile
	if profile != "" {
		prof = tb.stopCPUProfile()
	}
	var pr struct{ Done, Total, OK, Failed, P50, P99 string }
	tb.eval(`({...document.querySelector('.stress-result').dataset})`, &pr)
	if pr.Done != pr.Total {
		t.Errorf("stress finished with %s of %s puts answered", pr.Done, pr.Total)
	}
	if pr.OK == "0" {
		t.Errorf("no stress put succeeded: %+v", pr)
	}
	c := tb.converged(1, "every member to converge after the stress run")
	if watches > 0 {
		// Every watch streamed the run: its entry shows events (at most
		// the console's newest lines, with how many earlier ones it left out).
		tb.waitJS(fmt.Sprintf(`[...Array(%d).keys()].every(i => { const e = document.querySelector('.console-entry[data-seq="' + (%d + i) + '"] .out'); return e !== null && e.textContent.includes("PUT") && e.textContent.includes("earlier lines not shown"); })`, watches, firstWatch),
			"every watch to show the stress run's events")
	}
	// Where the cluster ran: data-engine ("worker", "native"); builds from
	// before the engine protocol ran it on the page's thread, with the
	// collector in slices when data-gc-sliced was true.
	var where string
	tb.eval(`document.querySelector('.playground').dataset.engine || ('page, gc-sliced=' + (document.querySelector('.version').dataset.gcSliced || 'unknown'))`, &where)

	over50 := 0
	for _, g := range m.Gaps {
		if g[1] >= 50 {
			over50++
		}
	}
	t.Logf("gaps over 30 ms [ms since the probe started, gap ms], %d of them 50 ms or more: %v (the stress was clicked at %.0f ms)", over50, m.Gaps, clickAt)
	t.Logf("stress: speed %s ticks/s, %s puts/tick, %s puts over %s keys, %s-byte values: ok %s failed %s p50 %s p99 %s ticks, %.1f s wall (%.0f puts/s); converged at revision %d",
		opts.Speed, opts.Rate, opts.Count, opts.Keys, opts.Size, pr.OK, pr.Failed, pr.P50, pr.P99, elapsed.Seconds(), atof(pr.Done)/elapsed.Seconds(), c.Revision)
	fmt.Printf("BENCH config=%s watches=%d keys=%s value-bytes=%s main-thread-gap-ms=%.1f gap-after-click-window-ms=%.1f longtask-max-ms=%.1f longtasks=%d task-max-ms=%.1f task-max-cpu-ms=%.1f card-refresh-hz=%.1f page-refresh-hz=%.1f task-p99-ms=%.1f task-p999-ms=%.1f busy-cpu-ms-per-s=%.0f stress-puts=%s stress-seconds=%.1f puts-per-sec=%.0f engine=%q\n",
		name, watches, opts.Keys, opts.Size, m.MaxGap, m.MaxLate, m.LongTaskMax, m.LongTasks, taskWall, taskCPU, m.CardHz, m.RefreshHz, pct(0.99), pct(0.999), busyCPU/m.Secs, pr.Done, elapsed.Seconds(), atof(pr.Done)/elapsed.Seconds(), where)
	if prof != nil {
		// One file per config: ETCDPLAY_PROFILE=/tmp/p.txt writes
		// /tmp/p.txt.largest (and .cpuprofile) for the largest config.
		header := fmt.Sprintf("config=%s keys=%s value-bytes=%s puts=%s speed=%s rate=%s (profiled: timings are not the BENCH's)\n",
			name, opts.Keys, opts.Size, pr.Done, opts.Speed, opts.Rate)
		tb.writeCPUProfile(prof, tasks, profile+"."+name, header, profileLongTaskMs)
	}
}

func atof(s string) float64 {
	var f float64
	fmt.Sscan(s, &f)
	return f
}
