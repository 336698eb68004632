package mvcc

import (
	"reflect"
	"testing"
)

func TestLeases(t *testing.T) {
	s := New()
	grant := func(id, ttl int64) error {
		_, err := s.LeaseGrant(&LeaseGrantRequest{ID: id, TTL: ttl})
		return err
	}
	if err := grant(1, 10); err != nil {
		t.Fatal(err)
	}
	if err := grant(2, 20); err != nil {
		t.Fatal(err)
	}
	wantErr(t, grant(1, 5), ErrLeaseExist)
	wantErr(t, grant(0, 5), ErrLeaseNotFound)
	wantErr(t, grant(3, MaxLeaseTTL+1), ErrLeaseTTLTooLarge)
	if s.Rev() != 1 {
		t.Fatal("grants must not bump the revision")
	}

	putL := func(k string, l int64) {
		t.Helper()
		if _, err := s.Put(&PutRequest{Key: []byte(k), Value: []byte("v"), Lease: l}); err != nil {
			t.Fatal(err)
		}
	}
	putL("a", 1)              // 2
	putL("b", 1)              // 3
	putL("c", 1)              // 4
	putL("c", 2)              // 5: moves c to lease 2
	putL("b", 0)              // 6: detaches b
	putL("d", 1)              // 7
	mustDelete(t, s, "d", "") // 8: detaches d

	keysOf := func(id int64) []string {
		t.Helper()
		r, err := s.LeaseTimeToLive(id, true)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, k := range r.Keys {
			out = append(out, string(k))
		}
		return out
	}
	if got := keysOf(1); !reflect.DeepEqual(got, []string{"a"}) {
		t.Fatalf("lease 1 keys %q", got)
	}
	if got := keysOf(2); !reflect.DeepEqual(got, []string{"c"}) {
		t.Fatalf("lease 2 keys %q", got)
	}
	if got := s.Leases(); !reflect.DeepEqual(got, []LeaseInfo{{1, 10, 1}, {2, 20, 1}}) {
		t.Fatalf("leases %+v", got)
	}
	r, _ := s.LeaseTimeToLive(2, false)
	if r.GrantedTTL != 20 || r.Keys != nil || r.ID != 2 {
		t.Fatalf("ttl %+v", r)
	}

	// Revoke: every attached key deleted in ONE revision, in key order.
	putL("a2", 1) // 9
	ws := s.NewWatchStream(4)
	mustWatch(t, ws, WatchRequest{Key: []byte("a"), End: []byte("b")})
	rr, err := s.LeaseRevoke(1)
	if err != nil || rr.Header.Revision != 10 || s.Rev() != 10 {
		t.Fatalf("revoke %+v %v rev %d", rr, err, s.Rev())
	}
	if got := summarizeResps(drain(ws)); !reflect.DeepEqual(got, []string{"w0 r10: DELETE a@10 DELETE a2@10"}) {
		t.Fatalf("revoke events %q", got)
	}
	if n := mustRange(t, s, &RangeRequest{Key: []byte("a"), End: []byte("b")}).Count; n != 0 {
		t.Fatalf("%d keys left after revoke", n)
	}
	_, err = s.LeaseRevoke(1)
	wantErr(t, err, ErrLeaseNotFound)
	_, err = s.LeaseTimeToLive(1, true)
	wantErr(t, err, ErrLeaseNotFound)
	_, err = s.Put(&PutRequest{Key: []byte("x"), Lease: 1})
	wantErr(t, err, ErrLeaseNotFound)

	// A lease with no keys revokes without a new revision.
	if err := grant(3, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LeaseRevoke(3); err != nil || s.Rev() != 10 {
		t.Fatalf("empty revoke: %v rev %d", err, s.Rev())
	}
	if got := summarize(mustRange(t, s, &RangeRequest{Key: []byte("c")}).KVs); got[0].Lease != 2 {
		t.Fatalf("c %+v", got)
	}
}
