package cluster

import (
	"math"
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

// TestLatencyCountsStats: min, max, mean and standard deviation equal
// those computed from the plain list; every latency falls in exactly one
// histogram bucket, the one ending at the least of 0, 1, 2, 4, 8, ... that
// is at least it (the last bucket also takes longer ones); permille(999) is
// etcd's 99.9% (index (n-1)*999/1000 of the sorted list).
func TestLatencyCountsStats(t *testing.T) {
	var empty latencyCounts
	if s := empty.stats(); s != (latencyStats{}) {
		t.Fatalf("empty stats %+v, want zero", s)
	}
	if got := LatencyBucketUpTo(LatencyBuckets - 1); got != 1<<22 {
		t.Fatalf("the last bucket ends at %d ticks, want 2^22", got)
	}
	rng := mrand.New(mrand.NewPCG(3, 4))
	for _, spread := range []uint64{1, 2, 7, 300, 70000, 1 << 24} {
		var h latencyCounts
		var list []uint64
		for n := 1; n <= 200; n++ {
			v := rng.Uint64N(spread)
			h.add(v)
			list = append(list, v)
		}
		s := h.stats()
		sorted := slices.Sorted(slices.Values(list))
		var sum, sq float64
		for _, v := range list {
			sum += float64(v)
		}
		mean := sum / float64(len(list))
		for _, v := range list {
			sq += (float64(v) - mean) * (float64(v) - mean)
		}
		stddev := math.Sqrt(sq / float64(len(list)))
		if s.min != sorted[0] || s.max != sorted[len(sorted)-1] || math.Abs(s.mean-mean) > 1e-9*max(1, mean) ||
			math.Abs(s.stddev-stddev) > 1e-6*max(1, stddev) {
			t.Fatalf("spread %d: stats %v %v %v %v, want %v %v %v %v", spread, s.min, s.max, s.mean, s.stddev,
				sorted[0], sorted[len(sorted)-1], mean, stddev)
		}
		if got, want := h.permille(999), sorted[(len(sorted)-1)*999/1000]; got != want {
			t.Fatalf("spread %d: permille(999) = %d, want %d", spread, got, want)
		}
		var want [LatencyBuckets]int
		for _, v := range list {
			i, end := 0, uint64(0)
			for end < v && i < LatencyBuckets-1 {
				i, end = i+1, max(1, 2*end)
			}
			want[i]++
		}
		if s.hist != want {
			t.Fatalf("spread %d: buckets %v, want %v", spread, s.hist, want)
		}
	}
}
