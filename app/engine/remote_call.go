package engine

import (
	"context"

	"github.com/etcd-play/etcd-play/node"
)

// Call sends op as an OpCall and waits for its result.
func (r *remote) Call(ctx context.Context, member uint64, op node.Op) (node.Result, error) {
	p, err := r.c.call(ctx, &Request{Op: OpCall, Member: member, Call: op})
	if err != nil {
		return node.Result{}, err
	}
	if p.Result == nil {
		return node.Result{}, nil
	}
	return *p.Result, nil
}
