package transport

import (
	"strings"
	"testing"

	"go.etcd.io/raft/v3/raftpb"
)

// appWith returns a MsgApp from 1 to 2 carrying one entry (index 5) whose
// data is data.
func appWith(data []byte) raftpb.Message {
	return raftpb.Message{Type: raftpb.MsgApp, From: 1, To: 2, Term: 1,
		Entries: []raftpb.Entry{{Term: 1, Index: 5, Data: data}}}
}

// endRoundPanic runs EndRound and returns what it panicked with (nil if
// it did not).
func endRoundPanic(n *Network) (v any) {
	defer func() { v = recover() }()
	n.EndRound()
	return nil
}

// endRoundsUntilPanic runs up to max EndRounds and returns the round that
// panicked and the panic's message (0 and "" if none did).
func endRoundsUntilPanic(t *testing.T, n *Network, max int) (uint64, string) {
	t.Helper()
	for range max {
		if v := endRoundPanic(n); v != nil {
			err, ok := v.(error)
			if !ok {
				t.Fatalf("EndRound panicked with %T %v, want an error", v, v)
			}
			return n.Round(), err.Error()
		}
	}
	return 0, ""
}

// A recipient that writes into entry data it received breaks the payload
// contract: VerifyShared reports it at once, and EndRound panics once the
// payload's watch ends, naming the entry and its sender.
func TestCheckSharedCatchesRecipientWrite(t *testing.T) {
	n := newNet(1, 2)
	n.CheckShared(3)
	n.Send(1, []raftpb.Message{appWith([]byte("put k=v"))})
	n.EndRound() // round 1: delivered
	got := n.Receive(2)
	if err := n.VerifyShared(); err != nil {
		t.Fatalf("VerifyShared before any write: %v", err)
	}
	got[0].Entries[0].Data[4] = 'K'
	err := n.VerifyShared()
	if err == nil || !strings.Contains(err.Error(), "entry 5 (term 1) of a MsgApp from member 1 to member 2 sent in round 0") {
		t.Fatalf("VerifyShared after a write = %v, want the entry named", err)
	}
	// Sent in round 0 and due in round 1: watched through round 1+3.
	round, msg := endRoundsUntilPanic(t, n, 10)
	if round != 4 || !strings.Contains(msg, "payload contract broken") || !strings.Contains(msg, "entry 5") {
		t.Fatalf("EndRound panicked in round %d with %q, want round 4 naming entry 5", round, msg)
	}
	if err := n.VerifyShared(); err != nil {
		t.Fatalf("VerifyShared after the watch ended: %v (the payload should be forgotten)", err)
	}
	if _, msg := endRoundsUntilPanic(t, n, 5); msg != "" {
		t.Fatalf("EndRound panicked again: %q", msg)
	}
}

// A sender that writes into payload bytes after Send, before EndRound
// moves them, is caught too; so is one that writes and sends the same
// bytes again (raft re-sending entries), at that EndRound.
func TestCheckSharedCatchesSenderWrite(t *testing.T) {
	n := newNet(1, 2)
	n.CheckShared(2)
	data := []byte("put k=v")
	n.Send(1, []raftpb.Message{appWith(data)})
	data[0] = 'P'
	if _, msg := endRoundsUntilPanic(t, n, 10); !strings.Contains(msg, "changed after Send") {
		t.Fatalf("write between Send and EndRound: panic %q, want a changed payload", msg)
	}

	n = newNet(1, 2)
	n.CheckShared(100)
	data = []byte("put k=v")
	n.Send(1, []raftpb.Message{appWith(data)})
	n.EndRound()
	data[0] = 'P'
	n.Send(1, []raftpb.Message{appWith(data)})
	msg := ""
	if v := endRoundPanic(n); v != nil {
		msg = v.(error).Error()
	}
	if !strings.Contains(msg, "changed before they were sent again, as the data of entry 5 (term 1) of a MsgApp from member 1 to member 2 sent in round 1") {
		t.Fatalf("write then re-send: panic %q, want the re-send named", msg)
	}
}

