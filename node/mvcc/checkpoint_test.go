package mvcc

import (
	"math/rand"
	"slices"
	"testing"
)

func checkpointsOf(s *Store) []HashKVResult {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.checkpoints)
}

func compactionHashes(s *Store) []HashKVResult {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.hashes)
}

func scanAt(s *Store, rev int64) HashKVResult {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.hashScan(rev, nil)
}

// Two stores take the same random writes, compactions, lease revocations
// and restores; one records hash checkpoints every k revisions (1..5, so
// that compactions often land on one). Checkpoints change no result: every
// live checkpoint equals a scan at its revision, compactions cache the same
// hashes as the store without checkpoints (where a checkpoint stood in for
// the compaction's own hashing), and HashKV agrees at the checkpoint
// revisions, the compaction revision, the current one and a random one.
func TestHashCheckpointsChangeNoResult(t *testing.T) {
	for seed := int64(1); seed <= 20; seed++ {
		k := 1 + seed%5
		ra, rb, rr := rand.New(rand.NewSource(seed)), rand.New(rand.NewSource(seed)), rand.New(rand.NewSource(-seed))
		a, b := New(), New()
		a.SetHashEvery(k)
		var la, lb []int64
		used := 0
		for step := 0; step < 1200; step++ {
			var what string
			a, what = randomWrite(t, a, ra, &la)
			b, _ = randomWrite(t, b, rb, &lb)
			if what == "restore" {
				a.SetHashEvery(k)
			}
			if a.Rev() != b.Rev() || a.CompactRev() != b.CompactRev() {
				t.Fatalf("seed %d step %d: the twins diverged", seed, step)
			}
			revs := []int64{a.Rev(), max(a.CompactRev(), 1), 1 + rr.Int63n(a.Rev())}
			for _, cp := range checkpointsOf(a) {
				if cp.CompactRevision != a.CompactRev() || cp.HashRevision < a.CompactRev() {
					continue // no longer answers: taken under another compaction
				}
				used++
				if want := scanAt(a, cp.HashRevision); cp != want {
					t.Fatalf("seed %d step %d (%s): checkpoint %+v, scan %+v", seed, step, what, cp, want)
				}
				revs = append(revs, cp.HashRevision)
			}
			if ha, hb := compactionHashes(a), compactionHashes(b); !slices.Equal(ha, hb) {
				t.Fatalf("seed %d step %d (%s): compaction hashes %+v, without checkpoints %+v", seed, step, what, ha, hb)
			}
			for _, r := range revs {
				ha, ea := a.HashKV(r)
				hb, eb := b.HashKV(r)
				if ha != hb || (ea == nil) != (eb == nil) {
					t.Fatalf("seed %d step %d (%s): HashKV(%d) = %+v, %v; without checkpoints %+v, %v", seed, step, what, r, ha, ea, hb, eb)
				}
			}
		}
		if used == 0 {
			t.Fatalf("seed %d: no checkpoint was ever live", seed)
		}
	}
}

// A compaction at a checkpoint does not hash the store again: it caches
// the checkpoint (the same value a scan gives, checked above).
func TestCompactionUsesCheckpoint(t *testing.T) {
	s := New()
	s.SetHashEvery(10)
	for i := 0; i < 25; i++ {
		if _, err := s.Put(&PutRequest{Key: []byte{'k', byte('a' + i%5)}, Value: []byte{byte(i)}}); err != nil {
			t.Fatal(err)
		}
	}
	cp, ok := s.checkpointAt(20, -1)
	if !ok {
		t.Fatalf("no checkpoint at revision 20: %+v", checkpointsOf(s))
	}
	// Poison the checkpoint: if Compact used it, the cached hash shows it.
	s.mu.Lock()
	for i := range s.checkpoints {
		if s.checkpoints[i].HashRevision == 20 {
			s.checkpoints[i].Hash ^= 0xffffffff
		}
	}
	s.mu.Unlock()
	if _, err := s.Compact(20); err != nil {
		t.Fatal(err)
	}
	h, err := s.HashKV(20)
	if err != nil {
		t.Fatal(err)
	}
	if h.Hash != cp.Hash^0xffffffff {
		t.Fatalf("compaction at a checkpoint cached %08x, want the checkpoint's %08x", h.Hash, cp.Hash^0xffffffff)
	}
}
