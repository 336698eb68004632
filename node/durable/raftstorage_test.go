package durable

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/raftpb"

	"github.com/etcd-play/etcd-play/node"
)

var _ node.Storage = (*RaftStorage)(nil)

// raftState renders everything raft can read from st, for comparison.
func raftState(t *testing.T, st raft.Storage) string {
	t.Helper()
	hs, cs, err := st.InitialState()
	if err != nil {
		t.Fatalf("InitialState: %v", err)
	}
	first, err1 := st.FirstIndex()
	last, err2 := st.LastIndex()
	snap, err3 := st.Snapshot()
	if err := errors.Join(err1, err2, err3); err != nil {
		t.Fatal(err)
	}
	var w bytes.Buffer
	fmt.Fprintf(&w, "hs %v\ncs %v\nfirst %d last %d\nsnap %v data %q\n", hs, cs, first, last, snap.Metadata, snap.Data)
	for i := first - 1; i <= last; i++ {
		term, err := st.Term(i)
		fmt.Fprintf(&w, "term(%d) %d %v\n", i, term, err)
	}
	if last >= first {
		ents, err := st.Entries(first, last+1, 1<<62)
		if err != nil {
			t.Fatalf("Entries(%d, %d): %v", first, last+1, err)
		}
		for _, e := range ents {
			fmt.Fprintf(&w, "entry %d/%d %q\n", e.Index, e.Term, e.Data)
		}
	}
	return w.String()
}

func mustRaftStorage(t *testing.T, db *DB, ns string) *RaftStorage {
	t.Helper()
	s, err := OpenRaftStorage(mustOpen(t, db, ns))
	if err != nil {
		t.Fatalf("OpenRaftStorage(%q): %v", ns, err)
	}
	return s
}

// runRaftStorage runs the RaftStorage tests on a medium.
func runRaftStorage(t *testing.T, newMedium func(t *testing.T) medium) {
	t.Run("MatchesMemoryStorageAcrossRestarts", func(t *testing.T) { testRaftDifferential(t, newMedium(t)) })
	t.Run("PowerLossKeepsLastSave", func(t *testing.T) { testRaftPowerLoss(t, newMedium(t)) })
	t.Run("CorruptEntryRefusesToOpen", func(t *testing.T) { testRaftCorrupt(t, newMedium(t)) })
	t.Run("QuotaChangesNothing", func(t *testing.T) { testRaftQuota(t, newMedium(t)) })
}

func TestRaftStorageMemory(t *testing.T) { runRaftStorage(t, memMedium) }

// testRaftDifferential drives a RaftStorage and raft's MemoryStorage (via
// node.MemoryStorage) through the same raft-like history: appends with
// conflicting tails, hard states, snapshots, compactions and incoming
// snapshots. After every step both must read the same, and so must a
// RaftStorage reopened from the medium (a restart).
func testRaftDifferential(t *testing.T, m medium) {
	for seed := int64(1); seed <= 3; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { raftDifferential(t, m, seed) })
	}
}

// raftDiff applies each step to a RaftStorage and a node.MemoryStorage and
// compares them, and a reopened RaftStorage, after every step.
type raftDiff struct {
	t    *testing.T
	db   *DB
	ns   string
	got  *RaftStorage
	want *node.MemoryStorage
}

func newRaftDiff(t *testing.T, m medium, ns string) *raftDiff {
	db := m.open(t)
	return &raftDiff{t: t, db: db, ns: ns, got: mustRaftStorage(t, db, ns), want: node.NewMemoryStorage()}
}

func (d *raftDiff) both(step string, f func(s node.Storage) error) {
	t := d.t
	t.Helper()
	errW, errG := f(d.want), f(d.got)
	if (errW == nil) != (errG == nil) {
		t.Fatalf("%s: MemoryStorage error %v, RaftStorage error %v", step, errW, errG)
	}
	w := raftState(t, d.want)
	if g := raftState(t, d.got); g != w {
		t.Fatalf("after %s:\ngot\n%s\nwant\n%s", step, g, w)
	}
	d.got.Namespace().Close()
	d.got = mustRaftStorage(t, d.db, d.ns)
	if g := raftState(t, d.got); g != w {
		t.Fatalf("after %s, reopened:\ngot\n%s\nwant\n%s", step, g, w)
	}
}

func (d *raftDiff) save(step string, hs raftpb.HardState, ents []raftpb.Entry, snap raftpb.Snapshot) {
	d.t.Helper()
	d.both(step, func(s node.Storage) error { return s.Save(hs, ents, snap) })
}

