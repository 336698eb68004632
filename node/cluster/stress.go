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

	// MaxRate issues puts as fast as the cluster answers them: at each
	// tick the run tops every member it puts through (Member, or every
	// live member in round robin) up to Outstanding puts in flight, so the
	// members' pipelines stay full and nothing queues without bound. Rate
	// is then ignored.
	MaxRate     bool
	Outstanding int // MaxRate: puts in flight per member (default DefaultOutstanding)
}

// DefaultOutstanding is a MaxRate run's default window of puts in flight
// per member. Chosen with BenchmarkStressMaxRate (stress_bench_test.go):
// in the js/wasm model (members' rounds one after the other, under Node)
// puts per second rose from 20k (window 4) to 47k (64) and only to 51-56k
// at 128 and 256, while a tick's work (which the page's thread cannot
// interrupt) grows with the window: a put's latency stays 4 ticks, so
// puts per tick are about 1.1 x 5 x the window.
const DefaultOutstanding = 64

// StressProgress reports a run. Latencies are in ticks, over finished puts:
// the percentiles Pn are the latency at index (Done-1)*n/100 of the sorted
// latencies (P999: 99.9%).
type StressProgress struct {
	Total, Done, OK, Failed int
	P50, P99                uint64
	Running                 bool

	P10, P25, P75, P90, P95, P999 uint64
	Min, Max                      uint64
	Mean, Stddev                  float64 // population standard deviation
	// Hist counts the latencies in buckets ending at 0, 1, 2, 4, 8, ...
	// ticks (LatencyBuckets, LatencyBucketUpTo).
	Hist [LatencyBuckets]int
	// StartTick is the tick the run issued its first puts at (the
	// cluster's Now() then); EndTick the tick its latest put was answered
	// at (0 before any). EndTick-StartTick is the run's length in ticks.
	StartTick, EndTick uint64
}

// StressRun is a load started by Stress. It starts at the next tick.
type StressRun struct {
	c   *Cluster
	cfg StressConfig
	seq int // the run's number (Number), set before Stress returns
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
	startTick uint64
	endTick   uint64
	// MaxRate runs: puts in flight per member, and this tick's choice of
	// members (reused).
	inflightAt map[uint64]int
	targets    []uint64
	room       []int

	// serial identifies the run across checkpoints; rewound is
	// ErrRewound once a Restore dropped the run (restore.go).
	serial  uint64
	rewound error
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
	if cfg.MaxRate && cfg.Outstanding <= 0 {
		cfg.Outstanding = DefaultOutstanding
	}
	cfg.Start = max(cfg.Start, 0)
	run := &StressRun{c: c, cfg: cfg, serial: newSerial()}
	if cfg.MaxRate {
		run.inflightAt = make(map[uint64]int)
	}
	rec := cfg
	c.qmu.Lock()
	defer c.qmu.Unlock()
	c.stressByNum = append(c.stressByNum, run)
	run.seq = len(c.stressByNum)
	c.push(action{rec: Action{Kind: KindStress, ID: uint64(run.seq), Stress: &rec}, f: func() {
		run.rng = mrand.NewPCG(uint64(c.cfg.Seed), uint64(run.seq))
		run.mu.Lock()
		run.startTick = c.now
		run.mu.Unlock()
		c.stress = append(c.stress, run)
		keys := fmt.Sprintf("over %d keys", cfg.Keys)
		if cfg.Sequential {
			keys = fmt.Sprintf("to keys %s .. %s", stressKey(cfg.Start), stressKey(cfg.Start+cfg.Count-1))
		}
		rate := fmt.Sprintf("at %d per tick", cfg.Rate)
		if cfg.MaxRate {
			rate = fmt.Sprintf("at full speed (%d in flight per member)", cfg.Outstanding)
		}
		c.emit(Event{Kind: "stress", Member: cfg.Member, Text: fmt.Sprintf(
			"stress run %d: %d puts %s %s, %d-byte values",
			run.seq, cfg.Count, rate, keys, cfg.ValueSize)})
	}}, run.rewind)
	return run
}

// Number returns the run's number: 1 for the cluster's first Stress, 2 for
// the next, ... (the stress-stop action names the run by it).
func (r *StressRun) Number() uint64 { return uint64(r.seq) }

