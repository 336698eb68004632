package transport

import (
	"reflect"
	"strings"
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

// TestSendCopies mutates everything the sender owns after Send but the
// payload bytes (the payload contract: nobody writes those) and checks that
// the delivered message still equals what was sent.
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
	*msgs[0].Snapshot = raftpb.Snapshot{}
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
// pointers of v, except the payload bytes (fields named Data, which are
// entry and snapshot Data in raftpb.Message).
func scribble(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			scribble(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).Name != "Data" {
				scribble(v.Field(i))
			}
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

// TestShareMessageSharesOnlyPayload walks the original and its copy side
// by side: the payload bytes (entry and snapshot Data) must be shared, with
// their capacity cut to their length, and no other non-empty slice or
// pointer of the copy may alias the original. Being reflective, it covers
// fields raftpb may add later.
func TestShareMessageSharesOnlyPayload(t *testing.T) {
	orig := fullMessage()
	// Give entry data spare capacity, as a shared encode block has.
	for i := range orig.Entries {
		if d := orig.Entries[i].Data; d != nil {
			orig.Entries[i].Data = append(make([]byte, 0, len(d)+8), d...)
		}
	}
	c := shareMessage(&orig)
	if !reflect.DeepEqual(orig, c) {
		t.Fatalf("copy differs:\n got %v\nwant %v", c, orig)
	}
	checked, shared := 0, 0
	var walk func(path string, a, b reflect.Value)
	walk = func(path string, a, b reflect.Value) {
		switch a.Kind() {
		case reflect.Pointer:
			if a.IsNil() {
				return
			}
			checked++
			if a.Pointer() == b.Pointer() {
				t.Errorf("%s: copy shares the pointer", path)
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
			payload := strings.HasSuffix(path, ".Entries.Data") || strings.HasSuffix(path, ".Snapshot.Data")
			switch {
			case payload && a.Pointer() != b.Pointer():
				t.Errorf("%s: payload copied, want shared", path)
			case payload && b.Cap() != b.Len():
				t.Errorf("%s: shared payload has spare capacity %d (an append would write into the sender's bytes)", path, b.Cap()-b.Len())
			case payload:
				shared++
			case a.Pointer() == b.Pointer():
				t.Errorf("%s: copy shares the backing array", path)
			}
			for i := range a.Len() {
				walk(path, a.Index(i), b.Index(i))
			}
		case reflect.Map, reflect.Chan, reflect.Func, reflect.Interface, reflect.UnsafePointer:
			t.Errorf("%s: %s field not handled by shareMessage", path, a.Kind())
		}
	}
	walk("Message", reflect.ValueOf(orig), reflect.ValueOf(c))
	// Entries, 2 entry data, Snapshot, its Data, 4 ConfState slices,
	// Context, Responses; then all but Responses inside the response.
	// Shared: 2 entry data and the snapshot's, in both.
	if want := 11 + 10; checked != want {
		t.Fatalf("checked %d slices and pointers, want %d (did fullMessage change?)", checked, want)
	}
	if want := 3 + 3; shared != want {
		t.Fatalf("%d payloads shared, want %d", shared, want)
	}
}

// TestSharedEntryDataAppendReallocates checks that a recipient appending to
// one received entry's data (which shares the sender's encode block) cannot
// overwrite the sender's next entry or spare bytes.
func TestSharedEntryDataAppendReallocates(t *testing.T) {
	block := make([]byte, 0, 64)
	block = append(block, "put a=1cc"...)
	orig := raftpb.Message{Type: raftpb.MsgApp, To: 2, Entries: []raftpb.Entry{
		{Index: 1, Data: block[0:7]}, // capacity runs to the block's end
		{Index: 2, Data: block[7:9]},
		{Index: 3},
	}}
	c := shareMessage(&orig)
	_ = append(c.Entries[0].Data, "XXXXXXXXXXXX"...)
	_ = append(c.Entries[1].Data, "YYYY"...)
	if got := string(block[:cap(block)][:16]); got != "put a=1cc"+string(make([]byte, 7)) {
		t.Fatalf("sender's block = %q after the recipient appended to entry data", got)
	}
	if c.Entries[2].Data != nil {
		t.Fatalf("entry without data copied as %q, want nil", c.Entries[2].Data)
	}
}

// MsgApp messages of one Send carrying the same entries slice (raft
// replicating a batch to every follower) share one copy of the entries;
// the copy shares nothing but payload bytes with the sender, and messages
// with other entries or of another type get their own copies.
func TestSendSharesOneCopyOfReplicatedEntries(t *testing.T) {
	n := newNet(1, 5)
	ents := []raftpb.Entry{{Term: 2, Index: 5, Data: []byte("a")}, {Term: 2, Index: 6, Data: []byte("bb")}}
	n.Send(1, []raftpb.Message{
		{Type: raftpb.MsgApp, To: 2, Entries: ents},
		{Type: raftpb.MsgApp, To: 3, Entries: ents, Commit: 4},
		{Type: raftpb.MsgApp, To: 4, Entries: ents[:1]},
		{Type: raftpb.MsgProp, To: 5, Entries: ents},
	})
	ents[1] = raftpb.Entry{} // the sender reuses its slice (never the payload bytes)
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
