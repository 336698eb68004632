package engine

import (
	"errors"
	"reflect"
	"testing"

	"github.com/etcd-play/etcd-play/node"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// nestTxn returns a txn nested depth levels deep (depth 1: a txn holding
// no txn).
func nestTxn(depth int) *mvcc.TxnRequest {
	t := &mvcc.TxnRequest{
		Compare: []mvcc.Compare{{Key: []byte("k"), Target: mvcc.CompareValue, Result: mvcc.CompareNotEqual, Value: []byte{}}},
		Success: []mvcc.RequestOp{{Put: &mvcc.PutRequest{Key: []byte("k"), Value: []byte("v"), Lease: 7, PrevKV: true}}},
		Failure: []mvcc.RequestOp{{Range: &mvcc.RangeRequest{Key: []byte("a"), End: []byte{0}, Limit: 2}}},
	}
	if depth > 1 {
		t.Failure = append(t.Failure, mvcc.RequestOp{Txn: nestTxn(depth - 1)})
	}
	return t
}

// Txns nested up to maxTxnDepth levels cross the wire; a deeper one is a
// malformed frame, not a stack exhausted by a hostile peer.
func TestCallTxnDepth(t *testing.T) {
	q := &Request{ID: 1, Op: OpCall, Member: 2, Call: node.Op{Txn: nestTxn(maxTxnDepth)}}
	f, err := decodeFrame(encodeRequest(q))
	if err != nil {
		t.Fatalf("a txn %d deep: %v", maxTxnDepth, err)
	}
	if !reflect.DeepEqual(f.request, q) {
		t.Fatalf("round trip of a nested txn:\n got %+v\nwant %+v", f.request.Call.Txn, q.Call.Txn)
	}
	q.Call.Txn = nestTxn(maxTxnDepth + 1)
	if _, err := decodeFrame(encodeRequest(q)); !errors.Is(err, errMalformed) {
		t.Fatalf("a txn %d deep: %v, want errMalformed", maxTxnDepth+1, err)
	}
	resp := &mvcc.TxnResponse{Succeeded: true}
	for range maxTxnDepth {
		resp = &mvcc.TxnResponse{Responses: []mvcc.ResponseOp{{Txn: resp}}}
	}
	if _, err := decodeFrame(encodeResponse(&Response{Result: &node.Result{Txn: resp}})); !errors.Is(err, errMalformed) {
		t.Fatalf("a txn response %d deep: %v, want errMalformed", maxTxnDepth+1, err)
	}
}
