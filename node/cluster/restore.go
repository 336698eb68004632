package cluster

import (
	"errors"
	"fmt"
	"unsafe"

	"github.com/etcd-play/etcd-play/node"
	"github.com/etcd-play/etcd-play/node/internal/deepcopy"
)

// Restore replaces c's whole state, in place (same *Cluster pointer, so
// handles and drivers stay valid), with a deep copy of from's (from is left
// unchanged and may be restored again). Watches and stress runs that c had
// and from does not are ended (their Take reports ErrRewound, their Err
// returns it); calls pending in c are answered ErrRewound.
//
// A watch or stress run of c that from has too (from is a checkpoint taken
// from c, or from a cluster c was restored from, while it ran) keeps its
// handle: the handle takes the state from has, and runs on from there.
// Actions queued in c for the next tick are dropped (their calls answered
// ErrRewound), and from's queued calls (copies) are queued instead. from
// must be copyable (see Clone); on error c is unchanged.
func (c *Cluster) Restore(from *Cluster) error { return c.restore(from, false) }

// RestoreHeld is Restore that also starts a hold (hold.go) at the same
// instant, under the queue's lock: no outside action can reach the
// restored cluster's queue between the two. It returns the function that
// ends the hold; on error c is unchanged and nothing is held.
func (c *Cluster) RestoreHeld(from *Cluster) (release func(), err error) {
	if err := c.restore(from, true); err != nil {
		return nil, err
	}
	return c.unhold, nil
}

func (c *Cluster) restore(from *Cluster, hold bool) error {
	if from == nil || from == c {
		return errors.New("cluster: restore needs another cluster to restore from")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	from.mu.Lock()
	defer from.mu.Unlock()
	from.qmu.Lock()
	defer from.qmu.Unlock()
	if err := from.cloneable(); err != nil {
		return err
	}
	defer from.lockHandles()()
	if len(from.ids) != len(c.ids) {
		return fmt.Errorf("cluster: cannot restore a %d-member cluster from a %d-member one", len(c.ids), len(from.ids))
	}
	cp := deepcopy.New()
	cp.Map(unsafe.Pointer(from), unsafe.Pointer(c))
	watches := map[uint64]*Watch{}
	for _, w := range c.watches {
		watches[w.serial] = w
	}
	keptWatches := map[*Watch]*Watch{} // c's handle -> from's watch
	for _, w := range from.watches {
		if h := watches[w.serial]; h != nil {
			cp.Map(unsafe.Pointer(w), unsafe.Pointer(h))
			keptWatches[h] = w
		}
	}
	runs := map[uint64]*StressRun{}
	for _, r := range c.stress {
		runs[r.serial] = r
	}
	keptRuns := map[*StressRun]*StressRun{}
	for _, r := range from.stress {
		if h := runs[r.serial]; h != nil {
			cp.Map(unsafe.Pointer(r), unsafe.Pointer(h))
			keptRuns[h] = r
		}
	}
	v, err := cp.Copy(from)
	if err != nil {
		return fmt.Errorf("cluster: restore: %w", err)
	}
	n := v.(*Cluster)

	c.rewind(keptWatches, keptRuns)
	c.qmu.Lock()
	for _, f := range c.dropped {
		f()
	}
	c.qmu.Unlock()
	for h, w := range keptWatches {
		nw := (*Watch)(cp.Copied(unsafe.Pointer(w)))
		h.mu.Lock()
		deepcopy.Move(h, nw, "mu", "notify") // the client may be waiting on notify
		h.mu.Unlock()
		h.wake()
	}
	for h, r := range keptRuns {
		nr := (*StressRun)(cp.Copied(unsafe.Pointer(r)))
		h.mu.Lock()
		deepcopy.Move(h, nr, "mu")
		h.mu.Unlock()
	}
	c.qmu.Lock()
	for i := range c.queue {
		if call := c.queue[i].call; call != nil {
			c.rewound(call)
		}
	}

	deepcopy.Move(c, n, "mu", "qmu")
	c.holding = c.holding || hold
	c.shareClientLog(from)
	c.qmu.Unlock()
	c.rewire()
	return nil
}

// rewind ends what c's current state had in flight before Restore
// replaces it: pending calls are answered ErrRewound, watches and stress
// runs not kept end with it. Called with c.mu held.
func (c *Cluster) rewind(keptWatches map[*Watch]*Watch, keptRuns map[*StressRun]*StressRun) {
	for _, id := range c.ids {
		if m := c.members[id]; m != nil {
			m.PendingCalls(func(a node.Answerer) {
				if call, ok := a.(*answerer); ok {
					c.rewound((*Call)(call))
				}
			})
		}
	}
	for _, w := range c.watches {
		if keptWatches[w] == nil {
			w.end(ErrRewound)
		}
	}
	for _, r := range c.stress {
		if keptRuns[r] == nil {
			r.rewind()
		}
	}
}

// rewound answers a pending call of c's old state with ErrRewound, without
// any of answer's effects on the state (which Restore replaces).
func (c *Cluster) rewound(call *Call) {
	if call.answered.Load() {
		return
	}
	call.res, call.err, call.finished = Result{}, ErrRewound, c.now
	call.markAnswered()
}

// enqueueDroppable queues f as enqueue does, and drop to run instead if
// Restore drops f from the queue (drop ends the handle f would start).
func (c *Cluster) enqueueDroppable(f, drop func()) {
	c.qmu.Lock()
	c.push(action{f: f}, drop)
	c.qmu.Unlock()
}
