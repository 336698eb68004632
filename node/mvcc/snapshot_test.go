package mvcc

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math/rand"
	"reflect"
	"strings"
	"testing"
)

// buildStore makes a store with history, tombstones, a compaction, cached
// hashes and leases, deterministically from seed.
func buildStore(t testing.TB, seed int64, ops int) *Store {
	t.Helper()
	rng := rand.New(rand.NewSource(seed))
	s := New()
	for _, id := range []int64{7, 9} {
		if _, err := s.LeaseGrant(&LeaseGrantRequest{ID: id, TTL: 30 + id}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < ops; i++ {
		k := []byte(fmt.Sprintf("key%02d", rng.Intn(12)))
		switch x := rng.Intn(20); {
		case x < 12:
			l := []int64{0, 0, 7, 9}[rng.Intn(4)]
			if _, err := s.Put(&PutRequest{Key: k, Value: []byte(fmt.Sprint(rng.Intn(100))), Lease: l}); err != nil {
				t.Fatal(err)
			}
		case x < 16:
			mustDelete(t, s, string(k), "")
		case x < 17:
			mustDelete(t, s, "key0", "key1")
		case x < 19:
			if rev := s.Rev() - int64(rng.Intn(5)); rev > s.CompactRev() {
				if _, err := s.Compact(rev); err != nil {
					t.Fatal(err)
				}
			}
		default:
			if _, err := s.Txn(&TxnRequest{Success: []RequestOp{put("txa", "1"), put("txb", "2"), del("key03", "")}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	return s
}

// sameStore fails unless a and b answer alike: revisions, stats, every key
// at every readable revision, HashKV, leases and their keys.
func sameStore(t *testing.T, a, b *Store) {
	t.Helper()
	if a.Stats() != b.Stats() {
		t.Fatalf("stats %+v vs %+v", a.Stats(), b.Stats())
	}
	for rev := max(a.CompactRev(), 1); rev <= a.Rev(); rev++ {
		r := &RangeRequest{Key: []byte{0}, End: []byte{0}, Rev: rev}
		ra, errA := a.Range(r)
		rb, errB := b.Range(r)
		if errA != nil || errB != nil || !reflect.DeepEqual(summarize(ra.KVs), summarize(rb.KVs)) {
			t.Fatalf("range @%d: %v %v\n%+v\n%+v", rev, errA, errB, summarize(ra.KVs), summarize(rb.KVs))
		}
		ha, errA := a.HashKV(rev)
		hb, errB := b.HashKV(rev)
		if ha != hb || !errors.Is(errA, errB) {
			t.Fatalf("hash @%d: %+v %v vs %+v %v", rev, ha, errA, hb, errB)
		}
	}
	if !reflect.DeepEqual(a.Leases(), b.Leases()) {
		t.Fatalf("leases %+v vs %+v", a.Leases(), b.Leases())
	}
	for _, l := range a.Leases() {
		ta, _ := a.LeaseTimeToLive(l.ID, true)
		tb, _ := b.LeaseTimeToLive(l.ID, true)
		if !reflect.DeepEqual(ta, tb) {
			t.Fatalf("lease %d: %+v vs %+v", l.ID, ta, tb)
		}
	}
}

func TestSnapshotRoundTrip(t *testing.T) {
	for seed := int64(0); seed < 20; seed++ {
		s := buildStore(t, seed, 300)
		snap, err := s.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		r, err := Restore(snap)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		sameStore(t, s, r)
		again, _ := r.Snapshot()
		if !bytes.Equal(snap, again) {
			t.Fatalf("seed %d: snapshot of the restored store differs", seed)
		}
		// Both continue identically.
		for _, st := range []*Store{s, r} {
			mustPut(t, st, "after", "x")
			if _, err := st.LeaseRevoke(7); err != nil {
				t.Fatal(err)
			}
		}
		sameStore(t, s, r)
	}
}

func TestRestoreRejectsCorruption(t *testing.T) {
	snap, _ := buildStore(t, 3, 200).Snapshot()
	for n := 0; n < len(snap); n += 1 + n/8 {
		if _, err := Restore(snap[:n]); !errors.Is(err, ErrSnapshotCorrupt) {
			t.Fatalf("truncated to %d: err %v", n, err)
		}
	}
	for i := 0; i < len(snap); i += 7 {
		b := bytes.Clone(snap)
		b[i] ^= 0x10
		if _, err := Restore(b); !errors.Is(err, ErrSnapshotCorrupt) {
			t.Fatalf("bit flip at %d: err %v", i, err)
		}
	}
}

// reseal replaces the checksum so that a content error (not the checksum)
// must catch the change.
func reseal(b []byte) []byte {
	body := b[:len(b)-4]
	return binary.BigEndian.AppendUint32(bytes.Clone(body), crc32.Checksum(body, castagnoli))
}

func TestRestoreRejectsInconsistentContent(t *testing.T) {
	s := New()
	if _, err := s.LeaseGrant(&LeaseGrantRequest{ID: 5, TTL: 10}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(&PutRequest{Key: []byte("k"), Value: []byte("v"), Lease: 5}); err != nil {
		t.Fatal(err)
	}
	good, _ := s.Snapshot()
	// Drop the lease (last 2 bytes before the checksum: id 5, ttl 10, count 1).
	body := good[:len(good)-4]
	noLease := append(bytes.Clone(body[:len(body)-3]), 0)
	if _, err := Restore(reseal(append(noLease, 0, 0, 0, 0))); !errors.Is(err, ErrSnapshotCorrupt) || !strings.Contains(err.Error(), "unknown lease") {
		t.Fatalf("key with unknown lease: %v", err)
	}
	// Trailing garbage.
	if _, err := Restore(reseal(append(bytes.Clone(body), 1, 0, 0, 0, 0))); !errors.Is(err, ErrSnapshotCorrupt) || !strings.Contains(err.Error(), "trailing") {
		t.Fatalf("trailing bytes: %v", err)
	}
	if _, err := Restore(good); err != nil {
		t.Fatalf("good snapshot: %v", err)
	}
}

func FuzzRestore(f *testing.F) {
	for _, seed := range []int64{1, 2} {
		snap, _ := buildStore(f, seed, 60).Snapshot()
		f.Add(snap)
		f.Add(snap[:len(snap)/2])
		f.Add(reseal(snap[:len(snap)-9]))
		flipped := bytes.Clone(snap)
		flipped[len(flipped)/3] ^= 1
		f.Add(flipped)
		f.Add(reseal(flipped))
	}
	empty, _ := New().Snapshot()
	f.Add(empty)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		checkRestore(t, b)
		if len(b) >= 4 {
			// Also with a valid checksum, so the decoder's own checks are
			// exercised rather than only the checksum.
			checkRestore(t, reseal(b))
		}
	})
}

// checkRestore: Restore either fails with ErrSnapshotCorrupt and no store,
// or returns a usable store that snapshots back to exactly b.
func checkRestore(t *testing.T, b []byte) {
	t.Helper()
	s, err := Restore(b)
	if err != nil {
		if !errors.Is(err, ErrSnapshotCorrupt) || s != nil {
			t.Fatalf("error %v does not wrap ErrSnapshotCorrupt or store returned", err)
		}
		return
	}
	// A restored store is usable and snapshots back to the same bytes.
	again, err := s.Snapshot()
	if err != nil || !bytes.Equal(again, b) {
		t.Fatalf("re-snapshot differs (err %v)", err)
	}
	if _, err := s.HashKV(0); err != nil {
		t.Fatal(err)
	}
	mustPut(t, s, "fuzz", "v")
}
