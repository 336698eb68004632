package mvcc

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// filter keeps exactly the entries keep accepts, in order, calling keep once
// per entry in order; it shares the all-kept trailing chunks instead of
// copying them, points every key's keyIndex.last at its newest entry, and
// leaves a copy of the log taken before it (a SnapshotView's) unchanged,
// also after the new log grows into a shared chunk.
func TestRevlogFilter(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	for trial := range 300 {
		t.Run(fmt.Sprint(trial), func(t *testing.T) { revlogFilterTrial(t, rng) })
	}
}

func revlogFilterTrial(t *testing.T, rng *rand.Rand) {
	keys := make([]*keyIndex, 1+rng.IntN(60))
	for i := range keys {
		keys[i] = newKeyIndex(fmt.Appendf(nil, "k%d", i))
	}
	l := revlog{start: rng.IntN(logChunk)}
	n := rng.IntN(5 * logChunk)
	for i := range n {
		l.append(&entry{rev: revision{main: int64(i + 1)}, ki: keys[rng.IntN(len(keys))]})
	}
	view := l
	// Keep a random subset, a kept tail of random length (so that whole
	// chunks are all kept), and each key's newest entry (as compaction
	// does).
	want := make([]bool, n)
	tail := rng.IntN(n + 1)
	for i := range want {
		e := l.at(i)
		want[i] = i >= n-tail || e.ki.last == e || rng.IntN(3) == 0
	}
	oldChunks := append([]*[logChunk]entry(nil), l.chunks...)
	next := 0
	l.filter(func(e *entry) bool {
		if e != view.at(next) {
			t.Fatalf("keep called for entry %v, want entry %d of the old log", e.rev, next)
		}
		next++
		return want[next-1]
	})
	if next != n {
		t.Fatalf("keep called %d times, want %d", next, n)
	}
	var revs []int64
	for i, k := range want {
		if k {
			revs = append(revs, int64(i+1))
		}
	}
	checkLog := func(when string, l *revlog, revs []int64) {
		t.Helper()
		if l.len() != len(revs) {
			t.Fatalf("%s: %d entries, want %d", when, l.len(), len(revs))
		}
		for i, r := range revs {
			if got := l.at(i).rev.main; got != r {
				t.Fatalf("%s: entry %d has revision %d, want %d", when, i, got, r)
			}
		}
	}
	checkLog("after filter", &l, revs)
	if k := len(oldChunks) - 1; k >= 0 {
		lastKept := true
		for i := max(k*logChunk-view.start, 0); i < n; i++ {
			lastKept = lastKept && want[i]
		}
		if shared := l.chunks[len(l.chunks)-1] == oldChunks[k]; shared != lastKept {
			t.Fatalf("last chunk shared: %t, want %t (all its entries kept)", shared, lastKept)
		}
	}
	checkLast := func(when string) {
		t.Helper()
		newest := map[*keyIndex]*entry{}
		for i := range l.len() {
			newest[l.at(i).ki] = l.at(i)
		}
		for _, ki := range keys {
			if e := newest[ki]; e != nil && ki.last != e {
				t.Fatalf("%s: key %s: last points at %v, want its newest entry %v", when, ki.key, ki.last.rev, e.rev)
			}
		}
	}
	checkLast("after filter")
	// Grow the new log (into a shared chunk, if any): the old copy must
	// not change.
	for i := range rng.IntN(2 * logChunk) {
		r := int64(n + i + 1)
		l.append(&entry{rev: revision{main: r}, ki: keys[rng.IntN(len(keys))]})
		revs = append(revs, r)
	}
	checkLog("after growing", &l, revs)
	checkLast("after growing")
	all := make([]int64, n)
	for i := range all {
		all[i] = int64(i + 1)
	}
	checkLog("the copy taken before filter", &view, all)
}

// Values up to inlineValue bytes are held in the entry, longer ones on the
// heap: either way a read returns exactly the bytes put (nil for an empty
// value), with no spare capacity (a caller's append cannot write into the
// store), unaffected by later changes to the request's bytes, and the same
// after a compaction that moves the entry and after a snapshot round trip.
func TestStoredValueSizes(t *testing.T) {
	sizes := []int{0, 1, inlineValue - 1, inlineValue, inlineValue + 1, 3 * inlineValue, 5000}
	s := New()
	want := map[string][]byte{}
	for round := range 2 {
		for _, n := range sizes {
			key := fmt.Sprintf("k%04d", n)
			v := make([]byte, n)
			for i := range v {
				v[i] = byte('a' + (i+n+round)%26)
			}
			if _, err := s.Put(&PutRequest{Key: []byte(key), Value: v}); err != nil {
				t.Fatal(err)
			}
			want[key] = append([]byte(nil), v...)
			for i := range v {
				v[i] = 'X' // the store copied the value
			}
		}
	}
	check := func(s *Store, when string) {
		t.Helper()
		for key, v := range want {
			kv := mustRange(t, s, &RangeRequest{Key: []byte(key)}).KVs[0]
			switch {
			case len(v) == 0 && kv.Value != nil:
				t.Errorf("%s: %s: empty value read as %q, want nil", when, key, kv.Value)
			case string(kv.Value) != string(v):
				t.Errorf("%s: %s = %q, want %q", when, key, kv.Value, v)
			case cap(kv.Value) != len(kv.Value):
				t.Errorf("%s: %s: value has spare capacity %d > %d", when, key, cap(kv.Value), len(kv.Value))
			}
		}
		// Bytes counts every stored revision's key and value.
		if got, want := s.Stats().Bytes, storedBytes(s); got != want {
			t.Errorf("%s: Stats.Bytes = %d, entries hold %d", when, got, want)
		}
	}
	check(s, "after put")
	if _, err := s.Compact(s.Rev()); err != nil {
		t.Fatal(err)
	}
	check(s, "after compaction")
	snap, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	r, err := Restore(snap)
	if err != nil {
		t.Fatal(err)
	}
	check(r, "after restore")
}

func storedBytes(s *Store) int64 {
	var n int64
	for i := range s.log.len() {
		e := s.log.at(i)
		n += int64(len(e.ki.key) + len(e.valueBytes()))
	}
	return n
}
