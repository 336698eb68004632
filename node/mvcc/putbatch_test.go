package mvcc

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
)

// PutBatch does exactly what the same puts one by one with Put do: the same
// responses (where asked for) and errors, the same watch events, and the
// same store (snapshot bytes and hash) afterwards; rejected puts (no key,
// too large, unknown lease) change nothing and do not stop the batch.
func TestPutBatchIsPutInOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 14))
	one, batch := New(), New()
	for _, s := range []*Store{one, batch} {
		if _, err := s.LeaseGrant(&LeaseGrantRequest{ID: 7, TTL: 60}); err != nil {
			t.Fatal(err)
		}
	}
	// A watcher of every key with PrevKV on each store: the events of the
	// two must be the same.
	ws1, ws2 := one.NewWatchStream(1<<12), batch.NewWatchStream(1<<12)
	mustWatch(t, ws1, WatchRequest{Key: []byte{0}, End: []byte{0}, PrevKV: true})
	mustWatch(t, ws2, WatchRequest{Key: []byte{0}, End: []byte{0}, PrevKV: true})
	var ev1, ev2 []string
	huge := make([]byte, MaxRequestBytes)
	for round := range 300 {
		n := 1 + rng.IntN(40)
		rs := make([]PutRequest, n)
		for i := range rs {
			r := &rs[i]
			r.Key = fmt.Appendf(nil, "k%d", rng.IntN(30))
			r.Value = bytes.Repeat([]byte{byte('a' + i%26)}, rng.IntN(3)*rng.IntN(40))
			r.PrevKV = rng.IntN(2) == 0
			switch rng.IntN(20) {
			case 0:
				r.Key = nil
			case 1:
				r.Value = huge
			case 2:
				r.Lease = 7
			case 3:
				r.Lease = 8 // not granted
			}
		}
		resps := make([]*PutResponse, n)
		for i := range resps {
			if rng.IntN(2) == 0 {
				resps[i] = new(PutResponse)
			}
		}
		errs := make([]error, n)
		batch.PutBatch(rs, resps, errs)
		for i := range rs {
			want, werr := one.Put(&rs[i])
			if errs[i] != werr {
				t.Fatalf("round %d put %d: err %v, Put: %v", round, i, errs[i], werr)
			}
			if werr == nil && resps[i] != nil && !reflect.DeepEqual(resps[i], want) {
				t.Fatalf("round %d put %d: response %+v, Put: %+v", round, i, resps[i], want)
			}
		}
		ev1 = append(ev1, summarizeResps(drain(ws1))...)
		ev2 = append(ev2, summarizeResps(drain(ws2))...)
		if rng.IntN(10) == 0 {
			back := int64(rng.IntN(5))
			for _, s := range []*Store{one, batch} {
				if _, err := s.Compact(s.Rev() - back); err != nil && err != ErrCompacted {
					t.Fatal(err)
				}
			}
		}
	}
	b1, err1 := one.Snapshot()
	b2, err2 := batch.Snapshot()
	if err1 != nil || err2 != nil || !bytes.Equal(b1, b2) {
		t.Fatalf("snapshots differ (errors %v, %v)", err1, err2)
	}
	h1, _ := one.HashKV(0)
	h2, _ := batch.HashKV(0)
	if h1 != h2 {
		t.Fatalf("HashKV %+v, Put: %+v", h2, h1)
	}
	if len(ev1) == 0 || !reflect.DeepEqual(ev1, ev2) {
		t.Fatalf("watch responses differ: %d vs %d (Put)", len(ev2), len(ev1))
	}
}

