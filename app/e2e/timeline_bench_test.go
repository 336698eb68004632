//go:build browser

package e2e

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestTimelineScrubBench measures the timeline in Chromium: a run of
// BENCH_TIMELINE_TICKS ticks (default 2,000 to keep make test short;
// BENCH_TIMELINE_TICKS=10000 for the figure) with a stress of
// BENCH_TIMELINE_PUTS puts (default 2,000; 20000 for the issue's) at 100
// per tick, then: the first seek to the end (a replay from tick 0, which
// builds the checkpoints: replay ticks per second), then seeks to ticks 0,
// the middle, the end and the middle of the stress run (from checkpoints:
// the scrub figures). Each is
// timed from the range input's change event to the page showing the tick.
// One BENCH line.
func TestTimelineScrubBench(t *testing.T) {
	ticks, puts := uint64(2000), 2000
	if s := os.Getenv("BENCH_TIMELINE_TICKS"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("BENCH_TIMELINE_TICKS=%q: %v", s, err)
		}
		ticks = n
	}
	if s := os.Getenv("BENCH_TIMELINE_PUTS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("BENCH_TIMELINE_PUTS=%q: %v", s, err)
		}
		puts = n
	}
	tb := newTab(t, time.Duration(60+ticks/50)*time.Second)
	tb.waitLeader()
	tb.choose("#speed", "1000")
	for _, f := range [][2]string{{"#stress-rate", "100"}, {"#stress-count", strconv.Itoa(puts)}} {
		tb.typeInto(f[0], f[1])
		tb.run(chromedp.KeyEvent("\t"))
	}
	stressFrom := tb.now()
	tb.clickAction("stress", 0)
	tb.waitJS(fmt.Sprintf(`(() => { const e = document.querySelector('.stress-result'); return e && e.dataset.running === "false" && +e.dataset.done === %d; })()`, puts),
		"the stress run to finish")
	stressTo := tb.now()
	tb.waitJS(fmt.Sprintf(`+document.querySelector('[data-now]').dataset.now >= %d`, ticks), fmt.Sprintf("tick %d", ticks))
	tb.clickAction("pause", 0)
	tb.waitJS(`document.querySelector('[data-action="play"]') !== null`, "paused")
	end := tb.now()
	tb.waitJS(fmt.Sprintf(`+document.querySelector('input[data-timeline]').max === %d`, end), "the timeline to reach the end")
	var stressDone int
	tb.eval(`document.querySelector(".stress-result") ? +document.querySelector(".stress-result").dataset.done : -1`, &stressDone)

	seek := func(tick uint64) time.Duration {
		tb.t.Helper()
		t0 := time.Now()
		tb.seekTo(tick)
		return time.Since(t0)
	}
	first := seek(end - 1) // from tick 0: no checkpoint yet
	var times []time.Duration
	for _, tick := range []uint64{0, end / 2, end, (stressFrom + stressTo) / 2} {
		times = append(times, seek(tick))
	}
	var cps struct {
		N     int   `json:"n"`
		Bytes int64 `json:"bytes"`
	}
	tb.eval(`({n: +(document.querySelector('[data-checkpoints]')||{dataset:{checkpoints:0}}).dataset.checkpoints,
		bytes: +(document.querySelector('[data-checkpoints]')||{dataset:{checkpointBytes:0}}).dataset.checkpointBytes})`, &cps)
	fmt.Printf("BENCH timeline ticks=%d stress-puts=%d stress-done=%d replay-ticks-per-sec=%.0f first-seek-ms=%d seek0-ms=%d seek-mid-ms=%d seek-end-ms=%d seek-mid-stress-ms=%d checkpoints=%d checkpoint-mb=%.1f\n",
		end, puts, stressDone, float64(end-1)/first.Seconds(), first.Milliseconds(), times[0].Milliseconds(), times[1].Milliseconds(),
		times[2].Milliseconds(), times[3].Milliseconds(), cps.N, float64(cps.Bytes)/(1<<20))
}
