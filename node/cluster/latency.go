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

// LatencyBuckets is the number of buckets of a latency histogram
// (StressProgress.Hist). Bucket 0 counts latencies of 0 ticks and bucket
// i > 0 those of more than LatencyBucketUpTo(i-1) and at most
// LatencyBucketUpTo(i) = 2^(i-1) ticks: 1, 2, 4, ... The last bucket also
// counts every longer latency (over 2^22 ticks: over an hour at 1,000
// ticks a second). A fixed array keeps StressProgress comparable and its
// encoding fixed.
const LatencyBuckets = 24

// LatencyBucketUpTo returns the longest latency, in ticks, bucket i of a
// histogram counts (the last bucket counts longer ones too).
func LatencyBucketUpTo(i int) uint64 {
	if i <= 0 {
		return 0
	}
	return 1 << (i - 1)
}

// latencyBucket returns the bucket of a latency of t ticks.
func latencyBucket(t uint64) int {
	i := 0
	for i < LatencyBuckets-1 && LatencyBucketUpTo(i) < t {
		i++
	}
	return i
}

// latencyStats summarizes recorded latencies, in ticks.
type latencyStats struct {
	min, max     uint64  // 0 when none is recorded
	mean, stddev float64 // population standard deviation
	hist         [LatencyBuckets]int
}

// stats summarizes the recorded latencies (the zero latencyStats when none
// is recorded).
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
		s.hist[latencyBucket(uint64(t))] += c
	}
	s.mean = sum / float64(l.n)
	s.stddev = math.Sqrt(max(0, sumSq/float64(l.n)-s.mean*s.mean))
	return s
}
