package cluster

import (
	"fmt"
	mrand "math/rand/v2"
	"sync"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// StressConfig describes a load of puts.
//
// Key number n names the key stressKey(n): "stress/" and n zero-padded to
// five digits, so keys stress/00000 .. stress/99999 sort by number (larger
// numbers are wider, still distinct).
type StressConfig struct {
	Member    uint64 // 0: round robin over the members live at each put
	Rate      int    // puts issued per tick (default 10)
	Count     int    // total puts (default 1000)
	Keys      int    // random runs: key numbers [0, Keys) (default 100)
	ValueSize int    // bytes per value (default 16)

	// Sequential makes put i of the run (0-based, in issue order) write key
	// number Start+i, so a run of Count puts fills Count distinct keys; Keys
	// is then ignored. Otherwise each put picks a random key number.
	Sequential bool
	Start      int // first key number of a sequential run (negative: 0)
}

// StressProgress reports a run. Latencies are in ticks, over finished puts.
type StressProgress struct {
	Total, Done, OK, Failed int
	P50, P99                uint64
	Running                 bool
}

// StressRun is a load started by Stress. It starts at the next tick.
type StressRun struct {
	c   *Cluster
	cfg StressConfig
	seq int
	rng *mrand.PCG

	// Written with c.mu held during Tick; read by Progress under mu.
	mu        sync.Mutex
	issued    int
	inflight  int
	ok        int
	failed    int
	latencies latencyCounts
	stopped   bool
	logged    bool   // the finish event was emitted
	next      int    // round-robin cursor
	pattern   []byte // 'a' + i%26 for i < ValueSize+26: every put's value is a window of it (stressPut)
}

// Stress starts a load run at the next tick: Rate puts per tick until Count
// were issued, to random keys (from a source seeded by the cluster seed and
// the run's number) or, when cfg.Sequential, to keys Start, Start+1, ...,
// with deterministic values.
func (c *Cluster) Stress(cfg StressConfig) *StressRun {
	if cfg.Rate <= 0 {
		cfg.Rate = 10
	}
	if cfg.Count <= 0 {
		cfg.Count = 1000
	}
	if cfg.Keys <= 0 {
		cfg.Keys = 100
	}
	if cfg.ValueSize <= 0 {
		cfg.ValueSize = 16
	}
	cfg.Start = max(cfg.Start, 0)
	run := &StressRun{c: c, cfg: cfg}
	c.enqueue(func() {
		c.stressRuns++
		run.seq = c.stressRuns
		run.rng = mrand.NewPCG(uint64(c.cfg.Seed), uint64(run.seq))
		c.stress = append(c.stress, run)
		keys := fmt.Sprintf("over %d keys", cfg.Keys)
		if cfg.Sequential {
			keys = fmt.Sprintf("to keys %s .. %s", stressKey(cfg.Start), stressKey(cfg.Start+cfg.Count-1))
		}
		c.emit(Event{Kind: "stress", Member: cfg.Member, Text: fmt.Sprintf(
			"stress run %d: %d puts at %d per tick %s, %d-byte values",
			run.seq, cfg.Count, cfg.Rate, keys, cfg.ValueSize)})
	})
	return run
}

// Stop stops issuing puts at the next tick; puts in flight still finish.
func (r *StressRun) Stop() {
	r.c.enqueue(func() {
		r.mu.Lock()
		r.stopped = true
		r.mu.Unlock()
		r.c.stressFinished(r)
	})
}

// Progress reports the run so far.
func (r *StressRun) Progress() StressProgress {
	r.mu.Lock()
	defer r.mu.Unlock()
	p := StressProgress{
		Total: r.cfg.Count, Done: r.ok + r.failed, OK: r.ok, Failed: r.failed,
		Running: r.inflight > 0 || (!r.stopped && r.issued < r.cfg.Count),
	}
	p.P50, p.P99 = r.latencies.percentile(50), r.latencies.percentile(99)
	return p
}

// stressTick issues this tick's puts for every active run, in run order.
// Called with c.mu held.
func (c *Cluster) stressTick() {
	active := c.stress[:0]
	for _, r := range c.stress {
		r.mu.Lock()
		n := 0
		if !r.stopped {
			n = min(r.cfg.Rate, r.cfg.Count-r.issued)
		}
		first := r.issued
		r.issued += n
		r.inflight += n
		r.mu.Unlock()
		for i := 0; i < n; i++ {
			c.stressPut(r, first+i)
		}
		if !c.stressFinished(r) {
			active = append(active, r)
		}
	}
	clear(c.stress[len(active):])
	c.stress = active
}

// stressFinished logs the run's end once, when nothing is left to issue or
// to answer, and reports whether it ended. Called with c.mu held.
func (c *Cluster) stressFinished(r *StressRun) bool {
	r.mu.Lock()
	end := r.inflight == 0 && (r.stopped || r.issued == r.cfg.Count)
	logged := r.logged
	r.logged = r.logged || end
	r.mu.Unlock()
	if end && !logged {
		p := r.Progress()
		c.emit(Event{Kind: "stress", OK: p.Failed == 0, Text: fmt.Sprintf(
			"stress run %d finished: %d ok, %d failed, p50 %d ticks, p99 %d ticks",
			r.seq, p.OK, p.Failed, p.P50, p.P99)})
	}
	return end
}

// stressKey names key number n (see StressConfig).
func stressKey(n int) string { return fmt.Sprintf("stress/%05d", n) }

// stressPut issues put number put of r (0-based). Called with c.mu held,
// in issue order.
func (c *Cluster) stressPut(r *StressRun, put int) {
	var key string
	if r.cfg.Sequential {
		key = stressKey(r.cfg.Start + put)
	} else {
		key = stressKey(int(r.rng.Uint64() % uint64(r.cfg.Keys)))
	}
	// The value's byte i is 'a' + (r.issued+i)%26: a window of the run's
	// pattern, which is written once and only read after (the member
	// copies the value into its entry, node.encodePut).
	if len(r.pattern) != r.cfg.ValueSize+26 {
		r.pattern = make([]byte, r.cfg.ValueSize+26)
		for i := range r.pattern {
			r.pattern[i] = 'a' + byte(i%26)
		}
	}
	off := r.issued % 26
	value := r.pattern[off : off+r.cfg.ValueSize : off+r.cfg.ValueSize]
	member := r.cfg.Member
	if member == 0 {
		member = c.ids[r.next%len(c.ids)]
		for range c.ids {
			if c.members[member] != nil {
				break
			}
			r.next++
			member = c.ids[r.next%len(c.ids)]
		}
		r.next++
	}
	call := &Call{member: member, op: Op{Put: &mvcc.PutRequest{Key: []byte(key), Value: value}},
		quiet: true, done: make(chan struct{})}
	call.onDone = func(call *Call) {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.inflight--
		if call.err == nil {
			r.ok++
		} else {
			r.failed++
		}
		r.latencies.add(call.finished - call.submitted)
	}
	call.after = func() { c.stressFinished(r) }
	c.submit(call)
}
