package cluster

import (
	"errors"
	"fmt"
	mrand "math/rand/v2"

	"github.com/etcd-play/etcd-play/node"
	"github.com/etcd-play/etcd-play/node/lincheck"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// workload is the chaos runs' client load: a few logical clients, each with
// at most one call in flight, doing puts (with values unique in the run),
// linearizable gets and deletes on a small key space, recorded for the
// linearizability check. Clients call any member, down ones included, as
// real clients would.
type workload struct {
	rec     lincheck.Recorder
	clients []*chaosClient
	keys    []string
	values  int
	seed    int64
	// counters for the run's summary
	ok, failed int
}

type chaosClient struct {
	num  int
	call *Call // nil when idle
	id   int   // lincheck id of the call in flight
	op   lincheck.Op
	// lastErr is the error of the client's last finished call.
	lastErr error
	// backoff counts the ticks the client still waits after a failure.
	backoff int
}

// failureBackoff is how many ticks a client waits after a failed call
// before its next one, as a real client backs off instead of hammering a
// member that just refused it.
const failureBackoff = 5

func newWorkload(seed int64, clients, keys int) *workload {
	w := &workload{seed: seed}
	for i := range clients {
		w.clients = append(w.clients, &chaosClient{num: i})
	}
	for i := range keys {
		w.keys = append(w.keys, fmt.Sprintf("chaos/%d", i))
	}
	return w
}

// collect records the answers of calls that finished during the last
// tick, in client order (so the history is the same in every replay).
func (w *workload) collect() {
	for _, cl := range w.clients {
		if cl.call == nil {
			continue
		}
		select {
		case <-cl.call.Done():
		default:
			continue
		}
		res, err := cl.call.Result()
		w.record(cl, res, err)
		cl.call, cl.lastErr = nil, err
		if err != nil {
			cl.backoff = failureBackoff
		}
	}
}

// record reports a finished call to the recorder.
func (w *workload) record(cl *chaosClient, res Result, err error) {
	var out lincheck.Output
	if err == nil {
		switch cl.op.Kind {
		case lincheck.KindGet:
			if res.Range != nil && len(res.Range.KVs) > 0 {
				out = lincheck.Output{Value: string(res.Range.KVs[0].Value), Found: true}
			}
		case lincheck.KindDelete:
			if res.DeleteRange != nil {
				out.Deleted = res.DeleteRange.Deleted
			}
		}
		w.ok++
	} else {
		w.failed++
	}
	var e error
	if refused(err) {
		e = w.rec.Discard(cl.id)
	} else {
		e = w.rec.Return(cl.id, out, err, false)
	}
	if e != nil {
		panic(e) // the harness's own bookkeeping is broken
	}
}

// refused reports whether err means the call certainly had no effect: it
// never reached a live member, or the member refused it before proposing
// (it knew no leader, or raft dropped the proposal). Timeouts and
// ErrStopped are not refusals: the proposal may still commit.
func refused(err error) bool {
	return errors.Is(err, ErrMemberDown) || errors.Is(err, ErrNoMember) ||
		errors.Is(err, node.ErrNoLeader) || errors.Is(err, node.ErrLeaderTransfer)
}

// issue starts a call on each idle client with probability p.
func (w *workload) issue(c *Cluster, rng *mrand.Rand, p float64) {
	for _, cl := range w.clients {
		if cl.call != nil {
			continue
		}
		if cl.backoff > 0 {
			cl.backoff--
			continue
		}
		if rng.Float64() >= p {
			continue
		}
		key := w.keys[rng.IntN(len(w.keys))]
		member := uint64(1 + rng.IntN(len(c.Members())))
		var op lincheck.Op
		switch r := rng.IntN(10); {
		case r < 5:
			w.values++
			op = lincheck.Put(key, fmt.Sprintf("s%d-c%d-%d", w.seed, cl.num, w.values))
		case r < 9:
			op = lincheck.Get(key)
		default:
			op = lincheck.Delete(key)
		}
		w.start(c, cl, member, op)
	}
}

// start records the invocation, then sends the call.
func (w *workload) start(c *Cluster, cl *chaosClient, member uint64, op lincheck.Op) {
	cl.op = op
	cl.id = w.rec.Invoke(cl.num, op)
	cl.call = c.Do(member, clusterOp(op))
}

// idle reports whether no call is in flight.
func (w *workload) idle() bool {
	for _, cl := range w.clients {
		if cl.call != nil {
			return false
		}
	}
	return true
}

func clusterOp(op lincheck.Op) Op {
	switch op.Kind {
	case lincheck.KindPut:
		return Op{Put: &mvcc.PutRequest{Key: []byte(op.Key), Value: []byte(op.Value)}}
	case lincheck.KindDelete:
		return Op{DeleteRange: &mvcc.DeleteRangeRequest{Key: []byte(op.Key)}}
	default:
		return Op{Range: &mvcc.RangeRequest{Key: []byte(op.Key)}}
	}
}
