package cluster

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
func (l *latencyCounts) percentile(p int) uint64 {
	if l.n == 0 {
		return 0
	}
	rank := (l.n - 1) * p / 100
	for t, c := range l.counts {
		if rank < c {
			return uint64(t)
		}
		rank -= c
	}
	panic("cluster: latencyCounts.n exceeds its counts")
}