// PutBatch without responses (how a member applies puts nobody waits for
// on it) and Put have the same effects and errors: two stores fed the
// same random history, one applying its puts with Put and the other with
// PutBatch, one put at a time and no responses, agree on every outcome, on their snapshot bytes (every stored
// revision, lease and counter) and on HashKV throughout. The history mixes
// puts (new and overwritten keys, empty values, leases that exist or not,
// PrevKV, oversized and keyless requests), deletes, lease revocations and
// compactions, so that the in-place keyIndex compaction is exercised too.
func TestPutBatchWithoutResponsesMatchesPut(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	a, b := New(), New()
	for _, s := range []*Store{a, b} {
		for id := int64(1); id <= 3; id++ {
			if _, err := s.LeaseGrant(&LeaseGrantRequest{ID: id, TTL: 60}); err != nil {
				t.Fatal(err)
			}
		}
	}
	big := make([]byte, MaxRequestBytes+1)
	for step := range 5000 {
		switch r := rng.IntN(100); {
		case r < 80:
			req := &PutRequest{
				Key:    fmt.Appendf(nil, "k%02d", rng.IntN(40)),
				Value:  fmt.Appendf(nil, "v%d", step),
				PrevKV: rng.IntN(2) == 0,
			}
			switch rng.IntN(20) {
			case 0:
				req.Value = nil
			case 1:
				req.Lease = int64(rng.IntN(5)) // 4 never exists
			case 2:
				req.Key = nil
			case 3:
				req.Value = big
			}
			resp, errA := a.Put(req)
			errs := make([]error, 1)
			b.PutBatch([]PutRequest{*req}, nil, errs)
			if errB := errs[0]; errA != errB {
				t.Fatalf("step %d: Put error %v, PutBatch error %v", step, errA, errB)
			}
			if errA == nil && resp.Header.Revision != b.Rev() {
				t.Fatalf("step %d: Put revision %d, PutBatch revision %d", step, resp.Header.Revision, b.Rev())
			}
		case r < 90:
			req := &DeleteRangeRequest{Key: fmt.Appendf(nil, "k%02d", rng.IntN(40))}
			mustSame(t, step, "delete", func(s *Store) error { _, err := s.DeleteRange(req); return err }, a, b)
		case r < 92:
			id := int64(1 + rng.IntN(4))
			mustSame(t, step, "revoke", func(s *Store) error { _, err := s.LeaseRevoke(id); return err }, a, b)
		default:
			at := a.Rev() - int64(rng.IntN(20))
			mustSame(t, step, "compact", func(s *Store) error { _, err := s.Compact(at); return err }, a, b)
		}
		if step%250 == 0 || step == 4999 {
			sameState(t, step, a, b)
		}
	}
}

func mustSame(t *testing.T, step int, what string, op func(*Store) error, a, b *Store) {
	t.Helper()
	if errA, errB := op(a), op(b); errA != errB {
		t.Fatalf("step %d: %s: errors %v and %v", step, what, errA, errB)
	}
}

func sameState(t *testing.T, step int, a, b *Store) {
	t.Helper()
	sa, err := a.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	sb, err := b.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(sa, sb) {
		t.Fatalf("step %d: snapshots differ (%d and %d bytes)", step, len(sa), len(sb))
	}
	ha, errA := a.HashKV(0)
	hb, errB := b.HashKV(0)
	if errA != nil || errB != nil || ha != hb {
		t.Fatalf("step %d: HashKV %+v (%v) and %+v (%v)", step, ha, errA, hb, errB)
	}
	if sa, sb := a.Stats(), b.Stats(); sa != sb {
		t.Fatalf("step %d: stats %+v and %+v", step, sa, sb)
	}
}

// Compaction moves a key's surviving revisions to the front of their slice
// in place (so later puts append without allocating), but does not let a
// key that was once hot keep its whole history's capacity.
func TestCompactKeyIndexCapacity(t *testing.T) {
	s := New()
	for i := range 1000 {
		mustPut(t, s, "hot", fmt.Sprint(i))
	}
	mustPut(t, s, "cold", "x")
	mustPut(t, s, "cold", "y")
	if _, err := s.Compact(s.Rev()); err != nil {
		t.Fatal(err)
	}
	hot, cold := s.idx.get([]byte("hot")), s.idx.get([]byte("cold"))
	if g := hot.generations[0]; len(g.revs) != 1 || cap(g.revs) > 8 {
		t.Fatalf("hot key after compaction: %d revisions, capacity %d; want 1, at most 8", len(g.revs), cap(g.revs))
	}
	g := &cold.generations[0]
	if len(g.revs) != 1 || cap(g.revs) < 2 {
		t.Fatalf("cold key after compaction: %d revisions, capacity %d; want 1, capacity kept (>= 2)", len(g.revs), cap(g.revs))
	}
	before := &g.revs[:1][0]
	mustPut(t, s, "cold", "z")
	if &g.revs[0] != before {
		t.Fatal("a put after compaction reallocated the cold key's revisions")
	}
	if got := mustRange(t, s, &RangeRequest{Key: []byte("cold")}); string(got.KVs[0].Value) != "z" || got.KVs[0].Version != 3 {
		t.Fatalf("cold = %+v, want z at version 3", summarize(got.KVs))
	}
}
