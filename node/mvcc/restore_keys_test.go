package mvcc

import (
	"bytes"
	"fmt"
	"math/rand"
	"testing"
)

// arenaSizes are value and key lengths around a restore's byte slab limits.
var arenaSizes = []int{0, 1, 7, 300, byteSlab/4 - 1, byteSlab / 4, byteSlab/4 + 1, 9000}

func pattern(n, seed int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(seed*31 + i)
	}
	return b
}

// checkContents fails unless a range of every key at the current revision
// returns exactly want (key -> value), each value with no spare capacity
// (so that no caller's append can reach a neighbour's bytes).
func checkContents(t *testing.T, s *Store, want map[string][]byte, what string) {
	t.Helper()
	r := mustRange(t, s, &RangeRequest{Key: []byte{0}, End: []byte{0}})
	if len(r.KVs) != len(want) {
		t.Fatalf("%s: %d keys, want %d", what, len(r.KVs), len(want))
	}
	for i, kv := range r.KVs {
		if i > 0 && bytes.Compare(r.KVs[i-1].Key, kv.Key) >= 0 {
			t.Fatalf("%s: keys out of order at %d", what, i)
		}
		w, ok := want[string(kv.Key)]
		if !ok || !bytes.Equal(kv.Value, w) {
			t.Fatalf("%s: key %.20q (%d bytes) has a wrong value (%d bytes, want %d)", what, kv.Key, len(kv.Key), len(kv.Value), len(w))
		}
		if cap(kv.Value) != len(kv.Value) {
			t.Fatalf("%s: value of %.20q has capacity %d > length %d", what, kv.Key, cap(kv.Value), len(kv.Value))
		}
	}
}

// TestRestoreSlabs stores values and keys of many sizes through one reused
// caller buffer, compacts, restores from a snapshot whose buffer is then
// overwritten (the restored keys and values come from slabs), writes on,
// and checks every value after each step.
func TestRestoreSlabs(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	s := New()
	want := make(map[string][]byte)
	keyBuf, valBuf := make([]byte, 0, 20000), make([]byte, 0, 20000)
	put := func(i int) {
		ks := arenaSizes[rng.Intn(len(arenaSizes))]
		key := append(keyBuf[:0], fmt.Sprintf("k%05d-", rng.Intn(3000))...)
		key = append(key, pattern(ks, i)...)
		val := append(valBuf[:0], pattern(arenaSizes[rng.Intn(len(arenaSizes))], i+1)...)
		if _, err := s.Put(&PutRequest{Key: key, Value: val}); err != nil {
			t.Fatal(err)
		}
		want[string(key)] = bytes.Clone(val)
		for j := range key { // the caller reuses its buffers
			key[j] = 0xee
		}
		for j := range val {
			val[j] = 0xee
		}
	}
	for i := 0; i < 3000; i++ {
		put(i)
	}
	checkContents(t, s, want, "after puts")
	if _, err := s.Compact(s.Rev() - 500); err != nil {
		t.Fatal(err)
	}
	checkContents(t, s, want, "after compaction")
	for i := 3000; i < 3500; i++ {
		put(i)
	}
	checkContents(t, s, want, "after more puts")

	snap, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	r, err := Restore(snap)
	if err != nil {
		t.Fatal(err)
	}
	for i := range snap {
		snap[i] = 0xee
	}
	checkContents(t, r, want, "restored")
	if s.Stats() != r.Stats() {
		t.Fatalf("stats %+v, restored %+v", s.Stats(), r.Stats())
	}
	h1, _ := s.HashKV(0)
	h2, _ := r.HashKV(0)
	if h1 != h2 {
		t.Fatalf("hash %+v, restored %+v", h1, h2)
	}
	s = r
	for i := 3500; i < 4000; i++ {
		put(i)
	}
	checkContents(t, s, want, "restored, then more puts")
}

// TestRestoreKeyOrder restores stores whose keys first appear in key order,
// in reverse and at random (the loader sorts only when needed), with
// updates and deletions after the first appearance, and checks the
// restored index through ranges, stats, HashKV and the snapshot round trip.
func TestRestoreKeyOrder(t *testing.T) {
	const n = 3*kiSlab + 17
	perm := rand.New(rand.NewSource(5)).Perm(n)
	orders := map[string]func(i int) int{
		"ascending":  func(i int) int { return i },
		"descending": func(i int) int { return n - 1 - i },
		"random":     func(i int) int { return perm[i] },
	}
	for name, order := range orders {
		s := New()
		want := make(map[string][]byte)
		for i := range n {
			k := fmt.Sprintf("key%05d", order(i))
			mustPut(t, s, k, k)
			want[k] = []byte(k)
		}
		for i := 0; i < n; i += 5 {
			k := fmt.Sprintf("key%05d", order(i))
			if i%2 == 0 {
				mustDelete(t, s, k, "")
				delete(want, k)
			} else {
				mustPut(t, s, k, "again")
				want[k] = []byte("again")
			}
		}
		snap, err := s.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		r, err := Restore(snap)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkContents(t, r, want, name)
		if s.Stats() != r.Stats() {
			t.Fatalf("%s: stats %+v, restored %+v", name, s.Stats(), r.Stats())
		}
		h1, _ := s.HashKV(0)
		h2, _ := r.HashKV(0)
		if h1 != h2 {
			t.Fatalf("%s: hash %+v, restored %+v", name, h1, h2)
		}
		again, _ := r.Snapshot()
		if !bytes.Equal(snap, again) {
			t.Fatalf("%s: snapshot of the restored store differs", name)
		}
		// The restored index finds every key and accepts new ones.
		for k := range want {
			if got := mustRange(t, r, &RangeRequest{Key: []byte(k)}).KVs; len(got) != 1 {
				t.Fatalf("%s: key %q not found", name, k)
			}
		}
		mustPut(t, r, "key00000x", "new")
		want["key00000x"] = []byte("new")
		checkContents(t, r, want, name+", then a put")
	}
}

// TestKeyOrder checks the index's and the restore's prefix comparisons
// against bytes.Compare on keys that share, differ in and end within their
// first 8 bytes.
func TestKeyOrder(t *testing.T) {
	keys := []string{"", "a", "a\x00", "a\x00\x00", "ab", "abcdefgh", "abcdefgh\x00", "abcdefghi", "abcdefgi", "abcdefg", "\xff", "\xff\xff\xff\xff\xff\xff\xff\xff\x01", "b", "abcdefghij", "abcdefghia"}
	for _, a := range keys {
		for _, b := range keys {
			ka, kb := newKeyIndex([]byte(a)), newKeyIndex([]byte(b))
			want := bytes.Compare([]byte(a), []byte(b))
			if got := cmpLoaded(loadedKey{ka.prefix, ka}, loadedKey{kb.prefix, kb}); got != want {
				t.Fatalf("cmpLoaded(%q, %q) = %d, want %d", a, b, got, want)
			}
			if got := lessKeyIndex(ka, kb); got != (want < 0) {
				t.Fatalf("lessKeyIndex(%q, %q) = %v, want %v", a, b, got, want < 0)
			}
		}
	}
}