func bootSnap() raftpb.Snapshot {
	return raftpb.Snapshot{Metadata: raftpb.SnapshotMetadata{Index: 1, Term: 1, ConfState: raftpb.ConfState{Voters: []uint64{1, 2, 3}}}}
}

func entries(from, to, term uint64) []raftpb.Entry {
	var ents []raftpb.Entry
	for i := from; i <= to; i++ {
		ents = append(ents, raftpb.Entry{Index: i, Term: term, Data: []byte(fmt.Sprintf("put %d@%d", i, term))})
	}
	return ents
}

// TestRaftStorageStraddlingChunk: one Save's entries (one chunk) are partly
// compacted, then replaced from the middle, then from the first index
// (a history the random one rarely produces).
func TestRaftStorageStraddlingChunk(t *testing.T) {
	d := newRaftDiff(t, memMedium(t), "member-1")
	d.save("bootstrap", raftpb.HardState{Term: 1, Commit: 1}, nil, bootSnap())
	d.save("append 2..11", raftpb.HardState{Term: 1, Commit: 6}, entries(2, 11, 1), raftpb.Snapshot{})
	cs := raftpb.ConfState{Voters: []uint64{1, 2, 3}}
	d.both("snapshot at 6", func(s node.Storage) error { _, err := s.CreateSnapshot(6, &cs, []byte("s6")); return err })
	d.both("compact 4", func(s node.Storage) error { return s.Compact(4) })
	// The chunk [2, 12) keeps 5..7 (2..4 are compacted) and gains 8..9.
	d.save("replace from 8", raftpb.HardState{Term: 2, Commit: 6}, entries(8, 9, 2), raftpb.Snapshot{})
	// Compacting to the snapshot leaves nothing of the old chunk below the
	// next conflict at 7, so it goes entirely.
	d.both("compact 6", func(s node.Storage) error { return s.Compact(6) })
	d.save("replace from 7", raftpb.HardState{Term: 3, Commit: 6}, entries(7, 9, 3), raftpb.Snapshot{})
	d.save("append 10", raftpb.HardState{Term: 3, Commit: 10}, entries(10, 10, 3), raftpb.Snapshot{})
}

func raftDifferential(t *testing.T, m medium, seed int64) {
	d := newRaftDiff(t, m, fmt.Sprint("member-", seed))
	want, both := d.want, d.both
	rng := rand.New(rand.NewSource(seed))
	var term, commit uint64 = 1, 0
	// Bootstrap as node.New does.
	both("bootstrap", func(s node.Storage) error {
		return s.Save(raftpb.HardState{Term: 1, Commit: 1}, nil, raftpb.Snapshot{Metadata: raftpb.SnapshotMetadata{
			Index: 1, Term: 1, ConfState: raftpb.ConfState{Voters: []uint64{1, 2, 3}}}})
	})
	for step := 0; step < 150; step++ {
		last, _ := want.LastIndex()
		first, _ := want.FirstIndex()
		snap, _ := want.Snapshot()
		switch r := rng.Intn(10); {
		case r < 5: // append, sometimes overwriting a conflicting tail
			from := last + 1
			if r == 0 && last > commit {
				term++
				from = commit + 1 + uint64(rng.Intn(int(last-commit)))
			}
			var ents []raftpb.Entry
			for i := 0; i < 1+rng.Intn(12); i++ {
				idx := from + uint64(i)
				ents = append(ents, raftpb.Entry{Index: idx, Term: term, Data: []byte(fmt.Sprintf("put %d@%d", idx, term))})
			}
			end := ents[len(ents)-1].Index
			if lag := uint64(rng.Intn(8)); end > lag {
				commit = max(commit, end-lag)
			}
			hs := raftpb.HardState{Term: term, Vote: 1, Commit: commit}
			both(fmt.Sprintf("step %d: append %d..%d term %d", step, from, end, term), func(s node.Storage) error {
				return s.Save(hs, ents, raftpb.Snapshot{})
			})
		case r < 7: // snapshot at an applied index
			if commit <= snap.Metadata.Index {
				continue
			}
			i := snap.Metadata.Index + 1 + uint64(rng.Intn(int(commit-snap.Metadata.Index)))
			cs := raftpb.ConfState{Voters: []uint64{1, 2, 3}}
			data := []byte(fmt.Sprintf("store at %d", i))
			both(fmt.Sprintf("step %d: snapshot at %d", step, i), func(s node.Storage) error {
				_, err := s.CreateSnapshot(i, &cs, data)
				return err
			})
		case r < 9: // compact below the snapshot, keeping some entries
			if snap.Metadata.Index < first {
				continue
			}
			i := first + uint64(rng.Intn(int(snap.Metadata.Index-first+1)))
			both(fmt.Sprintf("step %d: compact %d", step, i), func(s node.Storage) error { return s.Compact(i) })
		default: // a leader's snapshot, then entries after it
			term++
			at := last + uint64(rng.Intn(5)) - 2
			if at <= snap.Metadata.Index {
				continue
			}
			in := raftpb.Snapshot{Data: []byte(fmt.Sprintf("leader store at %d", at)), Metadata: raftpb.SnapshotMetadata{
				Index: at, Term: term, ConfState: raftpb.ConfState{Voters: []uint64{1, 2, 3}}}}
			ents := []raftpb.Entry{{Index: at + 1, Term: term, Data: []byte("after snap")}}
			commit = at
			hs := raftpb.HardState{Term: term, Commit: commit}
			both(fmt.Sprintf("step %d: incoming snapshot at %d", step, at), func(s node.Storage) error {
				return s.Save(hs, ents, in)
			})
		}
	}
	// Refusals (stale snapshot, compacted index) change nothing.
	snap, _ := want.Snapshot()
	first, _ := want.FirstIndex()
	both("stale snapshot", func(s node.Storage) error {
		_, err := s.CreateSnapshot(snap.Metadata.Index, nil, nil)
		return err
	})
	both("compact below first", func(s node.Storage) error { return s.Compact(first - 1) })
}

