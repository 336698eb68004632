package local

import (
	"context"
	"sync"
	"time"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/node/cluster"
)

var _ engine.Checker = (*clusterEngine)(nil)

// CheckTimeout bounds one check's search in wall time: a history that
// takes longer gets an unknown verdict (engine.LinVerdictView.Unknown).
const CheckTimeout = 10 * time.Second

// checks is the engine's linearizability checks: the latest one's verdict
// (Running while it runs) and the automatic check a stress run's end
// started, which the next one cancels.
type checks struct {
	mu     sync.Mutex
	seq    uint64
	last   *engine.LinVerdictView // replaced, never changed
	cancel context.CancelFunc     // the running automatic check's
}

// CheckHistory implements engine.Checker: the client history is copied
// under the cluster's lock (ClientHistory), then checked on the calling
// goroutine without it, handing the thread back between batches of keys
// as a tick does between members (yieldLongTask), so the driver ticks on.
func (e *clusterEngine) CheckHistory(ctx context.Context) (engine.LinVerdictView, error) {
	return e.check(ctx, false)
}

// LastVerdict implements engine.Checker.
func (e *clusterEngine) LastVerdict() (engine.LinVerdictView, bool) {
	e.checks.mu.Lock()
	defer e.checks.mu.Unlock()
	if e.checks.last == nil {
		return engine.LinVerdictView{}, false
	}
	return *e.checks.last, true
}

// autoCheck checks the history in the background after a stress run
// ended, cancelling the automatic check still running, if any.
func (e *clusterEngine) autoCheck() {
	ctx, cancel := context.WithCancel(context.Background())
	e.checks.mu.Lock()
	if e.checks.cancel != nil {
		e.checks.cancel()
	}
	e.checks.cancel = cancel
	e.checks.mu.Unlock()
	go func() {
		defer cancel()
		_, _ = e.check(ctx, true) // its verdict (or error) is LastVerdict's
	}()
}

func (e *clusterEngine) check(ctx context.Context, auto bool) (engine.LinVerdictView, error) {
	tick := e.Cluster.Now()
	h := e.Cluster.ClientHistory()
	e.checks.mu.Lock()
	e.checks.seq++
	v := engine.LinVerdictView{Seq: e.checks.seq, Auto: auto, Tick: tick}
	running := v
	running.Running = true
	e.checks.last = &running
	e.checks.mu.Unlock()

	if n := h.Ops(); auto && n > engine.AutoCheckMaxOps {
		v.Skipped, v.Ops = true, n
		e.finish(&v)
		return v, nil
	}
	start := time.Now()
	res, err := h.Check(ctx, CheckTimeout, yieldLongTask)
	v.Elapsed = time.Since(start)
	if err != nil {
		v.Err = err.Error()
	} else {
		fillVerdict(&v, res)
	}
	e.finish(&v)
	return v, err
}

// finish makes v the latest verdict unless a newer check started.
func (e *clusterEngine) finish(v *engine.LinVerdictView) {
	e.checks.mu.Lock()
	defer e.checks.mu.Unlock()
	if e.checks.last.Seq == v.Seq {
		e.checks.last = v
	}
}

func fillVerdict(v *engine.LinVerdictView, r cluster.LinVerdict) {
	v.OK, v.Unknown = r.OK, r.Unknown
	v.Ops, v.Keys, v.Dropped, v.SkippedOps, v.SkippedKeys = r.Ops, r.Keys, r.Dropped, r.SkippedOps, r.SkippedKeys
	v.Key, v.Explanation, v.OtherReads = r.Key, r.Explanation, r.OtherReads
	for _, o := range r.Failing {
		v.Failing = append(v.Failing, engine.LinOpView{Member: o.Member, InvokeTick: o.InvokeTick, AnswerTick: o.AnswerTick,
			Pending: o.Pending, Kind: o.Kind, Key: o.Key, Value: o.Value, Answer: o.Answer, Stale: o.Stale})
	}
}
