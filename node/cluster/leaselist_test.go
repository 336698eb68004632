package cluster

import (
	"slices"
	"testing"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// LeaseLeases lists the granted leases from any member's local store, in
// ID order, and forgets a revoked one.
func TestLeaseList(t *testing.T) {
	c := newTestCluster(t, Config{Seed: 4})
	l := waitLeader(t, c, 200)
	f := follower(t, c, l)
	var ids []int64
	for _, ttl := range []int64{30, 60} {
		res, err := call(t, c, l, Op{LeaseGrant: &mvcc.LeaseGrantRequest{TTL: ttl}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, res.LeaseGrant.ID)
	}
	slices.Sort(ids)
	converge(t, c, 50)
	res, err := call(t, c, f, Op{LeaseLeases: true})
	if err != nil || !slices.Equal(res.LeaseLeases.IDs, ids) {
		t.Fatalf("lease list on a follower: %+v %v, want %v", res.LeaseLeases, err, ids)
	}
	if res.Header.MemberID != f || res.Header.Revision != 1 {
		t.Fatalf("header %+v", res.Header)
	}
	if _, err := call(t, c, l, Op{LeaseRevoke: ids[0]}); err != nil {
		t.Fatal(err)
	}
	res, err = call(t, c, l, Op{LeaseLeases: true})
	if err != nil || !slices.Equal(res.LeaseLeases.IDs, ids[1:]) {
		t.Fatalf("lease list after a revoke: %+v %v, want %v", res.LeaseLeases, err, ids[1:])
	}
}
