package transport

import (
	"reflect"
	"testing"

	"go.etcd.io/raft/v3/raftpb"
)

// fullMessage returns a message with every slice and pointer field of
// raftpb.Message populated, nested responses included.
func fullMessage() raftpb.Message {
	m := raftpb.Message{
		Type: raftpb.MsgSnap, To: 2, From: 1, Term: 3, LogTerm: 2, Index: 10, Commit: 9,
		Entries: []raftpb.Entry{
			{Term: 3, Index: 11, Data: []byte("put a=1")},
			{Term: 3, Index: 12, Type: raftpb.EntryConfChangeV2, Data: []byte("cc")},
			{Term: 3, Index: 13}, // no data
		},
		Snapshot: &raftpb.Snapshot{
			Data: []byte("snapshot bytes"),
			Metadata: raftpb.SnapshotMetadata{Index: 10, Term: 2, ConfState: raftpb.ConfState{
				Voters: []uint64{1, 2, 3}, Learners: []uint64{4}, VotersOutgoing: []uint64{1, 2},
				LearnersNext: []uint64{5}, AutoLeave: true,
			}},
		},
		Reject: true, RejectHint: 7, Context: []byte("read-index ctx"), Vote: 1,
	}
	inner := m
	inner.Type = raftpb.MsgAppResp
	m.Responses = []raftpb.Message{inner}
	return m
}

// TestSendCopies mutates every byte the sender owns after Send and checks
// that the delivered message still equals what was sent.
func TestSendCopies(t *testing.T) {
	n := newNet(1, 2)
	orig := fullMessage()
	want, err := orig.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	msgs := []raftpb.Message{orig}
	n.Send(1, msgs)
	scribble(reflect.ValueOf(&msgs[0]).Elem())
	msgs[0].Entries[0] = raftpb.Entry{}
	msgs[0] = raftpb.Message{}
	n.EndRound()
	got := n.Receive(2)
	if len(got) != 1 {
		t.Fatalf("received %d messages, want 1", len(got))
	}
	b, err := got[0].Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != string(want) {
		t.Fatalf("delivered message changed after the sender mutated its copy:\n got %v\nwant %v", got[0], fullMessage())
	}
}

// scribble overwrites every byte and uint64 reachable through slices and
// pointers of v.
func scribble(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			scribble(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			scribble(v.Field(i))
		}
	case reflect.Slice:
		for i := range v.Len() {
			e := v.Index(i)
			switch e.Kind() {
			case reflect.Uint8, reflect.Uint64:
				e.SetUint(0xff)
			default:
				scribble(e)
			}
		}
	}
}

// TestCloneSharesNoMemory walks the original and its clone side by side and
// fails if any non-empty slice or pointer of the clone aliases the
// original. Being reflective, it covers fields raftpb may add later.
func TestCloneSharesNoMemory(t *testing.T) {
	orig := fullMessage()
	c := cloneMessage(&orig)
	if !reflect.DeepEqual(orig, c) {
		t.Fatalf("clone differs:\n got %v\nwant %v", c, orig)
	}
	checked := 0
	var walk func(path string, a, b reflect.Value)
	walk = func(path string, a, b reflect.Value) {
		switch a.Kind() {
		case reflect.Pointer:
			if a.IsNil() {
				return
			}
			checked++
			if a.Pointer() == b.Pointer() {
				t.Errorf("%s: clone shares the pointer", path)
			}
			walk(path, a.Elem(), b.Elem())
		case reflect.Struct:
			for i := range a.NumField() {
				walk(path+"."+a.Type().Field(i).Name, a.Field(i), b.Field(i))
			}
		case reflect.Slice:
			if a.Cap() == 0 {
				return
			}
			checked++
			if a.Pointer() == b.Pointer() {
				t.Errorf("%s: clone shares the backing array", path)
			}
			for i := range a.Len() {
				walk(path, a.Index(i), b.Index(i))
			}
		case reflect.Map, reflect.Chan, reflect.Func, reflect.Interface, reflect.UnsafePointer:
			t.Errorf("%s: %s field not handled by cloneMessage", path, a.Kind())
		}
	}
	walk("Message", reflect.ValueOf(orig), reflect.ValueOf(c))
	// Entries, 2 entry data, Snapshot, its Data, 4 ConfState slices,
	// Context, Responses; then all but Responses inside the response.
	if want := 11 + 10; checked != want {
		t.Fatalf("checked %d slices and pointers, want %d (did fullMessage change?)", checked, want)
	}
}

// TestCloneEntryDataIsolated checks that appending to one cloned entry's
// data (they share one buffer) cannot overwrite the next entry's.
func TestCloneEntryDataIsolated(t *testing.T) {
	orig := fullMessage()
	c := cloneMessage(&orig)
	_ = append(c.Entries[0].Data, "XXXXXXXX"...)
	if string(c.Entries[1].Data) != "cc" {
		t.Fatalf("entry 1 data = %q after appending to entry 0, want %q", c.Entries[1].Data, "cc")
	}
	if c.Entries[2].Data != nil {
		t.Fatalf("entry without data cloned as %q, want nil", c.Entries[2].Data)
	}
}

// MsgApp messages of one Send carrying the same entries slice (raft
// replicating a batch to every follower) share one copy of the entries;
// the copy shares nothing with the sender, and messages with other entries
// or of another type get their own copies.
func TestSendSharesOneCopyOfReplicatedEntries(t *testing.T) {
	n := newNet(1, 5)
	ents := []raftpb.Entry{{Term: 2, Index: 5, Data: []byte("a")}, {Term: 2, Index: 6, Data: []byte("bb")}}
	n.Send(1, []raftpb.Message{
		{Type: raftpb.MsgApp, To: 2, Entries: ents},
		{Type: raftpb.MsgApp, To: 3, Entries: ents, Commit: 4},
		{Type: raftpb.MsgApp, To: 4, Entries: ents[:1]},
		{Type: raftpb.MsgProp, To: 5, Entries: ents},
	})
	ents[0].Data[0], ents[1] = 'x', raftpb.Entry{} // the sender reuses its memory
	n.EndRound()
	got := map[uint64][]raftpb.Entry{}
	for id := uint64(2); id <= 5; id++ {
		msgs := n.Receive(id)
		if len(msgs) != 1 {
			t.Fatalf("member %d received %d messages, want 1", id, len(msgs))
		}
		got[id] = msgs[0].Entries
	}
	want := []raftpb.Entry{{Term: 2, Index: 5, Data: []byte("a")}, {Term: 2, Index: 6, Data: []byte("bb")}}
	for id, w := range map[uint64][]raftpb.Entry{2: want, 3: want, 4: want[:1], 5: want} {
		if !reflect.DeepEqual(got[id], w) {
			t.Fatalf("member %d received entries %v, want %v", id, got[id], w)
		}
	}
	if &got[2][0] != &got[3][0] {
		t.Fatal("the two MsgApps with the same entries got separate copies")
	}
	if &got[4][0] == &got[2][0] || &got[5][0] == &got[2][0] {
		t.Fatal("a message with other entries or of another type shares the MsgApps' copy")
	}
	if cap(got[2]) != len(got[2]) {
		t.Fatalf("shared entries have spare capacity %d (an append by one recipient would write into it)", cap(got[2])-len(got[2]))
	}
}
