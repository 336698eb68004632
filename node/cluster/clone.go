package cluster

import (
	"errors"
	"fmt"
	"reflect"
	"sync/atomic"

	"github.com/etcd-play/etcd-play/node"
	"github.com/etcd-play/etcd-play/node/internal/deepcopy"
	"github.com/etcd-play/etcd-play/transport"
)

// Checkpoints: Clone copies a whole cluster between ticks, Restore puts a
// copy back (restore.go). The timeline keeps checkpoints and replays from
// the nearest one.
//
// The copy is package deepcopy's: every object reachable from the Cluster
// (members, raft's unexported state, stores, storages and the memory
// medium under them, the network and its messages in flight, stress runs,
// watches, calls, events) is copied once, with its aliasing kept. What is
// shared instead, because nobody writes it once made: entry and snapshot
// Data (node/clone.go), stored keys and values and the stores' value
// blocks (node/mvcc/clone.go), the memory medium's records
// (node/durable/clone.go), strings and error values. What is made
// again for the copy (closures over the cluster): Tick's worker loop and
// each member's callbacks (rewire). Config's NewStorage, OnApply and Yield
// are the caller's and are shared (NewStorage is only called by New).
//
// Preconditions, checked: no action but client calls (Do) is queued for
// the next tick (the others are closures, which cannot be copied; a queued
// call is data and is copied with the rest), and no member's storage is on
// a persistent medium (IndexedDB lives outside the process).
//
// Cost (BenchmarkClone, clone_bench_test.go): proportional to the objects
// the cluster holds, mostly the stores' key indexes; for the page's
// 5-member cluster after 20,000 puts to 1,000 keys, ~5 MB copied (plus
// ~1 MB shared) in 25-45 ms natively and 100-250 ms under js/wasm.

// ErrRewound answers the calls pending, and ends the watches and stress
// runs, of a cluster that Restore took back to an earlier state.
var ErrRewound = errors.New("cluster: the run was rewound to an earlier tick")

func init() {
	cfg := reflect.TypeFor[Config]()
	for _, f := range []string{"NewStorage", "OnApply", "Yield"} {
		deepcopy.Field(cfg, f, deepcopy.Share)
	}
	deepcopy.Field(reflect.TypeFor[Cluster](), "work", deepcopy.Zero)
	deepcopy.Field(reflect.TypeFor[Cluster](), "fullDisk", deepcopy.Zero) // fulldisk.go: a copy's down members refuse every call
	// The client log's full chunks never change: copies share them
	// (clientLog.clone, set by shareClientLog), and MemoryBytes leaves
	// them out (the log has its own bound, maxClientEvents).
	deepcopy.Field(reflect.TypeFor[clientLog](), "chunks", deepcopy.Zero)
	deepcopy.Field(reflect.TypeFor[Cluster](), "dropped", deepcopy.Zero) // empty (only calls queued) when copied
	// The network's test-only payload check (transport's sharedcheck.go)
	// holds payloads: shared like the messages' own (its types are
	// unexported, so they are reached from Network's).
	recs := fieldType(fieldType(reflect.TypeFor[transport.Network](), "check").Elem(), "recs")
	deepcopy.Field(recs.Key(), "p", deepcopy.Share)
	deepcopy.Field(fieldType(recs.Elem().Elem(), "payloadSum"), "data", deepcopy.Share)
}

// fieldType is the type of struct t's field name; it panics naming it if
// there is none (a renamed field must fail loudly, at init).
func fieldType(t reflect.Type, name string) reflect.Type {
	f, ok := t.FieldByName(name)
	if !ok {
		panic(fmt.Sprintf("cluster: %v has no field %s (clone.go's copy rules)", t, name))
	}
	return f.Type
}

// serials numbers watches and stress runs, process-wide, so that a
// watch's copies (same serial) are told apart from every other watch, in
// any branch of a run (restore.go).
var serials atomic.Uint64

func newSerial() uint64 { return serials.Add(1) }

