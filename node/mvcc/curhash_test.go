package mvcc

import (
	"fmt"
	"math/rand"
	"testing"
)

// scanHash is HashKV at the current revision computed by a full scan (the
// definition the incremental hash must match).
func scanHash(s *Store) HashKVResult {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.hashScan(s.rev, nil)
}

// cachedHash reports whether a compaction cached a hash at rev (which
// HashKV(rev) returns, as etcd, instead of hashing).
func cachedHash(s *Store, rev int64) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, h := range s.hashes {
		if h.HashRevision == rev {
			return true
		}
	}
	return false
}

// checkCurrentHash compares HashKV(0) and HashKV(Rev()) with a scan (but
// for a revision a compaction cached a hash for).
func checkCurrentHash(t *testing.T, s *Store, step int, what string) {
	t.Helper()
	want := scanHash(s)
	for _, rev := range []int64{0, s.Rev()} {
		if cachedHash(s, rev) {
			continue
		}
		got, err := s.HashKV(rev)
		if err != nil {
			t.Fatalf("step %d (%s): HashKV(%d): %v", step, what, rev, err)
		}
		if got != want {
			t.Fatalf("step %d (%s): HashKV(%d) = %+v, scan %+v", step, what, rev, got, want)
		}
	}
}

// randomWrite applies one random write to s (errors such as a revoked
// lease or a rejected txn are part of the workload) and describes it. A
// "restore" replaces s by a store restored from its snapshot.
func randomWrite(t *testing.T, s *Store, rng *rand.Rand, leases *[]int64) (*Store, string) {
	t.Helper()
	key := func() []byte { return []byte(fmt.Sprintf("k%02d", rng.Intn(40))) }
	val := func() []byte { return []byte("0123456789abcdefghij"[:rng.Intn(21)]) }
	switch x := rng.Intn(100); {
	case x < 45:
		var id int64
		if len(*leases) > 0 && rng.Intn(4) == 0 {
			id = (*leases)[rng.Intn(len(*leases))]
		}
		_, _ = s.Put(&PutRequest{Key: key(), Value: val(), Lease: id})
		return s, "put"
	case x < 60:
		_, _ = s.DeleteRange(&DeleteRangeRequest{Key: key()})
		return s, "delete"
	case x < 64:
		from := key()
		_, _ = s.DeleteRange(&DeleteRangeRequest{Key: from, End: []byte{0}})
		return s, "delete from key"
	case x < 75:
		// Delete and put in one revision, including a from-key delete
		// followed by a put of a key it deleted.
		_, _ = s.Txn(&TxnRequest{Success: []RequestOp{
			{DeleteRange: &DeleteRangeRequest{Key: key(), End: []byte{0}}},
			{Put: &PutRequest{Key: key(), Value: val()}},
		}})
		return s, "txn delete+put"
	case x < 85:
		rev := s.Rev()
		c := s.CompactRev()
		if rev > c+1 {
			_, _ = s.Compact(c + 1 + rng.Int63n(rev-c))
		}
		return s, "compact"
	case x < 92:
		id := int64(rng.Intn(1000) + 1)
		if _, err := s.LeaseGrant(&LeaseGrantRequest{ID: id, TTL: 10}); err == nil {
			*leases = append(*leases, id)
		}
		return s, "lease grant"
	case x < 97:
		if len(*leases) > 0 {
			i := rng.Intn(len(*leases))
			_, _ = s.LeaseRevoke((*leases)[i])
			*leases = append((*leases)[:i], (*leases)[i+1:]...)
		}
		return s, "lease revoke"
	default:
		b, err := s.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		r, err := Restore(b)
		if err != nil {
			t.Fatal(err)
		}
		return r, "restore"
	}
}

// TestHashKVCurrentIncremental checks the incremental hash against a scan
// after random writes, compactions, lease revocations and restores, asking
// after every write or only now and then (so that appended entries and
// superseded blocks accumulate between calls).
func TestHashKVCurrentIncremental(t *testing.T) {
	for seed := int64(1); seed <= 20; seed++ {
		rng := rand.New(rand.NewSource(seed))
		s := New()
		var leases []int64
		every := 1 + int(seed%4)*3
		for step := 0; step < 1500; step++ {
			var what string
			s, what = randomWrite(t, s, rng, &leases)
			if step%every == 0 {
				checkCurrentHash(t, s, step, fmt.Sprintf("seed %d, %s", seed, what))
			}
		}
	}
}

