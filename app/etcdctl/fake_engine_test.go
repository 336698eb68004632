package etcdctl

import (
	"context"
	"errors"
	"fmt"

	"github.com/etcd-play/etcd-play/app/engine"
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
