package local

import (
	"context"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/node"
)

// Call implements engine.Engine through Submit (OpCall), as the protocol's
// queued calls.
func (e *clusterEngine) Call(ctx context.Context, member uint64, op node.Op) (node.Result, error) {
	return callResult(e.Submit(&engine.Request{Op: engine.OpCall, Member: member, Call: op})(ctx))
}

// Call on a durable engine answers ErrStopped once another tab took it
// over (its Submit's guard).
func (e *durableEngine) Call(ctx context.Context, member uint64, op node.Op) (node.Result, error) {
	return callResult(e.Submit(&engine.Request{Op: engine.OpCall, Member: member, Call: op})(ctx))
}

func callResult(p *engine.Response) (node.Result, error) {
	if p.Err != nil || p.Result == nil {
		return node.Result{}, p.Err
	}
	return *p.Result, nil
}
