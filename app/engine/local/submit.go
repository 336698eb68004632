package local

import (
	"context"
	"fmt"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/node/cluster"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

var (
	_ engine.Submitter = (*clusterEngine)(nil)
	_ engine.Submitter = (*durableEngine)(nil)
)

// Submit implements engine.Submitter: the call is queued on the cluster
// (Cluster.Do) before Submit returns.
func (e *clusterEngine) Submit(q *engine.Request) func(context.Context) *engine.Response {
	var op cluster.Op
	switch q.Op {
	case engine.OpPut:
		op.Put = &mvcc.PutRequest{Key: q.Key, Value: q.Value}
	case engine.OpGet:
		r := q.Range
		op.Range, op.Serializable = &r, q.Serializable
	case engine.OpDelete:
		d := q.Delete
		op.DeleteRange = &d
	case engine.OpCompact:
		op.Compact = q.N
	case engine.OpCall:
		op = q.Call
	default:
		err := fmt.Errorf("engine: %d is not a client call", q.Op)
		return func(context.Context) *engine.Response { return &engine.Response{Err: err} }
	}
	call := e.Cluster.Do(q.Member, op)
	return func(ctx context.Context) *engine.Response {
		select {
		case <-call.Done():
		case <-ctx.Done():
			return &engine.Response{Err: ctx.Err()}
		}
		res, err := call.Result()
		if err != nil {
			return &engine.Response{Err: err}
		}
		if q.Op == engine.OpCall {
			return &engine.Response{Result: &res}
		}
		return &engine.Response{Put: res.Put, Range: res.Range, Delete: res.DeleteRange, Compact: res.Compact}
	}
}

// Submit implements engine.Submitter as the stopped engine's other calls
// do: ErrStopped at once once another tab took the cluster over, and for
// a call in flight at the take-over.
func (e *durableEngine) Submit(q *engine.Request) func(context.Context) *engine.Response {
	if err := e.Stopped(); err != nil {
		return func(context.Context) *engine.Response { return &engine.Response{Err: err} }
	}
	wait := e.clusterEngine.Submit(q)
	return func(ctx context.Context) *engine.Response {
		ctx, done := e.guard(ctx)
		defer done()
		p := wait(ctx)
		p.Err = e.result(p.Err)
		return p
	}
}
