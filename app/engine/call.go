package engine

import (
	"github.com/etcd-play/etcd-play/node"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// OpCall carries one client request of any kind (Request.Call, a node.Op:
// put with its flags, range, delete, txn, compaction, and the lease calls)
// and answers with its result (Response.Result). Engine.Call sends it; the
// engine queues it on the cluster when it handles the request, as it does
// Put, so a run driven through the protocol stays deterministic.
//
// The codec below writes every field of node.Op and node.Result; a txn's
// nested txns are written recursively, up to maxTxnDepth levels (a deeper
// frame is malformed: etcd's own limit on a request's size makes deeper
// ones useless, and the bound keeps a hostile frame from exhausting the
// stack).
const maxTxnDepth = 32

func writeOp(w *wbuf, op *node.Op) {
	w.bool(op.Put != nil)
	if op.Put != nil {
		writePut(w, op.Put)
	}
	w.bool(op.Range != nil)
	if op.Range != nil {
		writeRange(w, op.Range)
	}
	w.bool(op.DeleteRange != nil)
	if op.DeleteRange != nil {
		writeDelete(w, op.DeleteRange)
	}
	w.bool(op.Txn != nil)
	if op.Txn != nil {
		writeTxn(w, op.Txn)
	}
	w.i(op.Compact)
	w.bool(op.LeaseGrant != nil)
	if op.LeaseGrant != nil {
		w.i(op.LeaseGrant.ID)
		w.i(op.LeaseGrant.TTL)
	}
	w.i(op.LeaseRevoke)
	w.i(op.LeaseKeepAlive)
	w.i(op.LeaseTimeToLive)
	w.bool(op.LeaseKeys)
	w.bool(op.LeaseLeases)
	w.bool(op.Serializable)
}

func readOp(r *rbuf) node.Op {
	var op node.Op
	if r.bool() {
		op.Put = readPut(r)
	}
	if r.bool() {
		op.Range = readRange(r)
	}
	if r.bool() {
		op.DeleteRange = readDelete(r)
	}
	if r.bool() {
		op.Txn = readTxn(r, 0)
	}
	op.Compact = r.i()
	if r.bool() {
		op.LeaseGrant = &mvcc.LeaseGrantRequest{ID: r.i(), TTL: r.i()}
	}
	op.LeaseRevoke, op.LeaseKeepAlive, op.LeaseTimeToLive = r.i(), r.i(), r.i()
	op.LeaseKeys, op.LeaseLeases, op.Serializable = r.bool(), r.bool(), r.bool()
	return op
}

func writePut(w *wbuf, p *mvcc.PutRequest) {
	w.bytes(p.Key)
	w.bytes(p.Value)
	w.i(p.Lease)
	w.bool(p.PrevKV)
}

func readPut(r *rbuf) *mvcc.PutRequest {
	return &mvcc.PutRequest{Key: r.bytes(), Value: r.bytes(), Lease: r.i(), PrevKV: r.bool()}
}

func writeRange(w *wbuf, q *mvcc.RangeRequest) {
	w.bytes(q.Key)
	w.bytes(q.End)
	w.i(q.Rev)
	w.i(q.Limit)
	w.i(int64(q.SortOrder))
	w.i(int64(q.SortTarget))
	w.bool(q.KeysOnly)
	w.bool(q.CountOnly)
}

func readRange(r *rbuf) *mvcc.RangeRequest {
	return &mvcc.RangeRequest{Key: r.bytes(), End: r.bytes(), Rev: r.i(), Limit: r.i(),
		SortOrder: mvcc.SortOrder(r.i()), SortTarget: mvcc.SortTarget(r.i()), KeysOnly: r.bool(), CountOnly: r.bool()}
}

func writeDelete(w *wbuf, d *mvcc.DeleteRangeRequest) {
	w.bytes(d.Key)
	w.bytes(d.End)
	w.bool(d.PrevKV)
}

func readDelete(r *rbuf) *mvcc.DeleteRangeRequest {
	return &mvcc.DeleteRangeRequest{Key: r.bytes(), End: r.bytes(), PrevKV: r.bool()}
}

func writeTxn(w *wbuf, t *mvcc.TxnRequest) {
	w.u(uint64(len(t.Compare)))
	for i := range t.Compare {
		c := &t.Compare[i]
		w.bytes(c.Key)
		w.bytes(c.End)
		w.i(int64(c.Target))
		w.i(int64(c.Result))
		w.i(c.Version)
		w.i(c.CreateRevision)
		w.i(c.ModRevision)
		w.bytes(c.Value)
		w.i(c.Lease)
	}
	writeRequestOps(w, t.Success)
	writeRequestOps(w, t.Failure)
}

func readTxn(r *rbuf, depth int) *mvcc.TxnRequest {
	if depth >= maxTxnDepth {
		r.fail()
		return nil
	}
	t := &mvcc.TxnRequest{}
	if n := r.count(11); n > 0 {
		t.Compare = make([]mvcc.Compare, n)
		for i := range t.Compare {
			t.Compare[i] = mvcc.Compare{Key: r.bytes(), End: r.bytes(), Target: mvcc.CompareTarget(r.i()),
				Result: mvcc.CompareResult(r.i()), Version: r.i(), CreateRevision: r.i(), ModRevision: r.i(),
				Value: r.bytes(), Lease: r.i()}
		}
	}
	t.Success = readRequestOps(r, depth)
	t.Failure = readRequestOps(r, depth)
	return t
}

func writeRequestOps(w *wbuf, ops []mvcc.RequestOp) {
	w.u(uint64(len(ops)))
	for i := range ops {
		o := &ops[i]
		w.bool(o.Range != nil)
		if o.Range != nil {
			writeRange(w, o.Range)
		}
		w.bool(o.Put != nil)
		if o.Put != nil {
			writePut(w, o.Put)
		}
		w.bool(o.DeleteRange != nil)
		if o.DeleteRange != nil {
			writeDelete(w, o.DeleteRange)
		}
		w.bool(o.Txn != nil)
		if o.Txn != nil {
			writeTxn(w, o.Txn)
		}
	}
}

func readRequestOps(r *rbuf, depth int) []mvcc.RequestOp {
	n := r.count(4)
	if n == 0 {
		return nil
	}
	ops := make([]mvcc.RequestOp, n)
	for i := range ops {
		o := &ops[i]
		if r.bool() {
			o.Range = readRange(r)
		}
		if r.bool() {
			o.Put = readPut(r)
		}
		if r.bool() {
			o.DeleteRange = readDelete(r)
		}
		if r.bool() {
			o.Txn = readTxn(r, depth+1)
		}
	}
	return ops
}

func writeResult(w *wbuf, res *node.Result) {
	writeHeader(w, res.Header)
	w.bool(res.Put != nil)
	if res.Put != nil {
		writePutResponse(w, res.Put)
	}
	w.bool(res.Range != nil)
	if res.Range != nil {
		writeRangeResponse(w, res.Range)
	}
	w.bool(res.DeleteRange != nil)
	if res.DeleteRange != nil {
		writeDeleteResponse(w, res.DeleteRange)
	}
	w.bool(res.Txn != nil)
	if res.Txn != nil {
		writeTxnResponse(w, res.Txn)
	}
	w.bool(res.Compact != nil)
	if res.Compact != nil {
		writeHeader(w, res.Compact.Header)
	}
	w.bool(res.LeaseGrant != nil)
	if g := res.LeaseGrant; g != nil {
		writeHeader(w, g.Header)
		w.i(g.ID)
		w.i(g.TTL)
	}
	w.bool(res.LeaseRevoke != nil)
	if res.LeaseRevoke != nil {
		writeHeader(w, res.LeaseRevoke.Header)
	}
	w.bool(res.LeaseKeepAlive != nil)
	if k := res.LeaseKeepAlive; k != nil {
		writeHeader(w, k.Header)
		w.i(k.ID)
		w.i(k.TTL)
	}
	w.bool(res.LeaseTimeToLive != nil)
	if t := res.LeaseTimeToLive; t != nil {
		writeHeader(w, t.Header)
		w.i(t.ID)
		w.i(t.TTL)
		w.i(t.GrantedTTL)
		w.u(uint64(len(t.Keys)))
		for _, k := range t.Keys {
			w.bytes(k)
		}
	}
	w.bool(res.LeaseLeases != nil)
	if l := res.LeaseLeases; l != nil {
		writeHeader(w, l.Header)
		w.u(uint64(len(l.IDs)))
		for _, id := range l.IDs {
			w.i(id)
		}
	}
}

func readResult(r *rbuf) *node.Result {
	res := &node.Result{Header: readHeader(r)}
	if r.bool() {
		res.Put = readPutResponse(r)
	}
	if r.bool() {
		res.Range = readRangeResponse(r)
	}
	if r.bool() {
		res.DeleteRange = readDeleteResponse(r)
	}
	if r.bool() {
		res.Txn = readTxnResponse(r, 0)
	}
	if r.bool() {
		res.Compact = &mvcc.CompactResponse{Header: readHeader(r)}
	}
	if r.bool() {
		res.LeaseGrant = &mvcc.LeaseGrantResponse{Header: readHeader(r), ID: r.i(), TTL: r.i()}
	}
	if r.bool() {
		res.LeaseRevoke = &mvcc.LeaseRevokeResponse{Header: readHeader(r)}
	}
	if r.bool() {
		res.LeaseKeepAlive = &node.LeaseKeepAliveResponse{Header: readHeader(r), ID: r.i(), TTL: r.i()}
	}
	if r.bool() {
		t := &mvcc.LeaseTimeToLiveResponse{Header: readHeader(r), ID: r.i(), TTL: r.i(), GrantedTTL: r.i()}
		if n := r.count(1); n > 0 {
			t.Keys = make([][]byte, n)
			for i := range t.Keys {
				t.Keys[i] = r.bytes()
			}
		}
		res.LeaseTimeToLive = t
	}
	if r.bool() {
		l := &node.LeaseLeasesResponse{Header: readHeader(r)}
		if n := r.count(1); n > 0 {
			l.IDs = make([]int64, n)
			for i := range l.IDs {
				l.IDs[i] = r.i()
			}
		}
		res.LeaseLeases = l
	}
	return res
}

func writePutResponse(w *wbuf, p *mvcc.PutResponse) {
	writeHeader(w, p.Header)
	writeKV(w, p.PrevKV)
}

func readPutResponse(r *rbuf) *mvcc.PutResponse {
	return &mvcc.PutResponse{Header: readHeader(r), PrevKV: readKV(r)}
}

func writeRangeResponse(w *wbuf, p *mvcc.RangeResponse) {
	writeHeader(w, p.Header)
	writeKVs(w, p.KVs)
	w.i(p.Count)
	w.bool(p.More)
}

func readRangeResponse(r *rbuf) *mvcc.RangeResponse {
	return &mvcc.RangeResponse{Header: readHeader(r), KVs: readKVs(r), Count: r.i(), More: r.bool()}
}

func writeDeleteResponse(w *wbuf, p *mvcc.DeleteRangeResponse) {
	writeHeader(w, p.Header)
	w.i(p.Deleted)
	writeKVs(w, p.PrevKVs)
}

func readDeleteResponse(r *rbuf) *mvcc.DeleteRangeResponse {
	return &mvcc.DeleteRangeResponse{Header: readHeader(r), Deleted: r.i(), PrevKVs: readKVs(r)}
}

func writeTxnResponse(w *wbuf, t *mvcc.TxnResponse) {
	writeHeader(w, t.Header)
	w.bool(t.Succeeded)
	w.u(uint64(len(t.Responses)))
	for i := range t.Responses {
		o := &t.Responses[i]
		w.bool(o.Range != nil)
		if o.Range != nil {
			writeRangeResponse(w, o.Range)
		}
		w.bool(o.Put != nil)
		if o.Put != nil {
			writePutResponse(w, o.Put)
		}
		w.bool(o.DeleteRange != nil)
		if o.DeleteRange != nil {
			writeDeleteResponse(w, o.DeleteRange)
		}
		w.bool(o.Txn != nil)
		if o.Txn != nil {
			writeTxnResponse(w, o.Txn)
		}
	}
}

func readTxnResponse(r *rbuf, depth int) *mvcc.TxnResponse {
	if depth >= maxTxnDepth {
		r.fail()
		return nil
	}
	t := &mvcc.TxnResponse{Header: readHeader(r), Succeeded: r.bool()}
	if n := r.count(4); n > 0 {
		t.Responses = make([]mvcc.ResponseOp, n)
		for i := range t.Responses {
			o := &t.Responses[i]
			if r.bool() {
				o.Range = readRangeResponse(r)
			}
			if r.bool() {
				o.Put = readPutResponse(r)
			}
			if r.bool() {
				o.DeleteRange = readDeleteResponse(r)
			}
			if r.bool() {
				o.Txn = readTxnResponse(r, depth+1)
			}
		}
	}
	return t
}
