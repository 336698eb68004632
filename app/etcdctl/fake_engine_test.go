package etcdctl

import (
	"context"
	"errors"
	"fmt"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/node"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// fakeEngine records the client calls the emulator makes and answers reads
// from a fixed response. Only the methods etcdctl calls are implemented; the
// embedded nil Engine makes any other call panic, so a test notices.
type fakeEngine struct {
	engine.Engine
	members []engine.MemberView
	calls   []string
	lastGet mvcc.RangeRequest
	serial  bool
	member  uint64
	getResp *mvcc.RangeResponse
	err     error

	callResp node.Result // Call's answer to the requests without a method here
	lastOp   node.Op
}

func (f *fakeEngine) rec(s string) { f.calls = append(f.calls, s) }

func (f *fakeEngine) Status() []engine.MemberView { return f.members }

func (f *fakeEngine) Put(_ context.Context, member uint64, key, value []byte) (*mvcc.PutResponse, error) {
	f.member = member
	f.rec("put " + string(key) + "=" + string(value))
	if f.err != nil {
		return nil, f.err
	}
	return &mvcc.PutResponse{}, nil
}

func (f *fakeEngine) Get(_ context.Context, member uint64, req mvcc.RangeRequest, serializable bool) (*mvcc.RangeResponse, error) {
	f.member, f.lastGet, f.serial = member, req, serializable
	if f.err != nil {
		return nil, f.err
	}
	return f.getResp, nil
}

func (f *fakeEngine) Delete(_ context.Context, member uint64, req mvcc.DeleteRangeRequest) (*mvcc.DeleteRangeResponse, error) {
	f.member = member
	f.rec("del " + string(req.Key) + ".." + string(req.End))
	return &mvcc.DeleteRangeResponse{Deleted: 3}, f.err
}

func (f *fakeEngine) Compact(_ context.Context, member uint64, rev int64) (*mvcc.CompactResponse, error) {
	f.member = member
	f.rec(fmt.Sprintf("compact %d", rev))
	return &mvcc.CompactResponse{}, f.err
}

var errFake = errors.New("etcdserver: no leader")

// Members lists the fake's member IDs.
func (f *fakeEngine) Members() []uint64 {
	var ids []uint64
	for _, m := range f.members {
		ids = append(ids, m.ID)
	}
	return ids
}

// Call answers the request kinds above through their methods, and any
// other from callResp (recording its kind).
func (f *fakeEngine) Call(ctx context.Context, member uint64, op node.Op) (node.Result, error) {
	switch {
	case op.Put != nil:
		if op.Put.Lease != 0 || op.Put.PrevKV {
			f.rec(fmt.Sprintf("put %s=%s lease %x prev-kv %v", op.Put.Key, op.Put.Value, op.Put.Lease, op.Put.PrevKV))
		}
		r, err := f.Put(ctx, member, op.Put.Key, op.Put.Value)
		return node.Result{Put: r}, err
	case op.Range != nil:
		r, err := f.Get(ctx, member, *op.Range, op.Serializable)
		return node.Result{Range: r}, err
	case op.DeleteRange != nil:
		r, err := f.Delete(ctx, member, *op.DeleteRange)
		return node.Result{DeleteRange: r}, err
	case op.Compact != 0:
		r, err := f.Compact(ctx, member, op.Compact)
		return node.Result{Compact: r}, err
	}
	f.member = member
	f.rec(op.Kind())
	f.lastOp = op
	return f.callResp, f.err
}
