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
