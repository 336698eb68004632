package mvcc

import (
	"fmt"
	"math/rand"
	"testing"
)

// KeyHistory agrees with Range at every revision: each put it lists is
// what Range at that revision returns, each tombstone is a revision at
// which the key is absent, and they are exactly the revisions since the
// compacted one at which the key changed (plus what compaction kept).
func TestKeyHistoryAgreesWithRange(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	s := New()
	keys := []string{"a", "b", "c"}
	for i := range 400 {
		k := keys[r.Intn(len(keys))]
		switch {
		case r.Intn(5) == 0:
			mustDelete(t, s, k, "")
		default:
			mustPut(t, s, k, fmt.Sprintf("v%d", i))
		}
		if i == 250 {
			if _, err := s.Compact(s.Rev() - 40); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, k := range keys {
		revs, more, rev, compacted := s.KeyHistory([]byte(k), 0)
		if more || rev != s.Rev() || compacted != s.CompactRev() {
			t.Fatalf("%s: more %t rev %d compacted %d", k, more, rev, compacted)
		}
		listed := map[int64]KeyRevision{}
		for i, h := range revs {
			if i > 0 && h.Revision >= revs[i-1].Revision {
				t.Fatalf("%s: not newest first: %d after %d", k, h.Revision, revs[i-1].Revision)
			}
			listed[h.Revision] = h
		}
		// Every revision after the compacted one where the key changed.
		var prev *KeyValue
		changes := 0
		for at := compacted; at <= rev; at++ {
			got := mustRange(t, s, &RangeRequest{Key: []byte(k), Rev: at})
			var kv *KeyValue
			if len(got.KVs) == 1 {
				kv = got.KVs[0]
			}
			changed := at > compacted && (kv == nil) != (prev == nil) || kv != nil && prev != nil && kv.ModRevision != prev.ModRevision
			h, ok := listed[at]
			if changed {
				changes++
				if !ok {
					t.Fatalf("%s: revision %d changed the key (%v -> %v) but is not listed", k, at, prev, kv)
				}
			}
			if ok && at > compacted {
				switch {
				case h.Tombstone && kv != nil:
					t.Fatalf("%s@%d: listed as a tombstone, Range finds %v", k, at, kv)
				case !h.Tombstone && (kv == nil || string(kv.Value) != string(h.Value) || kv.Version != h.Version || kv.CreateRevision != h.CreateRevision):
					t.Fatalf("%s@%d: listed %+v, Range finds %v", k, at, h, kv)
				}
			}
			prev = kv
		}
		if n := len(revs); n < changes || n > changes+1 { // +1: what compaction kept at or below it
			t.Fatalf("%s: %d revisions listed, %d changes since the compacted revision %d", k, n, changes, compacted)
		}
		if len(revs) > 3 {
			short, more, _, _ := s.KeyHistory([]byte(k), 3)
			if len(short) != 3 || !more || short[2].Revision != revs[2].Revision {
				t.Fatalf("%s with limit 3: %d revisions, more %t", k, len(short), more)
			}
		}
	}
	if revs, more, _, _ := s.KeyHistory([]byte("never"), 0); len(revs) != 0 || more {
		t.Fatalf("a key never written: %v", revs)
	}
}
