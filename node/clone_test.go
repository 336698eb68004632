package node

import (
	"reflect"
	"runtime/debug"
	"strings"
	"testing"
	"unsafe"

	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/raftpb"

	"github.com/etcd-play/etcd-play/node/internal/deepcopy"
)

// TestCloneRebindsRaftTick guards what copying a member relies on in raft's
// unexported state (v3.6.0): the raft struct's tick is a method value of the
// raft itself (r.tickElection or r.tickHeartbeat), which the copy must rebind
// to the copied raft, and step a plain function. If raft is upgraded and its
// layout changes, this fails first: check deepcopy's func handling (and
// timers.go) against the new raft.go, then update the pinned version here.
func TestCloneRebindsRaftTick(t *testing.T) {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "go.etcd.io/raft/v3" && d.Version != "v3.6.0" {
				t.Fatalf("raft is %s: member copies were checked against v3.6.0 (see this test)", d.Version)
			}
		}
	}
	rt := reflect.TypeFor[raft.RawNode]()
	rf, ok := rt.FieldByName("raft")
	if !ok || rf.Type.Kind() != reflect.Pointer {
		t.Fatal("raft.RawNode has no raft pointer field")
	}
	for name, kind := range map[string]reflect.Kind{"tick": reflect.Func, "step": reflect.Func} {
		if f, ok := rf.Type.Elem().FieldByName(name); !ok || f.Type.Kind() != kind {
			t.Fatalf("raft's struct has no %s func field", name)
		}
	}

	m := newTestMember(t, 1, 0)
	for range 3 {
		m.Tick()
		if err := m.HandleReady(); err != nil {
			t.Fatal(err)
		}
	}
	tickOf := func(m *Member) (fn reflect.Value, r unsafe.Pointer) {
		r = reflect.ValueOf(m.rn).Elem().FieldByName("raft").UnsafePointer()
		f, _ := rf.Type.Elem().FieldByName("tick")
		return reflect.NewAt(f.Type, unsafe.Add(r, f.Offset)).Elem(), r
	}
	fn, _ := tickOf(m)
	// (natively the method value's wrapper, "...-fm"; under js/wasm the
	// runtime may name the method it inlined)
	if name := deepcopy.FuncName(fn); strings.TrimSuffix(name, "-fm") != "go.etcd.io/raft/v3.(*raft).tickElection" {
		t.Fatalf("a follower's raft tick is %s, not the method value r.tickElection", name)
	}
	v, err := deepcopy.New().Copy(m)
	if err != nil {
		t.Fatal(err)
	}
	n := v.(*Member)
	n.SetCallbacks(Config{Send: func([]raftpb.Message) {}})
	cfn, craft := tickOf(n)
	funcval := *(*unsafe.Pointer)(cfn.Addr().UnsafePointer())
	if recv := *(*unsafe.Pointer)(unsafe.Add(funcval, unsafe.Sizeof(uintptr(0)))); recv != craft {
		t.Fatal("the copy's tick is not bound to the copied raft")
	}
	// Ticking the copy moves its clock only.
	before, cbefore := m.timers(m.soft.RaftState), n.timers(n.soft.RaftState)
	for range 2 {
		n.Tick()
	}
	after, cafter := m.timers(m.soft.RaftState), n.timers(n.soft.RaftState)
	if after != before {
		t.Errorf("ticking the copy moved the original's timers: %+v -> %+v", before, after)
	}
	if cafter.ElectionElapsed != cbefore.ElectionElapsed+2 {
		t.Errorf("the copy's election clock went %d -> %d over 2 ticks", cbefore.ElectionElapsed, cafter.ElectionElapsed)
	}
	// The copy elects itself as the original would.
	if a, b := electionTick(t, m), electionTick(t, n); a != b {
		t.Errorf("the original campaigns at tick %d, the copy at %d", a, b)
	}
}
