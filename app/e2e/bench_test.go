//go:build browser

package e2e

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// benchProbe records, in the page, the longest gap between 5 ms timer
// callbacks (the main thread could not run a timer for that long), the
// longest Long Task, and how often the member cards change.
const benchProbe = `(() => {
	const b = window.__bench = {maxGap: 0, longTaskMax: 0, longTasks: 0, cardBatches: 0, start: performance.now(),
		refreshes0: +document.querySelector('.playground').dataset.refreshes};
	let last = performance.now();
	b.timer = setInterval(() => { const now = performance.now(); b.maxGap = Math.max(b.maxGap, now - last); last = now; }, 5);
	try {
		b.lt = new PerformanceObserver(list => { for (const e of list.getEntries()) { b.longTasks++; b.longTaskMax = Math.max(b.longTaskMax, e.duration); } });
		b.lt.observe({type: 'longtask'});
	} catch (e) { b.longTaskMax = -1; }
	b.mo = new MutationObserver(ms => { if (ms.some(m => m.target.classList && m.target.classList.contains('card'))) b.cardBatches++; });
	b.mo.observe(document.querySelector('.cards'), {attributes: true, subtree: true, attributeFilter: ['data-applied', 'data-revision', 'data-state']});
	return true;
})()`

const benchCollect = `(() => {
	const b = window.__bench; clearInterval(b.timer); b.mo.disconnect(); if (b.lt) b.lt.disconnect();
	const secs = (performance.now() - b.start) / 1000;
	return {maxGap: b.maxGap, longTaskMax: b.longTaskMax, longTasks: b.longTasks, secs: secs,
		cardHz: b.cardBatches / secs, refreshHz: (+document.querySelector('.playground').dataset.refreshes - b.refreshes0) / secs};
})()`

// The heaviest stress the controls allow (fastest speed, most puts per
// tick, largest count), with the page's responsiveness measured meanwhile:
// the longest gap between 5 ms timer callbacks, the longest Long Task, and
// how many times per second the member cards changed.
// It reports figures (BENCH lines); it asserts only that the run completes
// and the members converge, not any timing.
func TestStressResponsiveness(t *testing.T) {
	tb := newTab(t, 3*time.Minute)
	tb.waitLeader()

	var opts struct{ Speed, Rate, Count string }
	tb.eval(`({speed: [...document.querySelectorAll('#speed option')].pop().value,
		rate: document.querySelector('#stress-rate').max, count: document.querySelector('#stress-count').max})`, &opts)
	// BENCH_SPEED, BENCH_RATE and BENCH_COUNT run a lighter load instead,
	// to compare (e.g. BENCH_SPEED=20 BENCH_RATE=10 BENCH_COUNT=2000).
	for env, v := range map[string]*string{"BENCH_SPEED": &opts.Speed, "BENCH_RATE": &opts.Rate, "BENCH_COUNT": &opts.Count} {
		if s := os.Getenv(env); s != "" {
			*v = s
		}
	}
	tb.choose("#speed", opts.Speed)
	tb.typeInto("#stress-rate", opts.Rate)
	tb.run(chromedp.KeyEvent("\t"))
	tb.typeInto("#stress-count", opts.Count)
	tb.run(chromedp.KeyEvent("\t"))

	tb.eval(benchProbe, new(bool))
	t0 := time.Now()
	tb.clickAction("stress", 0)
	tb.waitJS(`document.querySelector('.stress-result') !== null && +document.querySelector('.stress-result').dataset.total === `+opts.Count,
		"the stress run to start")
	tb.waitJS(`document.querySelector('.stress-result').dataset.running === "false"`, "the stress run to finish")
	elapsed := time.Since(t0)

	var m struct {
		MaxGap, LongTaskMax, Secs, CardHz, RefreshHz float64
		LongTasks                                    int
	}
	tb.eval(benchCollect, &m)
	var pr struct{ Done, Total, OK, Failed, P50, P99 string }
	tb.eval(`({...document.querySelector('.stress-result').dataset})`, &pr)
	if pr.Done != pr.Total {
		t.Errorf("stress finished with %s of %s puts answered", pr.Done, pr.Total)
	}
	if pr.OK == "0" {
		t.Errorf("no stress put succeeded: %+v", pr)
	}
	c := tb.converged(1, "every member to converge after the stress run")

	var speed, rate, count = opts.Speed, opts.Rate, opts.Count
	t.Logf("stress: speed %s ticks/s, %s puts/tick, %s puts: ok %s failed %s p50 %s p99 %s ticks, %.1f s wall (%.0f puts/s); converged at revision %d",
		speed, rate, count, pr.OK, pr.Failed, pr.P50, pr.P99, elapsed.Seconds(), atof(pr.Done)/elapsed.Seconds(), c.Revision)
	fmt.Printf("BENCH main-thread-gap-ms=%.1f longtask-max-ms=%.1f longtasks=%d card-refresh-hz=%.1f page-refresh-hz=%.1f stress-puts=%s stress-seconds=%.1f puts-per-sec=%.0f\n",
		m.MaxGap, m.LongTaskMax, m.LongTasks, m.CardHz, m.RefreshHz, pr.Done, elapsed.Seconds(), atof(pr.Done)/elapsed.Seconds())
}

func atof(s string) float64 {
	var f float64
	fmt.Sscan(s, &f)
	return f
}
