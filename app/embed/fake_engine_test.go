package embed

import (
	"context"
	"strconv"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// fakeEngine records the calls the API makes and answers reads from a
// fixed response. Only the methods the API calls are implemented; the
// embedded nil Engine makes any other call panic, so a test notices.
type fakeEngine struct {
	engine.Engine
	members []engine.MemberView
	calls   []string
	member  uint64
	getResp *mvcc.RangeResponse
	err     error
}

func (f *fakeEngine) rec(s string) { f.calls = append(f.calls, s) }

func (f *fakeEngine) Members() []uint64 {
	ids := make([]uint64, len(f.members))
	for i, m := range f.members {
		ids[i] = m.ID
	}
	return ids
}
func (f *fakeEngine) Status() []engine.MemberView { return f.members }
func (f *fakeEngine) Kill(uint64) error           { f.rec("kill"); return nil }
func (f *fakeEngine) Restart(uint64) error        { f.rec("restart"); return nil }
func (f *fakeEngine) Partition(...[]uint64)       { f.rec("partition") }
func (f *fakeEngine) HealAll()                    { f.rec("heal") }
func (f *fakeEngine) Put(_ context.Context, member uint64, key, value []byte) (*mvcc.PutResponse, error) {
	f.member = member
	f.rec("put " + string(key) + "=" + string(value))
	if f.err != nil {
		return nil, f.err
	}
	return &mvcc.PutResponse{}, nil
}
func (f *fakeEngine) Get(_ context.Context, member uint64, req mvcc.RangeRequest, serializable bool) (*mvcc.RangeResponse, error) {
	f.member = member
	if f.err != nil {
		return nil, f.err
	}
	return f.getResp, nil
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }
