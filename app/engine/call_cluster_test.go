package engine_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/app/engine/local"
	"github.com/etcd-play/etcd-play/node"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// Call drives every kind of client request through the protocol on a real
// cluster: a lease granted, a put attached to it with its previous value,
// a txn, the lease's keys and the lease list, a revoke that deletes the
// key, and etcd's errors.
func TestCallThroughTheProtocol(t *testing.T) {
	c, _ := serve(t, "v1", local.Start)
	eng, err := c.Start(context.Background(), engine.StartRequest{Members: 3, Seed: 5, Speed: 200, Memory: true})
	if err != nil {
		t.Fatal(err)
	}
	waitView(t, "a leader", func() bool { return leader(eng.Status()) != 0 })
	ctx := context.Background()
	do := func(member uint64, op node.Op) node.Result {
		t.Helper()
		res, err := eng.Call(ctx, member, op)
		if err != nil {
			t.Fatalf("%s: %v", op.Kind(), err)
		}
		return res
	}
	g := do(2, node.Op{LeaseGrant: &mvcc.LeaseGrantRequest{TTL: 60}}).LeaseGrant
	if g == nil || g.ID <= 0 || g.TTL != 60 {
		t.Fatalf("lease grant: %+v", g)
	}
	do(1, node.Op{Put: &mvcc.PutRequest{Key: []byte("k"), Value: []byte("v1")}})
	p := do(3, node.Op{Put: &mvcc.PutRequest{Key: []byte("k"), Value: []byte("v2"), Lease: g.ID, PrevKV: true}})
	if p.Put == nil || p.Put.PrevKV == nil || string(p.Put.PrevKV.Value) != "v1" || p.Header.MemberID != 3 || p.Header.Revision != 3 {
		t.Fatalf("put --prev-kv --lease: %+v header %+v", p.Put, p.Header)
	}
	txn := do(1, node.Op{Txn: &mvcc.TxnRequest{
		Compare: []mvcc.Compare{{Key: []byte("k"), Target: mvcc.CompareValue, Result: mvcc.CompareEqual, Value: []byte("v2")}},
		Success: []mvcc.RequestOp{{Put: &mvcc.PutRequest{Key: []byte("t"), Value: []byte("yes")}}, {Range: &mvcc.RangeRequest{Key: []byte("k")}}},
		Failure: []mvcc.RequestOp{{Put: &mvcc.PutRequest{Key: []byte("t"), Value: []byte("no")}}},
	}}).Txn
	if txn == nil || !txn.Succeeded || len(txn.Responses) != 2 || txn.Responses[0].Put == nil ||
		txn.Responses[1].Range == nil || string(txn.Responses[1].Range.KVs[0].Value) != "v2" || txn.Responses[1].Range.KVs[0].Lease != g.ID {
		t.Fatalf("txn: %+v", txn)
	}
	ttl := do(2, node.Op{LeaseTimeToLive: g.ID, LeaseKeys: true}).LeaseTimeToLive
	if ttl == nil || ttl.GrantedTTL != 60 || ttl.TTL <= 0 || ttl.TTL > 60 || len(ttl.Keys) != 1 || string(ttl.Keys[0]) != "k" {
		t.Fatalf("lease timetolive --keys: %+v", ttl)
	}
	if ka := do(3, node.Op{LeaseKeepAlive: g.ID}).LeaseKeepAlive; ka == nil || ka.ID != g.ID || ka.TTL != 60 {
		t.Fatalf("keep-alive: %+v", ka)
	}
	if l := do(1, node.Op{LeaseLeases: true}).LeaseLeases; l == nil || !slices.Equal(l.IDs, []int64{g.ID}) {
		t.Fatalf("lease list: %+v", l)
	}
	if r := do(1, node.Op{LeaseRevoke: g.ID}); r.LeaseRevoke == nil || r.Header.Revision != 5 {
		t.Fatalf("revoke: %+v", r)
	}
	if r := do(1, node.Op{Range: &mvcc.RangeRequest{Key: []byte("k")}}).Range; r == nil || r.Count != 0 {
		t.Fatalf("the leased key after the revoke: %+v", r)
	}
	if _, err := eng.Call(ctx, 1, node.Op{LeaseTimeToLive: g.ID}); !errors.Is(err, mvcc.ErrLeaseNotFound) {
		t.Fatalf("timetolive of a revoked lease: %v", err)
	}
	if _, err := eng.Call(ctx, 1, node.Op{}); err == nil || err.Error() != node.ErrBadRequest.Error() {
		t.Fatalf("an empty op: %v", err)
	}
	if d := do(2, node.Op{DeleteRange: &mvcc.DeleteRangeRequest{Key: []byte("a"), End: []byte{0}, PrevKV: true}}).DeleteRange; d == nil || d.Deleted != 1 || string(d.PrevKVs[0].Value) != "yes" {
		t.Fatalf("delete --from-key --prev-kv: %+v", d)
	}
	if r := do(3, node.Op{Compact: 6}); r.Compact == nil {
		t.Fatalf("compact: %+v", r)
	}
}