// TestHashKVCurrentBlocks covers a compacted prefix of many blocks, with
// superseded entries scattered over it, then every key deleted (no key
// keeps a revision: HashKV scans), then one key back.
func TestHashKVCurrentBlocks(t *testing.T) {
	s := New()
	const n = 20 * hashBlock
	for i := range n {
		mustPut(t, s, fmt.Sprintf("k%04d", i), fmt.Sprint(i))
	}
	if _, err := s.Compact(s.Rev()); err != nil {
		t.Fatal(err)
	}
	checkCurrentHash(t, s, 0, "compacted")
	for i := 0; i < n; i += 7 {
		mustPut(t, s, fmt.Sprintf("k%04d", i), "new")
		if i%3 == 0 {
			mustDelete(t, s, fmt.Sprintf("k%04d", i+1), "")
		}
		if i%5 == 0 {
			checkCurrentHash(t, s, i, "superseding")
		}
	}
	checkCurrentHash(t, s, n, "superseded")
	mustDelete(t, s, "k", "l")
	checkCurrentHash(t, s, n+1, "all deleted")
	mustPut(t, s, "k0001", "back")
	checkCurrentHash(t, s, n+2, "one key back")
}

// TestHashKVCurrentOnlyKeyDeletedAndPut covers hashCovers failing with a
// live key: the only live key is deleted and put again in one revision, so
// no key keeps a revision and etcd hashes the whole compacted prefix.
func TestHashKVCurrentOnlyKeyDeletedAndPut(t *testing.T) {
	s := New()
	mustPut(t, s, "a", "1")
	mustPut(t, s, "b", "1")
	mustDelete(t, s, "b", "")
	if _, err := s.Compact(s.Rev() - 1); err != nil { // keeps a@2 and b@3
		t.Fatal(err)
	}
	checkCurrentHash(t, s, 0, "compacted")
	_, err := s.Txn(&TxnRequest{Success: []RequestOp{
		{DeleteRange: &DeleteRangeRequest{Key: []byte("a"), End: []byte{0}}},
		{Put: &PutRequest{Key: []byte("a"), Value: []byte("2")}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.Keys != 1 {
		t.Fatalf("stats %+v, want one live key", st)
	}
	checkCurrentHash(t, s, 1, "deleted and put in one txn")
}

// TestCompactionHashFromSegments checks that a compaction hashes the same
// from the incremental hash's stored segments as from the bytes: two stores
// get the same random writes; one is asked HashKV(0) now and then (so it
// holds segments, which its compactions filter and hash from), the other
// never. After every compaction both must cache the same hash, and now and
// then the first must still match a scan of its bytes, at the current
// revision and at an older one (hashed from segments).
func TestCompactionHashFromSegments(t *testing.T) {
	segments := func(s *Store) int {
		s.hmu.Lock()
		defer s.hmu.Unlock()
		return len(s.cur.segs)
	}
	for seed := int64(1); seed <= 20; seed++ {
		rngA, rngB := rand.New(rand.NewSource(seed)), rand.New(rand.NewSource(seed))
		pick := rand.New(rand.NewSource(-seed)) // older revisions to ask a for
		a, b := New(), New()
		var leasesA, leasesB []int64
		every := 1 + int(seed%4)*3
		withSegments := 0 // compactions of a store holding segments
		for step := 0; step < 1500; step++ {
			held := segments(a)
			var what string
			a, what = randomWrite(t, a, rngA, &leasesA)
			b, _ = randomWrite(t, b, rngB, &leasesB)
			if what == "compact" && cachedHash(a, a.CompactRev()) {
				if held > 0 {
					withSegments++
				}
				ha, errA := a.HashKV(a.CompactRev())
				hb, errB := b.HashKV(b.CompactRev())
				if errA != nil || errB != nil || ha != hb {
					t.Fatalf("seed %d step %d: compaction hash with segments %+v (%v), from bytes %+v (%v)",
						seed, step, ha, errA, hb, errB)
				}
			}
			if step%every == 0 {
				checkCurrentHash(t, a, step, fmt.Sprintf("seed %d, %s", seed, what))
				checkOlderHash(t, a, pick, step)
			}
		}
		if withSegments == 0 {
			t.Fatalf("seed %d: no compaction hashed from segments", seed)
		}
	}
}

// checkOlderHash compares HashKV at a random revision between the
// compaction revision and the current one (exclusive, where the store
// scans: from segments) with a scan of the bytes.
func checkOlderHash(t *testing.T, s *Store, rng *rand.Rand, step int) {
	t.Helper()
	low, rev := max(s.CompactRev(), 1), s.Rev()
	if rev-low < 2 {
		return
	}
	r := low + 1 + rng.Int63n(rev-low-1)
	if cachedHash(s, r) {
		return
	}
	got, err := s.HashKV(r)
	if want := scanAt(s, r); err != nil || got != want {
		t.Fatalf("step %d: HashKV(%d) = %+v (%v), scan of the bytes %+v", step, r, got, err, want)
	}
}
