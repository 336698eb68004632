package node

import (
	"reflect"

	"go.etcd.io/raft/v3/raftpb"

	"github.com/etcd-play/etcd-play/node/internal/deepcopy"
)

// Copying members (cluster checkpoints, node/cluster/clone.go) goes through
// package deepcopy, which copies raft's unexported state too. What it
// cannot copy, or must not, is named here:
//   - the callbacks of Config are closures made by the member's owner: the
//     copy holds none until its owner calls SetCallbacks;
//   - entry and snapshot Data are shared between the original and the copy:
//     nobody writes them once made (the payload contract, transport's
//     clone.go; entrydata.go);
//   - raft's own funcs need no rule: its step function is a plain function
//     (shared) and its tick a method value of the raft struct (rebound to
//     the copied raft by deepcopy; TestCloneRebindsRaftTick).
func init() {
	cfg := reflect.TypeFor[Config]()
	for _, f := range []string{"Send", "OnEvent", "OnApply", "OnOverwrite"} {
		deepcopy.Field(cfg, f, deepcopy.Zero)
	}
	deepcopy.Field(reflect.TypeFor[raftpb.Entry](), "Data", deepcopy.Share)
	deepcopy.Field(reflect.TypeFor[raftpb.Snapshot](), "Data", deepcopy.Share)
}

// SetCallbacks sets the member's Send, OnEvent, OnApply and OnOverwrite to
// cfg's (its other fields are ignored). For a member copied by a cluster
// checkpoint, whose callbacks must call into the copied cluster. Call it
// between the member's calls (never during Step, Tick or HandleReady).
func (m *Member) SetCallbacks(cfg Config) {
	m.cfg.Send, m.cfg.OnEvent, m.cfg.OnApply, m.cfg.OnOverwrite = cfg.Send, cfg.OnEvent, cfg.OnApply, cfg.OnOverwrite
}

// PendingCalls calls f with the Answerer of every call submitted and not
// yet answered, in deadline order, without answering them (a cluster that
// rewinds answers them itself and then discards the member).
func (m *Member) PendingCalls(f func(Answerer)) {
	for _, c := range m.calls {
		if !c.finished && c.done != nil {
			f(c.done)
		}
	}
}
