package local

import (
	"context"
	"github.com/etcd-play/etcd-play/app/engine"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// A durable engine that another tab took over (durableEngine.watchLock)
// is stopped for good: its disks are cut and its clock is paused. Every
// call on it then answers at once (never waiting for a tick that will not
// come): the calls that return an error return ErrStopped, requests in
// flight at the take-over end with it, a stress run reports itself
// finished, and Status shows every member down, so that no leader is
// shown as live.

// Stopped implements stoppable.
func (e *durableEngine) Stopped() error {
	select {
	case <-e.stopped:
		return engine.ErrStopped
	default:
		return nil
	}
}

// guard derives from ctx a context that also ends when the engine stops,
// and maps that end to ErrStopped (see result).
func (e *durableEngine) guard(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(e.stopCtx, cancel)
	return ctx, func() { stop(); cancel() }
}

// result replaces the error of a request that the take-over ended.
func (e *durableEngine) result(err error) error {
	if err != nil && e.Stopped() != nil {
		return engine.ErrStopped
	}
	return err
}

// The client calls go through Submit (submit.go), which answers
// ErrStopped at once on a stopped engine and for a call in flight at the
// take-over: one code path with the calls the protocol queues.

func (e *durableEngine) Put(ctx context.Context, member uint64, key, value []byte) (*mvcc.PutResponse, error) {
	p := e.Submit(&engine.Request{Op: engine.OpPut, Member: member, Key: key, Value: value})(ctx)
	return p.Put, p.Err
}

func (e *durableEngine) Get(ctx context.Context, member uint64, req mvcc.RangeRequest, serializable bool) (*mvcc.RangeResponse, error) {
	p := e.Submit(&engine.Request{Op: engine.OpGet, Member: member, Range: req, Serializable: serializable})(ctx)
	return p.Range, p.Err
}

func (e *durableEngine) Delete(ctx context.Context, member uint64, req mvcc.DeleteRangeRequest) (*mvcc.DeleteRangeResponse, error) {
	p := e.Submit(&engine.Request{Op: engine.OpDelete, Member: member, Delete: req})(ctx)
	return p.Delete, p.Err
}

func (e *durableEngine) Compact(ctx context.Context, member uint64, rev int64) (*mvcc.CompactResponse, error) {
	p := e.Submit(&engine.Request{Op: engine.OpCompact, Member: member, N: rev})(ctx)
	return p.Compact, p.Err
}

func (e *durableEngine) Kill(id uint64) error {
	if err := e.Stopped(); err != nil {
		return err
	}
	return e.clusterEngine.Kill(id)
}

func (e *durableEngine) Restart(id uint64) error {
	if err := e.Stopped(); err != nil {
		return err
	}
	return e.clusterEngine.Restart(id)
}

func (e *durableEngine) SetSettings(s engine.Settings) error {
	if err := e.Stopped(); err != nil {
		return err
	}
	return e.clusterEngine.SetSettings(s)
}

func (e *durableEngine) TransferLeadership(to uint64) error {
	if err := e.Stopped(); err != nil {
		return err
	}
	return e.clusterEngine.TransferLeadership(to)
}

// The controls without an error do nothing once stopped (act reports
// ErrStopped for them through stoppable).
func (e *durableEngine) KillAll() {
	if e.Stopped() == nil {
		e.clusterEngine.KillAll()
	}
}

func (e *durableEngine) RestartAll() {
	if e.Stopped() == nil {
		e.clusterEngine.RestartAll()
	}
}

func (e *durableEngine) Play() {
	if e.Stopped() == nil {
		e.clusterEngine.Play()
	}
}

func (e *durableEngine) Step() {
	if e.Stopped() == nil {
		e.clusterEngine.Step()
	}
}

// Paused: a stopped engine's clock is paused for good.
func (e *durableEngine) Paused() bool { return e.Stopped() != nil || e.clusterEngine.Paused() }

// Status shows every member down once stopped, with no leader.
func (e *durableEngine) Status() []engine.MemberView {
	ms := e.clusterEngine.Status()
	if e.Stopped() == nil {
		return ms
	}
	out := make([]engine.MemberView, len(ms))
	for i, m := range ms {
		m.State, m.Leader, m.Progress = "down", 0, nil
		out[i] = m
	}
	return out
}

// Stress: a run started on a stopped engine is finished at once, with
// nothing done; a run in flight at the take-over reports itself finished
// from then on.
func (e *durableEngine) Stress(cfg engine.StressConfig) engine.StressRun {
	if e.Stopped() != nil {
		return stoppedRun{total: cfg.Count}
	}
	return guardedRun{StressRun: e.clusterEngine.Stress(cfg), e: e}
}

type stoppedRun struct{ total int }

func (r stoppedRun) Progress() engine.StressProgress { return engine.StressProgress{Total: r.total} }
func (r stoppedRun) Stop()                           {}

type guardedRun struct {
	engine.StressRun
	e *durableEngine
}

func (r guardedRun) Progress() engine.StressProgress {
	p := r.StressRun.Progress()
	if r.e.Stopped() != nil {
		p.Running = false
	}
	return p
}

// The storage controls: a stopped tab must never touch the storage the
// other tab now owns (a reset here would delete its database).
func (e *durableEngine) KillPowerLoss(id uint64) error {
	if err := e.Stopped(); err != nil {
		return err
	}
	return e.Cluster.KillPowerLoss(id)
}

func (e *durableEngine) WipeMember(id uint64) error {
	if err := e.Stopped(); err != nil {
		return err
	}
	return e.Cluster.WipeMember(id)
}
