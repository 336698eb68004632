package node

import (
	"fmt"
	"strings"
	"testing"

	"go.etcd.io/raft/v3/raftpb"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// Every entry a member writes is classified and described by what it asks.
func TestEntryKindAndDescription(t *testing.T) {
	cc, err := (&raftpb.ConfChange{Type: raftpb.ConfChangeAddNode, NodeID: 4}).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("v", 100)
	for _, tc := range []struct {
		e          raftpb.Entry
		kind, text string
	}{
		{raftpb.Entry{Term: 3}, KindEmpty, "empty entry of the leader of term 3"},
		{raftpb.Entry{Type: raftpb.EntryConfChange, Data: cc}, KindConfChange, "conf change: add member 4"},
		{raftpb.Entry{Data: encodeRequest(&request{id: 1, kind: kindPut, put: &mvcc.PutRequest{Key: []byte("k"), Value: []byte("<b>v</b>")}})},
			KindPut, `put "k" = "<b>v</b>"`},
		{raftpb.Entry{Data: encodeRequest(&request{id: 1, kind: kindPut, put: &mvcc.PutRequest{Key: []byte("\x00\xff"), Value: []byte(long), Lease: 7}})},
			KindPut, `put "\x00\xff" = "` + long[:maxShownBytes] + `"… (100 bytes) with lease 7`},
		{raftpb.Entry{Data: encodeRequest(&request{id: 1, kind: kindDeleteRange, deleteRange: &mvcc.DeleteRangeRequest{Key: []byte("a"), End: []byte("b")}})},
			KindDelete, `delete range "a" .. "b"`},
		{raftpb.Entry{Data: encodeRequest(&request{id: 1, kind: kindTxn, txn: &mvcc.TxnRequest{Compare: make([]mvcc.Compare, 1)}})},
			KindTxn, "txn: 1 compares, 0 ops on success, 0 on failure"},
		{raftpb.Entry{Data: encodeRequest(&request{id: 1, kind: kindCompact, compact: 12})}, KindCompact, "compact history up to revision 12"},
		{raftpb.Entry{Data: encodeRequest(&request{id: 1, kind: kindLeaseGrant, leaseGrant: &mvcc.LeaseGrantRequest{ID: 5, TTL: 9}})},
			KindLeaseGrant, "grant lease 5, TTL 9 s"},
		{raftpb.Entry{Data: encodeRequest(&request{id: 1, kind: kindLeaseRevoke, leaseID: 5})}, KindLeaseRevoke, "revoke lease 5"},
		{raftpb.Entry{Data: encodeRequest(&request{id: 1, kind: kindLeaseKeepAlive, leaseID: 5})}, KindLeaseKeepAlive, "keep lease 5 alive"},
		{raftpb.Entry{Data: encodeRequest(&request{id: 1, kind: kindMemberAttrs, attrs: &MemberAttributes{ID: 2, Name: "etcd-2", ClientURLs: []string{"http://etcd-2:2379"}}})},
			KindMemberAttrs, `member 2 publishes its attributes: name "etcd-2", client URLs http://etcd-2:2379`},
		{raftpb.Entry{Data: encodeRequest(&request{id: 1, kind: kindClusterVersion, version: "3.6.0"})}, KindClusterVersion, `set the cluster version to "3.6.0"`},
		{raftpb.Entry{Data: []byte{200, 1}}, KindOther, "undecodable entry (2 bytes)"},
	} {
		if k := EntryKind(tc.e); k != tc.kind {
			t.Errorf("EntryKind(%v) = %q, want %q", tc.e, k, tc.kind)
		}
		if s := DescribeEntry(tc.e); s != tc.text {
			t.Errorf("DescribeEntry(%v) = %q, want %q", tc.e, s, tc.text)
		}
	}
}

// ReadLog reads exactly the window asked for, never below the compacted
// prefix nor past the last entry; from 0 is the newest entries.
func TestReadLogWindow(t *testing.T) {
	st := NewMemoryStorage()
	var ents []raftpb.Entry
	for i := uint64(1); i <= 100; i++ {
		ents = append(ents, raftpb.Entry{Index: i, Term: 1 + i/50})
	}
	if err := st.Save(raftpb.HardState{Term: 3, Commit: 90}, ents, raftpb.Snapshot{}); err != nil {
		t.Fatal(err)
	}
	if err := st.Compact(20); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		from           uint64
		count          int
		wantFrom       uint64
		wantLo, wantHi uint64 // entries wantLo..wantHi (0, 0: none)
	}{
		{0, 10, 91, 91, 100},
		{0, 1000, 1, 21, 100},
		{10, 15, 10, 21, 24},
		{95, 10, 95, 95, 100},
		{101, 10, 101, 0, 0},
		{50, 0, 50, 0, 0},
	} {
		w, err := ReadLog(st, tc.from, tc.count)
		if err != nil {
			t.Fatal(err)
		}
		if w.First != 21 || w.Last != 100 || w.From != tc.wantFrom {
			t.Errorf("ReadLog(%d, %d): first %d last %d from %d, want 21 100 %d", tc.from, tc.count, w.First, w.Last, w.From, tc.wantFrom)
		}
		var lo, hi uint64
		if n := len(w.Entries); n > 0 {
			lo, hi = w.Entries[0].Index, w.Entries[n-1].Index
			if uint64(n) != hi-lo+1 {
				t.Errorf("ReadLog(%d, %d): %d entries for %d..%d", tc.from, tc.count, n, lo, hi)
			}
		}
		if lo != tc.wantLo || hi != tc.wantHi {
			t.Errorf("ReadLog(%d, %d): entries %d..%d, want %d..%d", tc.from, tc.count, lo, hi, tc.wantLo, tc.wantHi)
		}
	}
	if _, err := ReadLog(st, 1, -1); err == nil {
		t.Error("a negative count: no error")
	}
}

// ReadLog's cost is its window's, whatever the log's length: a window of
// 24 (the log view's) on logs of 1,000 and 1,000,000 stored entries.
func BenchmarkReadLog(b *testing.B) {
	for _, n := range []int{1000, 1000000} {
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) {
			st := NewMemoryStorage()
			d := &entryData{}
			ents := make([]raftpb.Entry, n)
			for i := range ents {
				put := &mvcc.PutRequest{Key: []byte(fmt.Sprintf("key-%d", i%100)), Value: []byte("0123456789abcdef")}
				ents[i] = raftpb.Entry{Index: uint64(i + 1), Term: 2, Data: encodePut(d, uint64(i), put)}
			}
			if err := st.Save(raftpb.HardState{Term: 2, Commit: uint64(n)}, ents, raftpb.Snapshot{}); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if w, err := ReadLog(st, 0, 24); err != nil || len(w.Entries) != 24 {
					b.Fatal(w, err)
				}
			}
		})
	}
}
