package local

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/etcd-play/etcd-play/app/engine"
)

// longRun steps e through ticks ticks with a stress run of puts puts at 100
// per tick every every ticks.
func longRun(t testing.TB, e *durableEngine, ticks, every uint64, puts int) {
	for e.Now() < ticks {
		if e.Now()%every == 10 {
			e.Stress(engine.StressConfig{Rate: 100, Count: puts, Keys: 1000, ValueSize: 16})
		}
		e.Step()
	}
}

// thin keeps a branch's checkpoints under the budget, dropping every
// other one but the first and the last, as often as it takes.
func TestThinCheckpoints(t *testing.T) {
	mk := func(sizes ...int64) []checkpoint {
		var cps []checkpoint
		for i, n := range sizes {
			cps = append(cps, checkpoint{tick: uint64(i * 100), bytes: n})
		}
		return cps
	}
	total := func(cps []checkpoint) (n int64) {
		for _, c := range cps {
			n += c.bytes
		}
		return n
	}
	for _, tc := range []struct {
		sizes   []int64
		budget  int64
		dropped bool
	}{
		{[]int64{1, 5, 5, 5, 5, 5, 5, 5, 5}, 100, false},
		{[]int64{1, 5, 5, 5, 5, 5, 5, 5, 5}, 30, true},
		{[]int64{1, 5, 5, 5, 5, 5, 5, 5, 5}, 12, true},
		{[]int64{1, 5, 5, 5, 5, 5, 5, 5, 5}, 2, true}, // only the first and the last are left
		{[]int64{1, 50}, 2, false},
	} {
		got, dropped := thin(mk(tc.sizes...), tc.budget)
		if dropped != tc.dropped {
			t.Errorf("%v under %d: dropped %t", tc.sizes, tc.budget, dropped)
		}
		if total(got) > tc.budget && len(got) > 2 {
			t.Errorf("%v under %d: kept %d checkpoints of %d bytes", tc.sizes, tc.budget, len(got), total(got))
		}
		if got[0].tick != 0 || got[len(got)-1].tick != uint64(100*(len(tc.sizes)-1)) {
			t.Errorf("%v under %d: the first or last checkpoint was dropped: %+v", tc.sizes, tc.budget, got)
		}
		for i := 1; i < len(got); i++ {
			if got[i].tick <= got[i-1].tick {
				t.Errorf("%v under %d: out of order: %+v", tc.sizes, tc.budget, got)
			}
		}
	}
}

// Past the budget, checkpoints are thinned (and the timeline says so),
// and every tick can still be reached exactly.
func TestTimelineThinnedStillExact(t *testing.T) {
	old, oldTicks := checkpointBudget, checkpointTicks
	checkpointBudget = 1  // every checkpoint past the first two is dropped
	checkpointTicks = 100 // and there are many to drop, however fast the replay
	defer func() { checkpointBudget, checkpointTicks = old, oldTicks }()
	e := newRecordedEngine(t, 4)
	longRun(t, e, 3000, 1000, 3000)
	ctx := context.Background()
	end := runDigest(e.Cluster)
	if err := e.Seek(ctx, 3000); err != nil {
		t.Fatal(err)
	}
	tv := e.Timeline()
	t.Logf("%d checkpoints, %.1f MB estimated, notice %q", tv.Checkpoints, float64(tv.CheckpointBytes)/(1<<20), tv.Notice)
	if !strings.Contains(tv.Notice, "thinned") || tv.Checkpoints > 2 {
		t.Fatalf("%d checkpoints kept over a budget of 1 byte (notice %q)", tv.Checkpoints, tv.Notice)
	}
	if err := e.Seek(ctx, 1500); err != nil {
		t.Fatal(err)
	}
	stepTo(t, e, 3000)
	if got := runDigest(e.Cluster); got != end {
		t.Fatalf("after thinning, the replay from tick 1500 differs:\n%s", firstLineDiff(end, got))
	}
}

// BenchmarkTimelineLongSession: a long session's checkpoints natively
// (BENCH_LONG_TICKS, default 20,000; 100000 for the figure), a
// stress of 20,000 puts every 10,000 ticks, then the background catch-up's
// whole replay (replay-ticks/s) and 21 seeks spread over the run in a
// scrambled order: the figures are the checkpoints kept, their estimated
// size, and the mean and longest seek.
func BenchmarkTimelineLongSession(b *testing.B) {
	ticks := uint64(20000)
	if s := os.Getenv("BENCH_LONG_TICKS"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			b.Fatal(err)
		}
		ticks = n
	}
	for range b.N {
		e := newRecordedEngine(b, 4)
		longRun(b, e, ticks, 10000, 20000)
		ctx := context.Background()
		// What the background catch-up does while a person watches: the
		// shadow replays the whole run once, taking checkpoints.
		t0 := time.Now()
		e.tl.mu.Lock()
		br := e.tl.branches[e.tl.cur]
		e.tl.sync()
		if _, err := e.tl.advance(ctx, br, br.end, time.Time{}); err != nil {
			b.Fatal(err)
		}
		e.tl.mu.Unlock()
		catchUp := time.Since(t0)
		// Then seeks all over the run, in a scrambled order.
		var worst, total time.Duration
		const n = 21
		for i := uint64(0); i < n; i++ {
			tick := ticks * ((i * 8) % n) / (n - 1)
			t0 := time.Now()
			if err := e.Seek(ctx, tick); err != nil {
				b.Fatal(err)
			}
			d := time.Since(t0)
			worst, total = max(worst, d), total+d
			if os.Getenv("BENCH_LONG_VERBOSE") != "" {
				b.Logf("seek %d: %v", tick, d.Round(time.Millisecond))
			}
		}
		b.ReportMetric(float64(ticks)/catchUp.Seconds(), "replay-ticks/s")
		b.ReportMetric(float64(total.Milliseconds())/n, "mean-seek-ms")
		tv := e.Timeline()
		b.ReportMetric(float64(tv.Checkpoints), "checkpoints")
		b.ReportMetric(float64(tv.CheckpointBytes)/(1<<20), "checkpoint-MB")
		b.ReportMetric(float64(worst.Milliseconds()), "worst-seek-ms")
	}
}
