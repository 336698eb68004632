package durable

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"testing"

	"go.etcd.io/raft/v3/raftpb"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// runViewSnapshots runs the tests of snapshots taken as store views and
// written in parts (snapparts.go) on a medium.
func runViewSnapshots(t *testing.T, newMedium func(t *testing.T) medium) {
	t.Run("WrittenInBoundedParts", func(t *testing.T) { testViewSnapshotParts(t, newMedium(t)) })
	t.Run("PowerLossMidwayKeepsPreviousSnapshot", func(t *testing.T) { testViewSnapshotPowerLoss(t, newMedium(t)) })
	t.Run("NewerViewWaitsForTheOneBeingWritten", func(t *testing.T) { testViewSnapshotNewer(t, newMedium(t)) })
	t.Run("IncomingSnapshotReplacesIt", func(t *testing.T) { testViewSnapshotIncoming(t, newMedium(t)) })
	t.Run("PacedByTheLogUnderLoad", func(t *testing.T) { testViewSnapshotPaced(t, newMedium(t)) })
}

// testViewSnapshotPaced: while the member is loaded (its recent Saves
// wrote snapshotFreeBytes of log), its Saves carry a part only once
// SnapshotPartBytes of log was stored since the last one, those without
// entries (a commit index, between two Saves of entries) included; the
// snapshot still gets stored, whole. Once the load stops, a Save without
// entries carries a part again within twenty Saves.
func testViewSnapshotPaced(t *testing.T, m medium) {
	smallParts(t, 100)
	old := snapshotFreeBytes
	snapshotFreeBytes = 10 // appendOne's chunk of one entry is ~15 bytes
	t.Cleanup(func() { snapshotFreeBytes = old })
	db := m.open(t)
	s := mustRaftStorage(t, db, "member-1")
	logTo(t, s, 31)
	v, want := viewOf(t, 12, "a")
	if err := s.CreateSnapshotView(25, &voters, v); err != nil {
		t.Fatal(err)
	}
	chunk := len(appendChunk(nil, entries(32, 32, 1)))
	if chunk < snapshotFreeBytes || chunk >= SnapshotPartBytes/3 {
		t.Fatalf("a one-entry chunk is %d bytes: the test needs %d <= chunk < %d", chunk, snapshotFreeBytes, SnapshotPartBytes/3)
	}

	logBytes, parts := 0, 0
	i := uint64(32)
	for ; snapIndexStored(t, m, "member-1") != 25; i++ {
		if i > 32+uint64(50*len(want)) {
			t.Fatal("the snapshot is never stored")
		}
		if err := appendOne(t, s, i); err != nil {
			t.Fatal(err)
		}
		logBytes += len(appendChunk(nil, entries(i, i, 1)))
		// A Save of the commit index alone, as under a real load.
		if err := s.Save(raftpb.HardState{Term: 1, Commit: i}, nil, raftpb.Snapshot{}); err != nil {
			t.Fatal(err)
		}
		n := len(partRecords(t, s))
		if n > parts {
			if parts > 0 && logBytes < SnapshotPartBytes {
				t.Fatalf("Save of entry %d wrote part %d after %d bytes of log since the last part, want at least %d", i, n, logBytes, SnapshotPartBytes)
			}
			parts, logBytes = n, 0
		} else if logBytes >= SnapshotPartBytes+chunk {
			t.Fatalf("Save of entry %d: no part after %d bytes of log since the last one", i, logBytes)
		}
	}
	if snap, first, _, _ := stored(t, m, "member-1"); !bytes.Equal(snap.Data, want) || first != 2 {
		t.Fatalf("restart: snapshot of %d bytes (equal %v), first index %d; want the view's %d bytes and the whole log",
			len(snap.Data), bytes.Equal(snap.Data, want), first, len(want))
	}

	// The load stops: Saves without entries (heartbeats' Readys) carry a
	// part again within twenty.
	v2, _ := viewOf(t, 12, "b")
	if err := s.CreateSnapshotView(i-1, &voters, v2); err != nil {
		t.Fatal(err)
	}
	before := len(partRecords(t, s))
	for n := 1; len(partRecords(t, s)) == before; n++ {
		if n > 20 {
			t.Fatalf("%d Saves without entries after the load wrote no part", n-1)
		}
		if err := s.Save(raftpb.HardState{Term: 1, Commit: i - 1}, nil, raftpb.Snapshot{}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestViewSnapshotsMemory(t *testing.T) { runViewSnapshots(t, memMedium) }

// smallParts makes every snapshot part at most n bytes during the test.
func smallParts(t *testing.T, n int) {
	old := SnapshotPartBytes
	SnapshotPartBytes = n
	t.Cleanup(func() { SnapshotPartBytes = old })
}

// viewOf returns a view of a store holding puts keys (and its bytes).
func viewOf(t *testing.T, puts int, tag string) (*mvcc.SnapshotView, []byte) {
	t.Helper()
	st := mvcc.New()
	for i := 0; i < puts; i++ {
		if _, err := st.Put(&mvcc.PutRequest{Key: fmt.Appendf(nil, "key-%03d", i), Value: fmt.Appendf(nil, "%s value %d", tag, i)}); err != nil {
			t.Fatal(err)
		}
	}
	v := st.SnapshotView()
	b, err := v.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	// Later writes do not change the view.
	if _, err := st.Put(&mvcc.PutRequest{Key: []byte("after"), Value: []byte("the view")}); err != nil {
		t.Fatal(err)
	}
	return v, b
}

// logTo boots s and appends entries 2..last, committed.
func logTo(t *testing.T, s *RaftStorage, last uint64) {
	t.Helper()
	if err := s.Save(raftpb.HardState{Term: 1, Commit: 1}, nil, bootSnap()); err != nil {
		t.Fatal(err)
	}
	for i := uint64(2); i <= last; i += 5 {
		if err := s.Save(raftpb.HardState{Term: 1, Commit: min(i+4, last)}, entries(i, min(i+4, last), 1), raftpb.Snapshot{}); err != nil {
			t.Fatal(err)
		}
	}
}

// appendOne saves entry i (committed), as a member's next Ready would.
func appendOne(t *testing.T, s *RaftStorage, i uint64) error {
	t.Helper()
	return s.Save(raftpb.HardState{Term: 1, Commit: i}, entries(i, i, 1), raftpb.Snapshot{})
}

// stored describes what a restart would load from the medium: it opens a
// second DB on the same medium (s keeps running).
func stored(t *testing.T, m medium, ns string) (snap raftpb.Snapshot, first, last uint64, hs raftpb.HardState) {
	t.Helper()
	db := m.open(t)
	defer db.Close()
	r := mustRaftStorage(t, db, ns)
	defer r.Namespace().Close()
	snap, _ = r.Snapshot()
	first, _ = r.FirstIndex()
	last, _ = r.LastIndex()
	hs, _, _ = r.InitialState()
	return snap, first, last, hs
}

// partRecords lists the stored snapshot parts as "index/part:size".
func partRecords(t *testing.T, s *RaftStorage) []string {
	t.Helper()
	var out []string
	err := s.Namespace().Scan(partKey(0, 0), partsEnd, func(k, v []byte) error {
		out = append(out, fmt.Sprintf("%d/%d:%d", binary.BigEndian.Uint64(k[1:]), binary.BigEndian.Uint64(k[9:]), len(v)))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var voters = raftpb.ConfState{Voters: []uint64{1, 2, 3}}

// testViewSnapshotParts: taking the snapshot writes nothing; each later
// Save writes one part of at most SnapshotPartBytes; until the last part is
// stored, a restart loads the previous snapshot and the whole log; the Save
// with the last part stores the snapshot and the compaction that waited.
func testViewSnapshotParts(t *testing.T, m medium) {
	smallParts(t, 100)
	db := m.open(t)
	s := mustRaftStorage(t, db, "member-1")
	logTo(t, s, 31)
	v, want := viewOf(t, 12, "a")
	if len(want) < 300 {
		t.Fatalf("store bytes %d: want a snapshot of several parts", len(want))
	}

	if err := s.CreateSnapshotView(25, &voters, v); err != nil {
		t.Fatal(err)
	}
	if err := s.Compact(20); err != nil {
		t.Fatal(err)
	}
	// raft sees the new snapshot at once; the compaction waits for it to
	// be stored.
	snap, err := s.Snapshot()
	if err != nil || snap.Metadata.Index != 25 || !bytes.Equal(snap.Data, want) || snap.Metadata.ConfState.String() != voters.String() {
		t.Fatalf("Snapshot() = %v (%d bytes), %v; want index 25 with the view's %d bytes", snap.Metadata, len(snap.Data), err, len(want))
	}
	if first, _ := s.FirstIndex(); first != 2 {
		t.Fatalf("FirstIndex before the snapshot is stored = %d, want 2", first)
	}
	if p := partRecords(t, s); len(p) != 0 {
		t.Fatalf("taking the snapshot wrote parts %v", p)
	}

	// A part ends at the first stored revision that reaches 100 bytes:
	// here a revision is under 40 bytes, the header and trailer under 40.
	const maxPart = 100 + 40 + 40
	nparts := 0
	for i := uint64(32); ; i++ {
		if i > 32+uint64(len(want)) {
			t.Fatal("the snapshot is never stored")
		}
		if err := appendOne(t, s, i); err != nil {
			t.Fatal(err)
		}
		parts := partRecords(t, s)
		if n := int(i - 31); len(parts) != n {
			t.Fatalf("after %d Saves: parts %v, want %d", n, parts, n)
		}
		for _, p := range parts {
			var idx, part, size int
			fmt.Sscanf(p, "%d/%d:%d", &idx, &part, &size)
			if idx != 25 || size > maxPart {
				t.Fatalf("part %s: want parts of index 25 of at most %d bytes", p, maxPart)
			}
		}
		nparts = len(parts)
		snap, first, last, hs := stored(t, m, "member-1")
		if hs.Commit != i || last != i {
			t.Fatalf("restart after Save %d: commit %d last %d", i, hs.Commit, last)
		}
		if snap.Metadata.Index != 25 {
			if snap.Metadata.Index != 1 || first != 2 {
				t.Fatalf("restart with %d parts stored: snapshot at %d, first index %d; want the boot snapshot and the whole log",
					len(parts), snap.Metadata.Index, first)
			}
			continue
		}
		if nparts < 3 {
			t.Fatalf("stored in %d parts, want at least 3", nparts)
		}
		if snap.Metadata.Index != 25 || !bytes.Equal(snap.Data, want) || first != 21 {
			t.Fatalf("restart with every part stored: snapshot at %d (%d bytes, equal %v), first index %d; want 25 with the view's bytes, 21",
				snap.Metadata.Index, len(snap.Data), bytes.Equal(snap.Data, want), first)
		}
		break
	}
	if first, _ := s.FirstIndex(); first != 21 {
		t.Fatalf("FirstIndex once the snapshot is stored = %d, want 21", first)
	}
	if snap, _ := s.Snapshot(); !bytes.Equal(snap.Data, want) {
		t.Fatal("Snapshot() after storing it lost the view's bytes")
	}
	// Nothing more to write: the next Save carries no part.
	before := partRecords(t, s)
	if err := appendOne(t, s, 32+uint64(nparts)); err != nil {
		t.Fatal(err)
	}
	if after := partRecords(t, s); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("parts changed after the snapshot was stored: %v -> %v", before, after)
	}
}

// testViewSnapshotPowerLoss: power is lost during the Save that carries a
// middle part. The restart has the previous snapshot and the whole log; a
// later snapshot replaces the interrupted one's parts.
func testViewSnapshotPowerLoss(t *testing.T, m medium) {
	smallParts(t, 100)
	db := m.open(t)
	s := mustRaftStorage(t, db, "member-2")
	logTo(t, s, 31)
	v, _ := viewOf(t, 12, "a")
	if err := s.CreateSnapshotView(25, &voters, v); err != nil {
		t.Fatal(err)
	}
	if err := s.Compact(20); err != nil {
		t.Fatal(err)
	}
	for i := uint64(32); i <= 33; i++ {
		if err := appendOne(t, s, i); err != nil {
			t.Fatal(err)
		}
	}
	issued := make(chan string, 1)
	db.testHookIssued = func(string) { issued <- "" }
	release := func() {}
	if m.hold != nil {
		release = m.hold()
	}
	saved := make(chan error, 1)
	go func() { saved <- appendOne(t, s, 34) }()
	<-issued
	s.Kill()
	release()
	db.testHookIssued = nil
	if err := <-saved; !errors.Is(err, ErrKilled) {
		t.Fatalf("Save during power loss: %v, want ErrKilled", err)
	}
	if err := s.Reopen(); err != nil {
		t.Fatalf("Reopen: %v", err)
	}
	snap, _ := s.Snapshot()
	first, _ := s.FirstIndex()
	last, _ := s.LastIndex()
	if snap.Metadata.Index != 1 || first != 2 || last != 33 {
		t.Fatalf("after power loss: snapshot at %d, log %d..%d; want the boot snapshot and log 2..33", snap.Metadata.Index, first, last)
	}
	if p := partRecords(t, s); len(p) != 2 {
		t.Fatalf("parts after power loss: %v, want the 2 acknowledged ones", p)
	}

	// The member snapshots again (at another index) after its restart.
	v2, want2 := viewOf(t, 8, "b")
	if err := s.CreateSnapshotView(30, &voters, v2); err != nil {
		t.Fatal(err)
	}
	if err := s.Compact(28); err != nil {
		t.Fatal(err)
	}
	for i := uint64(34); snapIndexStored(t, m, "member-2") != 30; i++ {
		if i > 100 {
			t.Fatal("snapshot at 30 never stored")
		}
		if err := appendOne(t, s, i); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range partRecords(t, s) {
		if p[:3] != "30/" {
			t.Fatalf("parts %v: the interrupted snapshot's parts were not deleted", partRecords(t, s))
		}
	}
	snap, first, _, _ = stored(t, m, "member-2")
	if !bytes.Equal(snap.Data, want2) || first != 29 {
		t.Fatalf("restart: snapshot at %d (%d bytes), first %d; want index 30 with the view's bytes, first 29", snap.Metadata.Index, len(snap.Data), first)
	}
}

func snapIndexStored(t *testing.T, m medium, ns string) uint64 {
	t.Helper()
	snap, _, _, _ := stored(t, m, ns)
	return snap.Metadata.Index
}

// testViewSnapshotNewer: a snapshot taken while an older one is being
// written waits for it; each stored one applies the compactions it covers.
func testViewSnapshotNewer(t *testing.T, m medium) {
	smallParts(t, 100)
	db := m.open(t)
	s := mustRaftStorage(t, db, "member-3")
	logTo(t, s, 31)
	v1, want1 := viewOf(t, 12, "a")
	v2, want2 := viewOf(t, 14, "b")
	if err := s.CreateSnapshotView(25, &voters, v1); err != nil {
		t.Fatal(err)
	}
	if err := s.Compact(20); err != nil {
		t.Fatal(err)
	}
	if err := appendOne(t, s, 32); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateSnapshotView(30, &voters, v2); err != nil {
		t.Fatal(err)
	}
	if err := s.Compact(27); err != nil {
		t.Fatal(err)
	}
	if snap, _ := s.Snapshot(); snap.Metadata.Index != 30 || !bytes.Equal(snap.Data, want2) {
		t.Fatalf("Snapshot() = %v, want the newer one at 30", snap.Metadata)
	}
	seen25 := false
	for i := uint64(33); snapIndexStored(t, m, "member-3") != 30; i++ {
		if i > 200 {
			t.Fatal("snapshot at 30 never stored")
		}
		if err := appendOne(t, s, i); err != nil {
			t.Fatal(err)
		}
		snap, first, _, _ := stored(t, m, "member-3")
		if snap.Metadata.Index == 25 && !seen25 {
			seen25 = true
			// Compact(27) waited too: it applies as far as the stored
			// snapshot allows.
			if !bytes.Equal(snap.Data, want1) || first != 26 {
				t.Fatalf("snapshot at 25 stored with %d bytes, first %d; want the first view's bytes, first 26", len(snap.Data), first)
			}
		}
	}
	if !seen25 {
		t.Fatal("the snapshot at 25 was never stored before the one at 30")
	}
	snap, first, _, _ := stored(t, m, "member-3")
	if !bytes.Equal(snap.Data, want2) || first != 28 {
		t.Fatalf("snapshot at 30: %d bytes, first %d; want the second view's bytes, first 28", len(snap.Data), first)
	}
	for _, p := range partRecords(t, s) {
		if p[:3] != "30/" {
			t.Fatalf("parts %v: want only those of the snapshot at 30", partRecords(t, s))
		}
	}
}

// testViewSnapshotIncoming: a leader's snapshot (Save with a snapshot)
// replaces the view snapshot being written and its parts.
func testViewSnapshotIncoming(t *testing.T, m medium) {
	smallParts(t, 100)
	db := m.open(t)
	s := mustRaftStorage(t, db, "member-4")
	logTo(t, s, 31)
	v, _ := viewOf(t, 12, "a")
	if err := s.CreateSnapshotView(25, &voters, v); err != nil {
		t.Fatal(err)
	}
	if err := s.Compact(20); err != nil {
		t.Fatal(err)
	}
	if err := appendOne(t, s, 32); err != nil {
		t.Fatal(err)
	}
	in := raftpb.Snapshot{Data: []byte("leader store at 40"), Metadata: raftpb.SnapshotMetadata{Index: 40, Term: 2, ConfState: voters}}
	if err := s.Save(raftpb.HardState{Term: 2, Commit: 40}, entries(41, 41, 2), in); err != nil {
		t.Fatal(err)
	}
	if p := partRecords(t, s); len(p) != 0 {
		t.Fatalf("parts after an incoming snapshot: %v", p)
	}
	if err := appendOne2(s, 42); err != nil {
		t.Fatal(err)
	}
	snap, first, last, _ := stored(t, m, "member-4")
	if snap.Metadata.Index != 40 || string(snap.Data) != "leader store at 40" || first != 41 || last != 42 {
		t.Fatalf("restart: snapshot %v %q, log %d..%d; want the leader's at 40, log 41..42", snap.Metadata, snap.Data, first, last)
	}
	if got, _ := s.Snapshot(); string(got.Data) != "leader store at 40" {
		t.Fatalf("Snapshot() = %q after the incoming snapshot", got.Data)
	}
}

func appendOne2(s *RaftStorage, i uint64) error {
	return s.Save(raftpb.HardState{Term: 2, Commit: i}, entries(i, i, 2), raftpb.Snapshot{})
}
