package mvcc

import (
	"bytes"
	"fmt"
	"math/rand"
	"slices"
	"testing"
)

// checkArena verifies arena.go's invariant: blocks sorted and disjoint,
// each block's live equal to the bytes of the log's values in it, no block
// without live values but the current one, and every value of a length the
// arena takes found in a block.
func checkArena(t *testing.T, s *Store, step int) {
	t.Helper()
	s.mu.RLock()
	defer s.mu.RUnlock()
	a := &s.values
	for i := 1; i < len(a.blocks); i++ {
		if p, b := a.blocks[i-1], a.blocks[i]; p.base()+uintptr(len(p.buf)) > b.base() {
			t.Fatalf("step %d: blocks %d and %d out of order or overlapping", step, i-1, i)
		}
	}
	live := map[*arenaBlock]int{}
	for i := 0; i < s.log.len(); i++ {
		p, n := s.log.at(i).heapValue()
		if p == nil {
			continue
		}
		b, _ := a.find(p)
		if b == nil {
			if n >= arenaMinValue && n <= arenaMaxValue {
				t.Fatalf("step %d: entry %d's %d-byte value is in no block", step, i, n)
			}
			continue
		}
		live[b] += n
	}
	for i, b := range a.blocks {
		if b.live != live[b] {
			t.Fatalf("step %d: block %d counts %d live bytes, the log holds %d", step, i, b.live, live[b])
		}
		if b.live == 0 && b != a.cur {
			t.Fatalf("step %d: block %d holds nothing but is kept", step, i)
		}
	}
}

// TestArenaRandom runs random puts (values of every length class: in the
// entry, in a block, too long for a block), deletes, compactions, restores
// and snapshot views. After every step: the arena's invariant holds, every
// live key reads back the value last written, and every view taken earlier
// still encodes to the bytes it encoded to when taken (a relocation must
// never write a slot a view can see).
func TestArenaRandom(t *testing.T) {
	for seed := int64(1); seed <= 8; seed++ {
		rng := rand.New(rand.NewSource(seed))
		s := New()
		model := map[string][]byte{}
		type view struct {
			v    *SnapshotView
			want []byte
		}
		var views []view
		value := func() []byte {
			n := []int{0, 16, 200, 300, 1000, 4096, 20000, arenaMaxValue + 1}[rng.Intn(8)]
			b := make([]byte, n)
			rng.Read(b)
			return b
		}
		for step := 0; step < 1500; step++ {
			key := fmt.Sprintf("k%03d", rng.Intn(60))
			switch x := rng.Intn(100); {
			case x < 70:
				v := value()
				mustPut(t, s, key, string(v))
				model[key] = v
			case x < 80:
				mustDelete(t, s, key, "")
				delete(model, key)
			case x < 93:
				if rev, c := s.Rev(), s.CompactRev(); rev > c+1 {
					if _, err := s.Compact(c + 1 + rng.Int63n(rev-c)); err != nil {
						t.Fatal(err)
					}
				}
			case x < 97:
				v := s.SnapshotView()
				b, err := v.Bytes()
				if err != nil {
					t.Fatal(err)
				}
				views = append(views, view{v, b})
			default:
				b, err := s.Snapshot()
				if err != nil {
					t.Fatal(err)
				}
				if s, err = Restore(b); err != nil {
					t.Fatal(err)
				}
			}
			checkArena(t, s, step)
			if step%50 == 0 {
				got := mustRange(t, s, &RangeRequest{Key: []byte{0}, End: []byte{0}})
				if len(got.KVs) != len(model) {
					t.Fatalf("seed %d step %d: %d keys, want %d", seed, step, len(got.KVs), len(model))
				}
				for _, kv := range got.KVs {
					if !bytes.Equal(kv.Value, model[string(kv.Key)]) {
						t.Fatalf("seed %d step %d: %s has a value other than the last written", seed, step, kv.Key)
					}
				}
				for i, v := range views {
					if b, _ := v.v.Bytes(); !bytes.Equal(b, v.want) {
						t.Fatalf("seed %d step %d: view %d changed", seed, step, i)
					}
				}
			}
		}
	}
}

// TestArenaBoundsMemory overwrites every key of a store again and again,
// compacting after each round, and checks that the blocks hold at most
// about four times the live values' bytes (plus the block being filled),
// and that relocation happened (without it, a random live quarter would
// keep every block).
func TestArenaBoundsMemory(t *testing.T) {
	const keys, size = 2000, 1000
	rng := rand.New(rand.NewSource(1))
	s := New()
	v := make([]byte, size)
	for round := 0; round < 30; round++ {
		for _, k := range rng.Perm(keys)[:keys/2] { // half the keys, at random: blocks go sparse unevenly
			rng.Read(v)
			mustPut(t, s, fmt.Sprintf("k%05d", k), string(v))
		}
		if _, err := s.Compact(s.Rev()); err != nil {
			t.Fatal(err)
		}
		checkArena(t, s, round)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	held, live := 0, 0
	for _, b := range s.values.blocks {
		held += len(b.buf)
		live += b.live
	}
	if live < keys*size/2 || held > 4*live+arenaBlockLen {
		t.Fatalf("blocks hold %d bytes for %d live bytes", held, live)
	}
	written := 30 * keys / 2 * size
	if held*4 > written {
		t.Fatalf("blocks hold %d of the %d bytes ever written: nothing was freed", held, written)
	}
}

// viewValues returns the value pointer of every entry a view holds: a
// relocation must leave them all as they were.
func viewValues(v *SnapshotView) []*byte {
	out := make([]*byte, v.st.log.len())
	for i := range out {
		out[i], _ = v.st.log.at(i).heapValue()
	}
	return out
}

// TestArenaRelocationSparesViews compacts a store whose log ends in full
// chunks that every entry of survives (the compacted log shares them with
// the old one, and so with a view taken before) while some values in them
// sit in a block that went sparse: relocation must not write those slots.
func TestArenaRelocationSparesViews(t *testing.T) {
	s := New()
	v := make([]byte, 1020) // 257 per block: block 11 ends 12 entries into chunk 3
	rng := rand.New(rand.NewSource(1))
	// 10 keys overwritten in turn: of the entries up to the compaction
	// revision only the last 10 stay live.
	for i := 0; i < 6*logChunk; i++ {
		rng.Read(v)
		mustPut(t, s, fmt.Sprintf("k%03d", i%10), string(v))
	}
	compactAt := s.log.at(3*logChunk - 1).rev.main // chunks 3.. are kept whole
	view := s.SnapshotView()
	before := viewValues(view)
	want, _ := view.Bytes()
	if _, err := s.Compact(compactAt); err != nil {
		t.Fatal(err)
	}
	checkArena(t, s, 0)
	if got := viewValues(view); !slices.Equal(got, before) {
		t.Fatal("a relocation wrote a log slot the view holds")
	}
	if got, _ := view.Bytes(); !bytes.Equal(got, want) {
		t.Fatal("the view's bytes changed")
	}
	s.mu.RLock()
	moved := 0
	for i := 0; i < s.log.len(); i++ {
		p, _ := s.log.at(i).heapValue()
		if b, _ := s.values.find(p); b == s.values.cur {
			moved++
		}
	}
	s.mu.RUnlock()
	if moved == 0 {
		t.Fatal("nothing was relocated: the test does not exercise relocation")
	}
}