func testRaftPowerLoss(t *testing.T, m medium) {
	db := m.open(t)
	s := mustRaftStorage(t, db, "member-2")
	boot := raftpb.Snapshot{Metadata: raftpb.SnapshotMetadata{Index: 1, Term: 1, ConfState: raftpb.ConfState{Voters: []uint64{2}}}}
	if err := s.Save(raftpb.HardState{Term: 1, Commit: 1}, nil, boot); err != nil {
		t.Fatal(err)
	}
	ents := []raftpb.Entry{{Index: 2, Term: 2, Data: []byte("a")}, {Index: 3, Term: 2, Data: []byte("b")}}
	if err := s.Save(raftpb.HardState{Term: 2, Vote: 2, Commit: 3}, ents, raftpb.Snapshot{}); err != nil {
		t.Fatal(err)
	}
	before := raftState(t, s)

	// The next Save is caught in flight by power loss.
	issued := make(chan string, 1)
	db.testHookIssued = func(string) { issued <- "" }
	release := func() {}
	if m.hold != nil {
		release = m.hold()
	}
	saved := make(chan error, 1)
	go func() {
		saved <- s.Save(raftpb.HardState{Term: 3, Vote: 2, Commit: 4},
			[]raftpb.Entry{{Index: 4, Term: 3, Data: []byte("lost")}}, raftpb.Snapshot{})
	}()
	<-issued
	s.Kill()
	release()
	db.testHookIssued = nil
	if err := <-saved; !errors.Is(err, ErrKilled) {
		t.Fatalf("Save during power loss: %v, want ErrKilled", err)
	}
	if got := raftState(t, s); got != before {
		t.Fatalf("failed Save changed the mirror:\n%s\nwant\n%s", got, before)
	}
	// Restart on the same object (the cluster keeps storages across
	// restarts): Reopen reloads what survived.
	if err := s.Save(raftpb.HardState{Term: 3}, nil, raftpb.Snapshot{}); !errors.Is(err, ErrKilled) {
		t.Fatalf("Save after power loss: %v, want ErrKilled", err)
	}
	if err := s.Reopen(); err != nil {
		t.Fatalf("Reopen: %v", err)
	}
	if got := raftState(t, s); got != before {
		t.Fatalf("after restart:\n%s\nwant the state of the last acknowledged Save:\n%s", got, before)
	}
	if err := s.Save(raftpb.HardState{Term: 3, Vote: 2, Commit: 3}, nil, raftpb.Snapshot{}); err != nil {
		t.Fatalf("Save after Reopen: %v", err)
	}
	// A clean Close followed by Reopen keeps everything.
	after := raftState(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Reopen(); err != nil {
		t.Fatal(err)
	}
	if got := raftState(t, s); got != after {
		t.Fatalf("after Close and Reopen:\n%s\nwant\n%s", got, after)
	}
}

func testRaftCorrupt(t *testing.T, m medium) {
	db := m.open(t)
	s := mustRaftStorage(t, db, "member-3")
	boot := raftpb.Snapshot{Metadata: raftpb.SnapshotMetadata{Index: 1, Term: 1, ConfState: raftpb.ConfState{Voters: []uint64{3}}}}
	ents := []raftpb.Entry{{Index: 2, Term: 1, Data: []byte("a")}, {Index: 3, Term: 1, Data: []byte("b")}}
	if err := s.Save(raftpb.HardState{Term: 1, Commit: 3}, ents, boot); err != nil {
		t.Fatal(err)
	}
	s.Namespace().Close()
	// Truncate the record of the chunk holding entries 2 and 3.
	rec, err := db.b.get("member-3", entryKey(2))
	if err != nil {
		t.Fatal(err)
	}
	putRaw(t, db, "member-3", entryKey(2), rec[:len(rec)-1])
	// The member's restart (Reopen on the kept storage) refuses.
	err = s.Reopen()
	wantCorrupt(t, err, "member-3", entryKey(2), "truncated")
	if msg := err.Error(); !strings.Contains(msg, "member-3: corrupt raft log entries from index 2") {
		t.Fatalf("message %q does not name the member and the record", msg)
	}
	// "Wipe this member's data" (possible: the refused Reopen left the
	// namespace closed): afterwards it opens empty, ready to be bootstrapped
	// and caught up by the leader.
	if err := db.Wipe("member-3"); err != nil {
		t.Fatal(err)
	}
	if err := s.Reopen(); err != nil {
		t.Fatalf("Reopen after Wipe: %v", err)
	}
	if last, _ := s.LastIndex(); last != 0 {
		t.Fatalf("wiped storage has last index %d", last)
	}
	var ns *Namespace
	// A lost chunk record (a gap in the log) is corruption too.
	if err := s.Save(raftpb.HardState{Term: 1, Commit: 1}, nil, boot); err != nil {
		t.Fatal(err)
	}
	for _, e := range append(ents, raftpb.Entry{Index: 4, Term: 1}) {
		if err := s.Save(raftpb.HardState{Term: 1, Commit: e.Index}, []raftpb.Entry{e}, raftpb.Snapshot{}); err != nil {
			t.Fatal(err)
		}
	}
	ns = s.Namespace()
	var b Batch
	b.Delete(entryKey(3))
	mustWrite(t, ns, &b)
	ns.Close()
	ns = mustOpen(t, db, "member-3")
	_, err = OpenRaftStorage(ns)
	wantCorrupt(t, err, "member-3", entryKey(4), "expected index 3")
	// So is a log that does not resume right after the boundary.
	b.Reset()
	b.Delete(entryKey(2))
	mustWrite(t, ns, &b)
	ns.Close()
	_, err = OpenRaftStorage(mustOpen(t, db, "member-3"))
	wantCorrupt(t, err, "member-3", entryKey(4), "expected index 2")
}

func testRaftQuota(t *testing.T, m medium) {
	if m.setQuota == nil {
		t.Skip("this medium cannot simulate a quota: TestIndexedDBRealQuota (make test-idb-quota) fills a real one")
	}
	db := m.open(t)
	s := mustRaftStorage(t, db, "member-4")
	boot := raftpb.Snapshot{Metadata: raftpb.SnapshotMetadata{Index: 1, Term: 1, ConfState: raftpb.ConfState{Voters: []uint64{4}}}}
	if err := s.Save(raftpb.HardState{Term: 1, Commit: 1}, nil, boot); err != nil {
		t.Fatal(err)
	}
	before := raftState(t, s)
	m.setQuota(1000)
	big := []raftpb.Entry{{Index: 2, Term: 1, Data: bytes.Repeat([]byte("x"), 2000)}}
	if err := s.Save(raftpb.HardState{Term: 1, Commit: 2}, big, raftpb.Snapshot{}); !errors.Is(err, ErrQuota) {
		t.Fatalf("Save over quota: %v, want ErrQuota", err)
	}
	if got := raftState(t, s); got != before {
		t.Fatalf("failed Save changed the mirror:\n%s\nwant\n%s", got, before)
	}
	s.Namespace().Close()
	if got := raftState(t, mustRaftStorage(t, db, "member-4")); got != before {
		t.Fatalf("after restart:\n%s\nwant\n%s", got, before)
	}
}
