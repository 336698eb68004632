package app

import (
	"context"
	"errors"
	"fmt"
	"github.com/etcd-play/etcd-play/app/engine"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// fakeEngine records the calls the page makes and answers reads from a
// fixed response. Test-only: the shipped page drives node/cluster.
type fakeEngine struct {
	members []engine.MemberView
	calls   []string
	lastGet mvcc.RangeRequest
	serial  bool
	member  uint64
	getResp *mvcc.RangeResponse
	err     error
}

var _ engine.Engine = (*fakeEngine)(nil)

func (f *fakeEngine) rec(s string) { f.calls = append(f.calls, s) }

func (f *fakeEngine) Members() []uint64 {
	ids := make([]uint64, len(f.members))
	for i, m := range f.members {
		ids[i] = m.ID
	}
	return ids
}
func (f *fakeEngine) Now() uint64                      { return 0 }
func (f *fakeEngine) Status() []engine.MemberView      { return f.members }
func (f *fakeEngine) Links() []engine.LinkView         { return nil }
func (f *fakeEngine) Events(uint64) []engine.EventView { return nil }
func (f *fakeEngine) Kill(uint64) error                { f.rec("kill"); return nil }
func (f *fakeEngine) Restart(uint64) error             { f.rec("restart"); return nil }
func (f *fakeEngine) KillAll()                         { f.rec("kill-all") }
func (f *fakeEngine) RestartAll()                      { f.rec("restart-all") }
func (f *fakeEngine) Partition(...[]uint64)            { f.rec("partition") }
func (f *fakeEngine) Isolate(uint64)                   { f.rec("isolate") }
func (f *fakeEngine) Cut(uint64, uint64)               { f.rec("cut") }
func (f *fakeEngine) HealLink(uint64, uint64)          { f.rec("heal-link") }
func (f *fakeEngine) HealAll()                         { f.rec("heal") }
func (f *fakeEngine) SetDrop(uint64, uint64, float64)  { f.rec("drop") }
func (f *fakeEngine) SetDelay(uint64, uint64, int)     { f.rec("delay") }
func (f *fakeEngine) TransferLeadership(uint64) error {
	f.rec("transfer")
	return nil
}
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
func (f *fakeEngine) Stress(engine.StressConfig) engine.StressRun { return nil }
func (f *fakeEngine) Play()                                       {}
func (f *fakeEngine) Pause()                                      {}
func (f *fakeEngine) Step()                                       {}
func (f *fakeEngine) SetSpeed(float64)                            {}
func (f *fakeEngine) Paused() bool                                { return false }

var errFake = errors.New("etcdserver: no leader")

func putReq(k, v string) *mvcc.PutRequest { return &mvcc.PutRequest{Key: []byte(k), Value: []byte(v)} }

func done(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
