package node

import (
	"go.etcd.io/raft/v3/raftpb"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// apply applies one committed entry to the store and answers the call
// waiting for it on this member, if any. Every member applies the same
// entries in the same order, so stores stay identical; a request the store
// rejects is rejected identically everywhere (and changes nothing).
func (m *Member) apply(e *raftpb.Entry) {
	if e.Index <= m.applied {
		return // already in the store (restored snapshot covers it)
	}
	m.applied = e.Index
	if m.cfg.OnApply != nil {
		m.cfg.OnApply(*e)
	}
	if e.Type != raftpb.EntryNormal || len(e.Data) == 0 {
		// Empty entries are new leaders' term markers. Membership is fixed
		// at bootstrap, so no conf changes are ever proposed.
		return
	}
	if entryKind(e.Data[0]) == kindPut {
		var put mvcc.PutRequest // on the stack: see decodePut
		id, err := decodePut(e.Data, &put)
		if err != nil {
			m.event("corrupt", "member %d skipped entry %d: %v", m.id, e.Index, err)
			return
		}
		m.applyPut(id, &put)
		return
	}
	req := &m.scratch
	if err := decodeRequestInto(req, e.Data); err != nil {
		m.event("corrupt", "member %d skipped entry %d: %v", m.id, e.Index, err)
		return
	}
	res, err := m.applyRequest(req)
	if c := m.waits[req.id]; c != nil {
		delete(m.waits, req.id)
		if err != nil {
			m.fail(c, err)
		} else {
			m.finish(c, res)
		}
	}
}

// applyPut applies a decoded put entry with request ID id. When nobody
// waits for it on this member (a follower, or the call timed out) it is
// applied without building a response; the effects and the outcome (an
// error rejects the put on every member alike) are Put's either way.
func (m *Member) applyPut(id uint64, put *mvcc.PutRequest) {
	c := m.waits[id]
	if c == nil {
		_, _ = m.store.ApplyPut(put)
		return
	}
	delete(m.waits, id)
	resp, err := m.store.Put(put)
	if err != nil {
		m.fail(c, err)
		return
	}
	m.finish(c, Result{Put: resp})
}

func (m *Member) applyRequest(r *request) (Result, error) {
	var res Result
	var err error
	switch r.kind {
	case kindPut:
		res.Put, err = m.store.Put(r.put)
	case kindDeleteRange:
		res.DeleteRange, err = m.store.DeleteRange(r.deleteRange)
	case kindTxn:
		res.Txn, err = m.store.Txn(r.txn)
	case kindCompact:
		res.Compact, err = m.store.Compact(r.compact)
	case kindLeaseGrant:
		res.LeaseGrant, err = m.store.LeaseGrant(r.leaseGrant)
		if err == nil {
			m.trackLease(res.LeaseGrant.ID, res.LeaseGrant.TTL)
		}
	case kindLeaseRevoke:
		res.LeaseRevoke, err = m.store.LeaseRevoke(r.leaseID)
		delete(m.leases, r.leaseID)
	case kindLeaseKeepAlive:
		var ttl *mvcc.LeaseTimeToLiveResponse
		if ttl, err = m.store.LeaseTimeToLive(r.leaseID, false); err == nil {
			m.trackLease(r.leaseID, ttl.GrantedTTL)
			res.LeaseKeepAlive = &LeaseKeepAliveResponse{
				Header: mvcc.ResponseHeader{Revision: m.store.Rev()}, ID: r.leaseID, TTL: ttl.GrantedTTL,
			}
		}
	}
	return res, err
}
