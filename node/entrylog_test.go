package node

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/raftpb"
)

// MemoryStorage answers exactly as raft.MemoryStorage over a random
// raft-like history (appends that grow the log across many chunks,
// conflicting tails cut inside and at the start of chunks, snapshots,
// compactions, incoming snapshots): every read, error included, after
// every step. Slices it returned earlier never change afterwards (raft
// keeps them in messages and Readys).
func TestMemoryStorageMatchesRaft(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { memoryStorageDiff(t, seed) })
	}
}

// handedOut is a slice Entries returned and a copy of what it held then.
type handedOut struct {
	got, want []raftpb.Entry
}

func memoryStorageDiff(t *testing.T, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 99))
	ours, ref := NewMemoryStorage(), raft.NewMemoryStorage()
	boot := raftpb.Snapshot{Metadata: raftpb.SnapshotMetadata{Index: 1, Term: 1, ConfState: raftpb.ConfState{Voters: []uint64{1}}}}
	if err := ours.Save(raftpb.HardState{Term: 1, Commit: 1}, nil, boot); err != nil {
		t.Fatal(err)
	}
	ref.ApplySnapshot(boot)
	ref.SetHardState(raftpb.HardState{Term: 1, Commit: 1})
	var kept []handedOut
	term, commit := uint64(1), uint64(1)
	for step := range 3000 {
		first, _ := ref.FirstIndex()
		last, _ := ref.LastIndex()
		snap, _ := ref.Snapshot()
		var what string
		switch r := rng.IntN(100); {
		case r < 60: // append, sometimes replacing a conflicting tail
			from := last + 1
			if r < 8 && last > commit {
				term++
				from = commit + 1 + rng.Uint64N(last-commit)
			}
			if r == 8 && from > first+3 {
				from -= 3 // overlaps the compacted boundary: the overlap is ignored
			}
			ents := make([]raftpb.Entry, 1+rng.IntN(150))
			for i := range ents {
				idx := from + uint64(i)
				ents[i] = raftpb.Entry{Index: idx, Term: term, Data: fmt.Appendf(nil, "%d@%d%s", idx, term, make([]byte, rng.IntN(40)))}
			}
			end := ents[len(ents)-1].Index
			commit = max(commit, end-min(end, rng.Uint64N(40)))
			hs := raftpb.HardState{Term: term, Commit: commit}
			what = fmt.Sprintf("append %d..%d", from, end)
			if err := ours.Save(hs, ents, raftpb.Snapshot{}); err != nil {
				t.Fatalf("step %d: %s: %v", step, what, err)
			}
			ref.Append(ents)
			ref.SetHardState(hs)
		case r < 75: // snapshot at a committed index
			if commit <= snap.Metadata.Index {
				continue
			}
			i := min(snap.Metadata.Index+1+rng.Uint64N(commit-snap.Metadata.Index), last)
			what = fmt.Sprintf("snapshot at %d", i)
			data := fmt.Appendf(nil, "store %d", i)
			cs := raftpb.ConfState{Voters: []uint64{1}}
			_, errO := ours.CreateSnapshot(i, &cs, data)
			_, errR := ref.CreateSnapshot(i, &cs, data)
			if errO != errR {
				t.Fatalf("step %d: %s: error %v, raft's %v", step, what, errO, errR)
			}
		case r < 95: // compact up to the snapshot (or a stale index)
			i := first - 1 + rng.Uint64N(snap.Metadata.Index-first+3)
			i = min(i, snap.Metadata.Index)
			what = fmt.Sprintf("compact %d", i)
			if errO, errR := ours.Compact(i), ref.Compact(i); errO != errR {
				t.Fatalf("step %d: %s: error %v, raft's %v", step, what, errO, errR)
			}
		default: // an incoming snapshot (sometimes a stale one)
			at := snap.Metadata.Index - 2 + rng.Uint64N(last-snap.Metadata.Index+40)
			term++
			in := raftpb.Snapshot{Data: fmt.Appendf(nil, "leader %d", at), Metadata: raftpb.SnapshotMetadata{
				Index: at, Term: term, ConfState: raftpb.ConfState{Voters: []uint64{1}}}}
			what = fmt.Sprintf("incoming snapshot at %d", at)
			errO := ours.Save(raftpb.HardState{}, nil, in)
			errR := ref.ApplySnapshot(in)
			if errO != errR {
				t.Fatalf("step %d: %s: error %v, raft's %v", step, what, errO, errR)
			}
			if errR == nil {
				commit = at
			}
		}
		kept = compareStorages(t, fmt.Sprintf("step %d (%s)", step, what), rng, ours, ref, kept)
	}
}

func compareStorages(t *testing.T, when string, rng *rand.Rand, ours *MemoryStorage, ref *raft.MemoryStorage, kept []handedOut) []handedOut {
	t.Helper()
	check := func(what string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: %s = %v, raft's %v", when, what, got, want)
		}
	}
	first, _ := ours.FirstIndex()
	wfirst, _ := ref.FirstIndex()
	last, _ := ours.LastIndex()
	wlast, _ := ref.LastIndex()
	check("FirstIndex", first, wfirst)
	check("LastIndex", last, wlast)
	hs, cs, _ := ours.InitialState()
	whs, wcs, _ := ref.InitialState()
	check("HardState", hs, whs)
	check("ConfState", cs, wcs)
	snap, _ := ours.Snapshot()
	wsnap, _ := ref.Snapshot()
	check("Snapshot", snap, wsnap)
	for i := first - min(first, 2); i <= last+1; i++ {
		if i > first+2 && i+2 < last && rng.IntN(16) != 0 {
			continue // the ends always, a sample of the middle
		}
		term, err := ours.Term(i)
		wterm, werr := ref.Term(i)
		if term != wterm || err != werr {
			t.Fatalf("%s: Term(%d) = %d, %v; raft's %d, %v", when, i, term, err, wterm, werr)
		}
	}
	for range 20 {
		lo := first - 1 + rng.Uint64N(last-first+3)
		hi := lo + rng.Uint64N(last+2-min(lo, last+1))
		if lo == 0 || hi > last+1 || lo >= hi {
			continue
		}
		maxSize := []uint64{0, 100, 1000, 10000, 1 << 62}[rng.IntN(5)]
		got, err := ours.Entries(lo, hi, maxSize)
		want, werr := ref.Entries(lo, hi, maxSize)
		if err != nil || werr != nil {
			check(fmt.Sprintf("Entries(%d, %d, %d) error", lo, hi, maxSize), err, werr)
			continue
		}
		if !sameEntries(got, want) {
			t.Fatalf("%s: Entries(%d, %d, %d) = %d entries, raft's %d (or contents differ)", when, lo, hi, maxSize, len(got), len(want))
		}
		if len(got) > 0 && rng.IntN(4) == 0 {
			kept = append(kept, handedOut{got: got, want: append([]raftpb.Entry(nil), want...)})
		}
	}
	for _, h := range kept {
		if !sameEntries(h.got, h.want) {
			t.Fatalf("%s: a slice returned earlier by Entries changed", when)
		}
	}
	if len(kept) > 60 {
		kept = kept[len(kept)-30:]
	}
	return kept
}

func sameEntries(a, b []raftpb.Entry) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Index != b[i].Index || a[i].Term != b[i].Term || a[i].Type != b[i].Type || !bytes.Equal(a[i].Data, b[i].Data) {
			return false
		}
	}
	return true
}
