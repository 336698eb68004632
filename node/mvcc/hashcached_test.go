package mvcc

import (
	"fmt"
	"math/rand"
	"testing"
)

// wantCached fails unless HashCachedAt(rev) is want and, where true,
// CachedHashes lists rev under the compaction revision HashKV answers with.
func wantCached(t *testing.T, s *Store, rev int64, want bool, why string) {
	t.Helper()
	if got := s.HashCachedAt(rev); got != want {
		t.Fatalf("HashCachedAt(%d) = %v, want %v: %s (revision %d, compacted %d)", rev, got, want, why, s.Rev(), s.CompactRev())
	}
	var listed *HashPoint
	for _, p := range s.CachedHashes(nil) {
		if p.Rev == rev {
			listed = &p
		}
	}
	if rev != 0 && (listed != nil) != want {
		t.Fatalf("CachedHashes lists %d: %v, want %v: %s", rev, listed != nil, want, why)
	}
	if listed != nil {
		h, err := s.HashKV(rev)
		if err != nil || h.CompactRevision != listed.CompactRev {
			t.Fatalf("CachedHashes lists %+v; HashKV(%d) = %+v, %v", *listed, rev, h, err)
		}
	}
}

// The revisions a store hashes for free: its checkpoints while the
// compaction revision they were taken under is its own, the compaction
// revisions whose hashes its compactions cached, and the current revision;
// not a revision between checkpoints (a scan), a checkpoint a later
// compaction voided, a compacted or a future revision.
func TestHashCachedAt(t *testing.T) {
	s := New()
	s.SetHashEvery(10)
	for i := range 35 { // revisions 2..36
		mustPut(t, s, fmt.Sprintf("k%02d", i%12), fmt.Sprintf("v%d", i))
	}
	for _, r := range []int64{10, 20, 30} {
		wantCached(t, s, r, true, "a checkpoint")
	}
	wantCached(t, s, 15, false, "between checkpoints: HashKV scans")
	wantCached(t, s, 36, true, "the current revision")
	wantCached(t, s, 0, true, "the current revision")
	wantCached(t, s, 37, false, "a future revision")

	if _, err := s.Compact(20); err != nil {
		t.Fatal(err)
	}
	wantCached(t, s, 20, true, "the compaction revision: its hash is cached")
	wantCached(t, s, 30, false, "a checkpoint taken under compaction revision -1, voided by the compaction at 20")
	wantCached(t, s, 10, false, "compacted")
	wantCached(t, s, 25, false, "above the compaction, no checkpoint: a scan")
	wantCached(t, s, 36, true, "the current revision")

	for i := range 10 { // revisions 37..46
		mustPut(t, s, fmt.Sprintf("k%02d", i), "w")
	}
	wantCached(t, s, 40, true, "a checkpoint taken under the current compaction revision")
	wantCached(t, s, 36, false, "no longer current, no checkpoint: a scan")

	if _, err := s.Compact(25); err != nil { // not at a checkpoint
		t.Fatal(err)
	}
	wantCached(t, s, 25, true, "the compaction revision")
	wantCached(t, s, 20, true, "an earlier compaction's cached hash, which HashKV still returns")
	wantCached(t, s, 40, false, "a checkpoint voided by the compaction at 25")
	for _, r := range []int64{20, 25} {
		h, err := s.HashKV(r)
		if err != nil || h.HashRevision != r {
			t.Fatalf("HashKV(%d) = %+v, %v", r, h, err)
		}
	}

	// The current revision where the incremental hash does not hold: every
	// key deleted in the last revision, with history at or below the
	// compaction revision (hashCovers), HashKV scans.
	u := New()
	mustPut(t, u, "a", "1")
	mustPut(t, u, "b", "2")
	if _, err := u.Compact(u.Rev()); err != nil {
		t.Fatal(err)
	}
	mustDelete(t, u, "a", "c")
	wantCached(t, u, u.Rev(), false, "every key deleted at the current revision: HashKV scans")
	mustPut(t, u, "c", "3")
	wantCached(t, u, u.Rev(), true, "a live key again")
}

// Under random writes, compactions, lease revocations and restores,
// CachedHashes lists exactly the revisions in [1, Rev] where HashCachedAt
// holds, each once, with the compaction revision HashKV answers under, and
// the listed checkpoints' hashes equal a scan.
func TestCachedHashesMatchHashCachedAt(t *testing.T) {
	for seed := int64(1); seed <= 10; seed++ {
		k := 1 + seed%4
		rng := rand.New(rand.NewSource(seed))
		s := New()
		s.SetHashEvery(k)
		var leases []int64
		for step := 0; step < 600; step++ {
			var what string
			s, what = randomWrite(t, s, rng, &leases)
			if what == "restore" {
				s.SetHashEvery(k)
			}
			pts := s.CachedHashes(nil)
			listed := make(map[int64]int64, len(pts))
			for _, p := range pts {
				if _, dup := listed[p.Rev]; dup {
					t.Fatalf("seed %d step %d (%s): %d listed twice in %+v", seed, step, what, p.Rev, pts)
				}
				listed[p.Rev] = p.CompactRev
			}
			for r := int64(1); r <= s.Rev(); r++ {
				cr, ok := listed[r]
				if s.HashCachedAt(r) != ok {
					t.Fatalf("seed %d step %d (%s): HashCachedAt(%d) = %v, listed %v", seed, step, what, r, !ok, ok)
				}
				if !ok {
					continue
				}
				h, err := s.HashKV(r)
				if err != nil || h.CompactRevision != cr {
					t.Fatalf("seed %d step %d (%s): listed (%d, %d), HashKV %+v, %v", seed, step, what, r, cr, h, err)
				}
				if cr == s.CompactRev() && r >= s.CompactRev() {
					if want := scanAt(s, r); h != want {
						t.Fatalf("seed %d step %d (%s): HashKV(%d) = %+v, scan %+v", seed, step, what, r, h, want)
					}
				}
			}
		}
	}
}