// A delayed message extends its payload's watch to the rounds after its
// delivery: a write by the recipient after a long delay is still caught.
// Snapshot data is watched like entry data.
func TestCheckSharedFollowsDelay(t *testing.T) {
	n := newNet(1, 2)
	n.CheckShared(2)
	n.SetDelay(1, 2, 6)
	snap := raftpb.Message{Type: raftpb.MsgSnap, From: 1, To: 2, Term: 1,
		Snapshot: &raftpb.Snapshot{Data: []byte("store bytes"), Metadata: raftpb.SnapshotMetadata{Index: 9, Term: 1}}}
	n.Send(1, []raftpb.Message{snap})
	var got []raftpb.Message
	for len(got) == 0 && n.Round() < 20 {
		if v := endRoundPanic(n); v != nil {
			t.Fatalf("EndRound panicked before any write: %v", v)
		}
		got = n.Receive(2)
	}
	if n.Round() != 7 {
		t.Fatalf("snapshot delivered in round %d, want 7 (delay 6)", n.Round())
	}
	got[0].Snapshot.Data[0] = 'S'
	round, msg := endRoundsUntilPanic(t, n, 10)
	if round != 9 || !strings.Contains(msg, "the snapshot at index 9 of a MsgSnap") {
		t.Fatalf("EndRound panicked in round %d with %q, want round 9 naming the snapshot", round, msg)
	}
}

// Untouched payloads never trip the check, however often they are re-sent
// (to several members, with drops and delays), and the check forgets each
// one once its watch ends, so it holds no memory for idle traffic.
func TestCheckSharedQuietAndForgets(t *testing.T) {
	n := newNet(7, 4)
	n.CheckShared(5)
	n.SetDrop(1, 3, 0.5)
	n.SetDelay(1, 4, 3)
	ents := []raftpb.Entry{{Term: 1, Index: 1, Data: []byte("a")}, {Term: 1, Index: 2, Data: []byte("bb")}}
	snap := &raftpb.Snapshot{Data: []byte("snap"), Metadata: raftpb.SnapshotMetadata{Index: 2, Term: 1}}
	for range 50 {
		n.Send(1, []raftpb.Message{
			{Type: raftpb.MsgApp, To: 2, Entries: ents},
			{Type: raftpb.MsgApp, To: 3, Entries: ents},
			{Type: raftpb.MsgApp, To: 4, Entries: ents[1:]},
			{Type: raftpb.MsgSnap, To: 4, Snapshot: snap},
		})
		n.Send(2, []raftpb.Message{{Type: raftpb.MsgProp, To: 1, Entries: ents[:1]}})
		if v := endRoundPanic(n); v != nil {
			t.Fatalf("EndRound panicked with untouched payloads: %v", v)
		}
		for id := uint64(1); id <= 4; id++ {
			n.Receive(id)
		}
	}
	if err := n.VerifyShared(); err != nil {
		t.Fatal(err)
	}
	if len(n.check.recs) != 3 {
		t.Fatalf("watching %d payloads, want 3 (two entries' data, one snapshot's)", len(n.check.recs))
	}
	for range 10 {
		n.EndRound()
	}
	if len(n.check.recs) != 0 || len(n.check.byEnd) != 0 {
		t.Fatalf("after the watch: %d payloads and %d rounds still held, want none", len(n.check.recs), len(n.check.byEnd))
	}
	n.CheckShared(0)
	ents[0].Data[0] = 'A' // off: nothing watches
	n.Send(1, []raftpb.Message{{Type: raftpb.MsgApp, To: 2, Entries: ents}})
	ents[1].Data[0] = 'B'
	if v := endRoundPanic(n); v != nil || n.VerifyShared() != nil {
		t.Fatalf("check off, yet EndRound panicked (%v) or VerifyShared failed", v)
	}
}

// DefaultCheckShared turns the check on for networks New returns.
func TestDefaultCheckShared(t *testing.T) {
	defer func(old uint64) { DefaultCheckShared = old }(DefaultCheckShared)
	DefaultCheckShared = 8
	n := New(1)
	if n.check == nil || n.check.rounds != 8 {
		t.Fatalf("New with DefaultCheckShared 8: check %+v, want on with 8 rounds", n.check)
	}
	DefaultCheckShared = 0
	if New(1).check != nil {
		t.Fatal("New with DefaultCheckShared 0: check on")
	}
}
