//go:build !js

package mvcc

import (
	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	"go.etcd.io/etcd/pkg/v3/adt"
)

// etcd validates a request in its gRPC layer (server/etcdserver/api/v3rpc,
// unexported) and in the raft proposal path before the apply code that the
// oracle calls ever sees it. This file restates those checks, in etcd's
// order, for the oracle side:
//
//  1. gRPC layer: empty keys, too many txn operations, then duplicate
//     writes within one txn (checkTxnWidth, then txnWrites per branch);
//  2. proposal: the encoded raft request must fit MaxRequestBytes
//     (tooLargeForRaft); read-only requests are never proposed;
//  3. apply (etcdserver/txn, called as is): lease existence, revisions.

// checkTxnWidth mirrors etcd's txn validation: the widest of the compare,
// success and failure lists must not exceed maxOps; a nested txn is held to
// the budget its parent leaves (maxOps minus the parent's width); every
// compare and operation needs a key. The first failure in request order wins.
func checkTxnWidth(r *pb.TxnRequest, maxOps int) error {
	width := max(len(r.Compare), len(r.Success), len(r.Failure))
	if width > maxOps {
		return rpctypes.ErrGRPCTooManyOps
	}
	for _, c := range r.Compare {
		if len(c.Key) == 0 {
			return rpctypes.ErrGRPCEmptyKey
		}
	}
	for _, branch := range [][]*pb.RequestOp{r.Success, r.Failure} {
		for _, op := range branch {
			if err := checkOpKeys(op, maxOps-width); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkOpKeys(op *pb.RequestOp, budget int) error {
	switch {
	case op.GetRequestRange() != nil:
		if len(op.GetRequestRange().Key) == 0 {
			return rpctypes.ErrGRPCEmptyKey
		}
	case op.GetRequestPut() != nil:
		if len(op.GetRequestPut().Key) == 0 {
			return rpctypes.ErrGRPCEmptyKey
		}
	case op.GetRequestDeleteRange() != nil:
		if len(op.GetRequestDeleteRange().Key) == 0 {
			return rpctypes.ErrGRPCEmptyKey
		}
	case op.GetRequestTxn() != nil:
		return checkTxnWidth(op.GetRequestTxn(), budget)
	}
	return nil
}

// txnWrites mirrors etcd's duplicate-write rule for one branch of a txn and
// returns the keys the branch puts and the ranges it deletes, nested txns
// included. A key may not be put twice, nor put and deleted, within a
// branch; the two branches of a nested txn may put the same key (only one
// runs). Intervals use etcd's own interval tree with etcd's key encoding
// (a point is [k, k+"\x00"), the empty string sorts last) so that its corner
// cases (e.g. a from-key delete, whose end "\x00" sorts before its start)
// behave exactly as in etcd.
func txnWrites(ops []*pb.RequestOp) (map[string]struct{}, adt.IntervalTree, error) {
	dels := adt.NewIntervalTree()
	for _, op := range ops {
		d := op.GetRequestDeleteRange()
		if d == nil {
			continue
		}
		if len(d.RangeEnd) != 0 {
			dels.Insert(adt.NewStringAffineInterval(string(d.Key), string(d.RangeEnd)), struct{}{})
		} else {
			dels.Insert(adt.NewStringAffinePoint(string(d.Key)), struct{}{})
		}
	}
	deleted := func(k string) bool { return dels.Intersects(adt.NewStringAffinePoint(k)) }

	puts := make(map[string]struct{})
	everything := adt.NewStringAffineInterval("\x00", "")
	for _, op := range ops {
		t := op.GetRequestTxn()
		if t == nil {
			continue
		}
		thenPuts, thenDels, err := txnWrites(t.Success)
		if err != nil {
			return nil, dels, err
		}
		elsePuts, elseDels, err := txnWrites(t.Failure)
		if err != nil {
			return nil, dels, err
		}
		for k := range thenPuts {
			if _, dup := puts[k]; dup || deleted(k) {
				return nil, dels, rpctypes.ErrGRPCDuplicateKey
			}
			puts[k] = struct{}{}
		}
		for k := range elsePuts {
			if _, dup := puts[k]; dup {
				if _, sameTxn := thenPuts[k]; !sameTxn {
					return nil, dels, rpctypes.ErrGRPCDuplicateKey
				}
			}
			if deleted(k) {
				return nil, dels, rpctypes.ErrGRPCDuplicateKey
			}
			puts[k] = struct{}{}
		}
		dels.Union(thenDels, everything)
		dels.Union(elseDels, everything)
	}
	for _, op := range ops {
		p := op.GetRequestPut()
		if p == nil {
			continue
		}
		k := string(p.Key)
		if _, dup := puts[k]; dup || deleted(k) {
			return nil, dels, rpctypes.ErrGRPCDuplicateKey
		}
		puts[k] = struct{}{}
	}
	return puts, dels, nil
}

// checkTxnRequest applies the gRPC-layer txn checks in etcd's order.
func checkTxnRequest(r *pb.TxnRequest) error {
	if err := checkTxnWidth(r, MaxTxnOps); err != nil {
		return err
	}
	if _, _, err := txnWrites(r.Success); err != nil {
		return err
	}
	_, _, err := txnWrites(r.Failure)
	return err
}

// etcd puts a header in every raft proposal before it checks the size
// (InternalRaftRequest.Header, field 100: 2 tag bytes, 1 length byte, 1 tag
// byte and the request ID as a varint). The ID is the member's 16 low ID
// bits << 48 | a millisecond clock << 8 | a counter: at least 2^47, so the
// header takes 11 to 14 bytes depending on the member. proposalID stands in
// for it with 2^62 (a 9-byte varint, 13 header bytes: the common case);
// requests whose size would depend on the member's ID are not drawn.
const (
	proposalID             = 1 << 62
	minProposalHeaderBytes = 11
	maxProposalHeaderBytes = 14
)

// tooLargeForRaft reports whether etcd would refuse to propose ir: etcd
// compares the encoded InternalRaftRequest with --max-request-bytes.
func tooLargeForRaft(ir *pb.InternalRaftRequest) bool {
	ir.Header = &pb.RequestHeader{ID: proposalID}
	return ir.Size() > MaxRequestBytes
}