// Clone returns an independent deep copy of c, taken between Ticks: ticking
// c and the copy with the same actions from then on gives identical runs
// (events, statuses, hashes, answers), and neither affects the other. It
// fails if actions other than calls are queued for the next tick or a
// member's storage is persistent (IndexedDB). The copy's pending and queued
// calls, watches and stress runs are copies too: they run on in the copy,
// and the handles held on c's keep following c.
func (c *Cluster) Clone() (*Cluster, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.qmu.Lock()
	defer c.qmu.Unlock()
	if err := c.cloneable(); err != nil {
		return nil, err
	}
	unlock := c.lockHandles()
	cp := deepcopy.New()
	v, err := cp.Copy(c)
	unlock()
	if err != nil {
		return nil, fmt.Errorf("cluster: clone: %w", err)
	}
	n := v.(*Cluster)
	n.shareClientLog(c)
	n.rewire()
	return n, nil
}

// cloneable checks Clone's preconditions. Called with c.mu and c.qmu held.
func (c *Cluster) cloneable() error {
	queued := 0
	for i := range c.queue {
		if c.queue[i].f != nil {
			queued++
		}
	}
	if queued > 0 {
		return fmt.Errorf("cluster: cannot copy the cluster with %d actions other than calls queued for the next tick (copy between ticks, before acting)", queued)
	}
	for _, id := range c.ids {
		if d, ok := c.storages[id].(*disk); ok && d.db.Persistent() {
			return fmt.Errorf("cluster: cannot copy member %d's storage: it is on a persistent medium (IndexedDB), outside the process", id)
		}
	}
	return nil
}

// rewire makes the closures a copy cannot hold: Tick's worker loop and
// every running member's callbacks, over c.
func (c *Cluster) rewire() {
	c.setWork()
	for _, id := range c.ids {
		if m := c.members[id]; m != nil {
			var mc node.Config
			c.callbacks(id, &mc)
			m.SetCallbacks(mc)
		}
	}
}

// MemoryBytes estimates the bytes a Clone of c holds (for bounding
// checkpoints): the objects a copy allocates, plus the immutable bytes it
// shares with c (entry data, stored values), which it keeps alive once c
// has dropped them. It walks c as Clone does, without copying.
func (c *Cluster) MemoryBytes() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.qmu.Lock()
	defer c.qmu.Unlock()
	defer c.lockHandles()()
	cp := deepcopy.New()
	_ = cp.Scan(c) // an uncopyable part only stops the count early
	return cp.Bytes + cp.SharedBytes
}

// cloneStats is MemoryBytes in its two parts (for the benchmark).
type cloneStats struct{ bytes, shared int64 }

func deepcopyStats(c *Cluster) cloneStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.qmu.Lock()
	defer c.qmu.Unlock()
	defer c.lockHandles()()
	cp := deepcopy.New()
	_ = cp.Scan(c)
	return cloneStats{cp.Bytes, cp.SharedBytes}
}

// lockHandles locks what other goroutines may change between ticks while
// a copy reads it (a client's Take or Cancel of a watch, its Done of a
// pending call, a power loss cutting a disk), and returns the unlock.
// Called with c.mu and c.qmu held; the copy reads everything else under
// them.
func (c *Cluster) lockHandles() func() {
	var unlock []func()
	lock := func(mu interface {
		Lock()
		Unlock()
	}) {
		mu.Lock()
		unlock = append(unlock, mu.Unlock)
	}
	for _, id := range c.ids {
		if m := c.members[id]; m != nil {
			m.PendingCalls(func(a node.Answerer) {
				if call, ok := a.(*answerer); ok {
					lock(&call.mu)
				}
			})
		}
		if d, ok := c.storages[id].(*disk); ok {
			lock(&d.mu)
		}
	}
	for _, w := range c.watches {
		lock(&w.mu)
	}
	for i := range c.queue { // with c.qmu held
		lock(&c.queue[i].call.mu)
	}
	return func() {
		for _, f := range unlock {
			f()
		}
	}
}