// Stop stops issuing puts at the next tick; puts in flight still finish.
func (r *StressRun) Stop() {
	r.c.enqueue(Action{Kind: KindStressStop, ID: uint64(r.seq)}, func() {
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
	l := &r.latencies
	p.P10, p.P25, p.P50, p.P75 = l.permille(100), l.permille(250), l.permille(500), l.permille(750)
	p.P90, p.P95, p.P99, p.P999 = l.permille(900), l.permille(950), l.permille(990), l.permille(999)
	st := l.stats()
	p.Min, p.Max, p.Mean, p.Stddev, p.Hist = st.min, st.max, st.mean, st.stddev, st.hist
	p.StartTick, p.EndTick = r.startTick, r.endTick
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
			if r.cfg.MaxRate {
				n = c.stressFill(r)
			}
		}
		first := r.issued
		r.issued += n
		r.inflight += n
		r.mu.Unlock()
		for i := 0; i < n; i++ {
			member := r.cfg.Member
			if r.cfg.MaxRate {
				member = r.targets[i]
			} else if member == 0 {
				member = c.stressNext(r)
			}
			c.stressPut(r, first+i, member)
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
	end := r.ended()
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

// ended reports whether r has nothing left to issue or to answer. r.mu
// held.
func (r *StressRun) ended() bool {
	return r.inflight == 0 && (r.stopped || r.issued == r.cfg.Count)
}

// stressKey names key number n (see StressConfig).
func stressKey(n int) string { return fmt.Sprintf("stress/%05d", n) }

// stressNext returns the next live member in r's round robin (or the
// member at its cursor when none is live). Called with c.mu held.
func (c *Cluster) stressNext(r *StressRun) uint64 {
	member := c.ids[r.next%len(c.ids)]
	for range c.ids {
		if c.members[member] != nil {
			break
		}
		r.next++
		member = c.ids[r.next%len(c.ids)]
	}
	r.next++
	return member
}

// stressFill chooses the members of a MaxRate run's puts this tick, into
// r.targets, and returns how many: round robin over the members it puts
// through (r.cfg.Member, or every live member), skipping a member once it
// has Outstanding puts in flight, until none has room or the run issued
// Count. A tick issues at most Outstanding puts per member, even when
// they fail at once (a down member, or every member when none is live).
// Called with c.mu and r.mu held.
func (c *Cluster) stressFill(r *StressRun) int {
	ids := c.ids
	if r.cfg.Member != 0 {
		ids = []uint64{r.cfg.Member}
	}
	// With no member live, every member is a target: its puts fail at
	// once, as a fixed-rate run's do, so the run ends rather than waits.
	anyLive := r.cfg.Member != 0
	for _, id := range ids {
		anyLive = anyLive || c.members[id] != nil
	}
	room := r.room[:0]
	total := 0
	for i, id := range ids {
		room = append(room, 0)
		if !anyLive || r.cfg.Member != 0 || c.members[id] != nil {
			room[i] = max(0, r.cfg.Outstanding-r.inflightAt[id])
			total += room[i]
		}
	}
	want := min(total, r.cfg.Count-r.issued)
	r.targets = r.targets[:0]
	for len(r.targets) < want {
		i := r.next % len(ids)
		r.next++
		if room[i] > 0 {
			room[i]--
			r.targets = append(r.targets, ids[i])
		}
	}
	r.room = room
	return want
}

// stressPut issues put number put of r (0-based) through member. Called
// with c.mu held, in issue order.
func (c *Cluster) stressPut(r *StressRun, put int, member uint64) {
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
	if r.inflightAt != nil {
		r.mu.Lock()
		r.inflightAt[member]++
		r.mu.Unlock()
	}
	call := &Call{member: member, op: Op{Put: &mvcc.PutRequest{Key: []byte(key), Value: value}},
		quiet: true, done: make(chan struct{})}
	call.run = r
	c.submit(call)
}

// putDone counts an answered put of r. Called by answer with c.mu held,
// before the call's done closes.
func (r *StressRun) putDone(call *Call) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.inflight--
	if r.inflightAt != nil {
		r.inflightAt[call.member]--
	}
	r.endTick = max(r.endTick, call.finished)
	if call.err == nil {
		r.ok++
	} else {
		r.failed++
	}
	r.latencies.add(call.finished - call.submitted)
}

// Err returns ErrRewound once a Restore dropped the run (restore.go): it
// then stays as it was, not Running. Nil otherwise.
func (r *StressRun) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.rewound
}

// rewind ends r with ErrRewound: Restore dropped it (restore.go).
func (r *StressRun) rewind() {
	r.mu.Lock()
	r.stopped, r.inflight, r.rewound = true, 0, ErrRewound
	r.mu.Unlock()
}

// MaxRateRunning reports whether a MaxRate stress run is in progress (a
// benchmark: as fast as it goes). The engine defers its background
// work meanwhile (the timeline's catch-up replay).
func (c *Cluster) MaxRateRunning() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range c.stress {
		r.mu.Lock()
		on := r.cfg.MaxRate && !r.ended()
		r.mu.Unlock()
		if on {
			return true
		}
	}
	return false
}
