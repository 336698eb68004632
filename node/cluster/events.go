package cluster

import "sync"

// Event is one line of the cluster's event log.
type Event struct {
	Seq  uint64 // 1, 2, 3, ... in log order
	Tick uint64 // the tick during which it happened (Now() at the time)
	// Kind: "election", "leader", "term", "snapshot-sent",
	// "snapshot-restored", "snapshot-saved", "lease" (from members);
	// "fault" (kills, restarts, crashes, network faults, leadership
	// transfer), "client" (a finished client call), "stress".
	Kind   string
	Member uint64 // 0 when the event concerns no single member
	Text   string // one human line
	// OK and LatencyTicks describe a finished client call ("client").
	OK           bool
	LatencyTicks uint64
}

// eventRing keeps the latest events in a circular buffer that grows up to
// its capacity. Invariant: the ring holds the n events with Seq in
// [next-n, next), the oldest at buf[head]; n == len(buf) <= cap.
type eventRing struct {
	mu   sync.Mutex
	cap  int
	buf  []Event
	head int
	next uint64
}

func newEventRing(capacity int) eventRing {
	return eventRing{cap: capacity, next: 1}
}

// emit appends e to the log, stamped with the next Seq and the current
// tick. Called with c.mu held.
func (c *Cluster) emit(e Event) {
	e.Tick = c.now
	r := &c.events
	r.mu.Lock()
	defer r.mu.Unlock()
	e.Seq = r.next
	r.next++
	if len(r.buf) < r.cap {
		r.buf = append(r.buf, e)
		return
	}
	r.buf[r.head] = e
	r.head = (r.head + 1) % len(r.buf)
}

// Events returns the retained events with Seq > after, oldest first. Events
// older than the ring's capacity are gone; Seq tells a poller how many it
// missed.
func (c *Cluster) Events(after uint64) []Event {
	r := &c.events
	r.mu.Lock()
	defer r.mu.Unlock()
	n := len(r.buf)
	first := r.next - uint64(n) // Seq of the oldest retained event
	skip := 0
	if after >= first {
		skip = int(min(after-first+1, uint64(n)))
	}
	out := make([]Event, 0, n-skip)
	for i := skip; i < n; i++ {
		out = append(out, r.buf[(r.head+i)%len(r.buf)])
	}
	return out
}
