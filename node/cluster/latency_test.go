package cluster

import (
	mrand "math/rand/v2"
	"slices"
	"testing"
)

// TestLatencyCountsPercentiles: the histogram's percentiles equal those of
// the sorted list of the same latencies (what Progress computed before),
// for random lists of every length up to 300, spreads from all-equal to
// wide, and every p.
func TestLatencyCountsPercentiles(t *testing.T) {
	rng := mrand.New(mrand.NewPCG(1, 2))
	var l latencyCounts
	if got := l.percentile(50); got != 0 {
		t.Fatalf("empty: percentile(50) = %d, want 0", got)
	}
	for _, spread := range []uint64{1, 3, 40, 5000} {
		var h latencyCounts
		var list []uint64
		for n := 1; n <= 300; n++ {
			v := rng.Uint64N(spread)
			h.add(v)
			list = append(list, v)
			sorted := slices.Sorted(slices.Values(list))
			for p := 0; p <= 100; p++ {
				if got, want := h.percentile(p), sorted[(len(sorted)-1)*p/100]; got != want {
					t.Fatalf("spread %d, %d latencies, p%d = %d, want %d (sorted list)", spread, n, p, got, want)
				}
			}
		}
	}
}
