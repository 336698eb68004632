package cluster

import "math"

// latencyCounts records finished puts' latencies, in ticks, as a histogram:
// counts[t] puts took t ticks. A run's latencies are small whole numbers
// (ticks), so it answers percentiles exactly, in time and memory bounded by
// the longest latency rather than the number of puts; the page asks for
// them on every refresh. The zero value is empty.
type latencyCounts struct {
	counts []int
	n      int // puts recorded
}

// add records one put that took t ticks.
func (l *latencyCounts) add(t uint64) {
	if t >= uint64(len(l.counts)) {
		l.counts = append(l.counts, make([]int, int(t)+1-len(l.counts))...)
	}
	l.counts[t]++
	l.n++
}

// percentile returns the latency at index (n-1)*p/100 of the recorded
// latencies in ascending order (p in [0, 100]), or 0 when none is recorded.
func (l *latencyCounts) percentile(p int) uint64 { return l.permille(p * 10) }

// permille returns the latency at index (n-1)*pm/1000 of the recorded
// latencies in ascending order (pm in [0, 1000]: 999 is etcd's 99.9%), or
// 0 when none is recorded.
func (l *latencyCounts) permille(pm int) uint64 {
	if l.n == 0 {
		return 0
	}
	rank := (l.n - 1) * pm / 1000
	for t, c := range l.counts {
		if rank < c {
			return uint64(t)
		}
		rank -= c
	}
	panic("cluster: latencyCounts.n exceeds its counts")
}

// LatencyBucket is one bar of a latency histogram: Count puts took more
// than the previous bucket's UpTo (none for the first bucket) and at most
// UpTo ticks.
type LatencyBucket struct {
	UpTo  uint64 // ticks, inclusive
	Count int
}

// latencyStats summarizes recorded latencies, in ticks.
type latencyStats struct {
	min, max     uint64  // 0 when none is recorded
	mean, stddev float64 // population standard deviation
	hist         []LatencyBucket
}

// stats summarizes the recorded latencies. The histogram's buckets end at
// 0, 1, 2, 4, 8, ... ticks (powers of two after 0), up to the first that
// holds the longest latency, so a run's shape reads the same whatever its
// spread, and a report has at most 66 bars. Empty: the zero latencyStats.
func (l *latencyCounts) stats() latencyStats {
	var s latencyStats
	if l.n == 0 {
		return s
	}
	var sum, sumSq float64
	first := true
	for t, c := range l.counts {
		if c == 0 {
			continue
		}
		if first {
			s.min, first = uint64(t), false
		}
		s.max = uint64(t)
		sum += float64(t) * float64(c)
		sumSq += float64(t) * float64(t) * float64(c)
	}
	s.mean = sum / float64(l.n)
	s.stddev = math.Sqrt(max(0, sumSq/float64(l.n)-s.mean*s.mean))
	var upTo uint64
	b := LatencyBucket{}
	for t, c := range l.counts {
		for uint64(t) > upTo {
			s.hist = append(s.hist, b)
			upTo = max(1, 2*upTo)
			b = LatencyBucket{UpTo: upTo}
		}
		b.Count += c
	}
	// counts ends at the longest latency, so b is the bucket holding it.
	s.hist = append(s.hist, b)
	return s
}
