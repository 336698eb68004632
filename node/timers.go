package node

import (
	"fmt"
	"reflect"
	"unsafe"

	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/tracker"
)

// Timers are a member's raft clocks and its campaign's tally, for the UI.
//
// Raft keeps them in its unexported state and exposes none of them (neither
// Status nor BasicStatus carries them), and recomputing them beside raft
// would mean copying every rule that resets them (a role change, a message
// from the leader, a transfer, a lease check...). So they are read from
// raft itself, by reflection over the RawNode's raft struct, with the field
// names of go.etcd.io/raft/v3 v3.6 (raft.go): electionElapsed,
// randomizedElectionTimeout (electionTimeout + a draw in [0, electionTimeout)
// from the member's jitter stream, jitter.go, at each role change),
// heartbeatElapsed, heartbeatTimeout, and trk, the ProgressTracker whose
// TallyVotes counts a campaign's granted and rejected votes. Reading them
// changes nothing in the run. TestTimersFromRaft fails if a raft upgrade
// renames or retypes them (timerFields panics with the missing name).
type Timers struct {
	// ElectionElapsed counts ticks since the member last heard from a
	// leader or started a campaign (a follower or candidate starts one when
	// it reaches ElectionTimeout), or, on a leader, since its last quorum
	// check.
	ElectionElapsed int
	// ElectionTimeout is the member's current randomized election timeout,
	// in ticks, in [ElectionTicks, 2*ElectionTicks).
	ElectionTimeout int
	// HeartbeatElapsed counts a leader's ticks since its last heartbeat
	// round (0 on others); it sends one on reaching HeartbeatTimeout.
	HeartbeatElapsed, HeartbeatTimeout int
	// VotesGranted and VotesRejected tally a candidate's (or
	// pre-candidate's) campaign, its own vote included; both 0 on others.
	VotesGranted, VotesRejected int
}

// timerIndex holds the raft struct's field indexes, found once.
var timerIndex = sync1(func() (ix struct{ raft, elapsed, timeout, hbElapsed, hbTimeout, trk int }) {
	rn := reflect.TypeFor[raft.RawNode]()
	ix.raft = fieldIndex(rn, "raft", reflect.Pointer)
	rt := rn.Field(ix.raft).Type.Elem()
	ix.elapsed = fieldIndex(rt, "electionElapsed", reflect.Int)
	ix.timeout = fieldIndex(rt, "randomizedElectionTimeout", reflect.Int)
	ix.hbElapsed = fieldIndex(rt, "heartbeatElapsed", reflect.Int)
	ix.hbTimeout = fieldIndex(rt, "heartbeatTimeout", reflect.Int)
	ix.trk = fieldIndex(rt, "trk", reflect.Struct)
	if rt.Field(ix.trk).Type != reflect.TypeFor[tracker.ProgressTracker]() {
		panic("node: raft's trk is not a tracker.ProgressTracker")
	}
	return ix
})

func fieldIndex(t reflect.Type, name string, k reflect.Kind) int {
	f, ok := t.FieldByName(name)
	if !ok || len(f.Index) != 1 || f.Type.Kind() != k {
		panic(fmt.Sprintf("node: raft's %s has no %s field of kind %v (raft upgraded? see timers.go)", t, name, k))
	}
	return f.Index[0]
}

// sync1 returns a function computing f's value once.
func sync1[T any](f func() T) func() T {
	var v T
	done := false
	return func() T {
		if !done { // only called with raftMu held (timers)
			v, done = f(), true
		}
		return v
	}
}

// timers reads the member's clocks from raft. Called inside withRaft.
func (m *Member) timers(state raft.StateType) Timers {
	ix := timerIndex()
	r := reflect.ValueOf(m.rn).Elem().Field(ix.raft).Elem()
	t := Timers{
		ElectionElapsed:  int(r.Field(ix.elapsed).Int()),
		ElectionTimeout:  int(r.Field(ix.timeout).Int()),
		HeartbeatElapsed: int(r.Field(ix.hbElapsed).Int()),
		HeartbeatTimeout: int(r.Field(ix.hbTimeout).Int()),
	}
	if state != raft.StateLeader {
		t.HeartbeatElapsed = 0
	}
	if state == raft.StateCandidate || state == raft.StatePreCandidate {
		f := r.Field(ix.trk)
		trk := (*tracker.ProgressTracker)(unsafe.Pointer(f.UnsafeAddr()))
		t.VotesGranted, t.VotesRejected, _ = trk.TallyVotes()
	}
	return t
}
