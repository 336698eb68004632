package node

import (
	"go.etcd.io/raft/v3/raftpb"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// applyCommitted applies ents, committed entries in index order, as apply
// does one by one: runs of put entries go to the store in one batch
// (applyPuts), everything else through apply.
func (m *Member) applyCommitted(ents []raftpb.Entry) {
	for i := 0; i < len(ents); {
		n := m.applyPuts(ents[i:])
		if n == 0 {
			m.apply(&ents[i])
			n = 1
		}
		i += n
	}
}

// putRun is applyPuts' scratch, kept by the member so that applying
// allocates nothing; index i of each slice is the run's i-th put. puts is
// not cleared after use: its slots alias entry data only until the next
// run overwrites them (the raft log holds that data longer anyway), and
// clearing pointers costs write barriers. calls, resps and errs are used
// only when calls wait on this member, and cleared after use.
type putRun struct {
	puts  []mvcc.PutRequest
	ids   []uint64
	calls []*call
	resps []*mvcc.PutResponse
	errs  []error
}

// applyPuts applies the longest prefix of ents made of put entries that
// decode and are not applied yet, with the same effects, answers and
// events as apply gives them one by one (Store.PutBatch is Put in order),
// and returns its length (0 if ents[0] is not such an entry). OnApply sees
// each entry of the run, in order, before the store applies any; the calls
// waiting on this member are answered after the whole run, in entry order.
func (m *Member) applyPuts(ents []raftpb.Entry) int {
	if len(ents) == 0 || ents[0].Index <= m.applied {
		return 0
	}
	r := &m.run
	n := 0
	for i := range ents {
		e := &ents[i]
		if e.Type != raftpb.EntryNormal || len(e.Data) == 0 || entryKind(e.Data[0]) != kindPut {
			break
		}
		if n == len(r.puts) {
			r.puts = append(r.puts, mvcc.PutRequest{})
			r.ids = append(r.ids, 0)
		}
		id, err := decodePut(e.Data, &r.puts[n]) // in place: no copy of the request
		if err != nil {
			break // apply reports it
		}
		r.ids[n] = id
		n++
		if m.cfg.OnApply != nil {
			m.cfg.OnApply(*e)
		}
	}
	if n == 0 {
		return 0
	}
	m.applied = ents[n-1].Index
	puts, ids := r.puts[:n], r.ids[:n]
	if len(m.waits) == 0 {
		m.store.PutBatch(puts, nil, nil)
		return n
	}
	calls := append(r.calls[:0], make([]*call, n)...)
	resps := append(r.resps[:0], make([]*mvcc.PutResponse, n)...)
	errs := append(r.errs[:0], make([]error, n)...)
	for i, id := range ids {
		if c := m.waits[id]; c != nil {
			delete(m.waits, id)
			calls[i], resps[i] = c, &c.putResp
		}
	}
	m.store.PutBatch(puts, resps, errs)
	for i, c := range calls {
		switch {
		case c == nil:
		case errs[i] != nil:
			m.fail(c, errs[i])
		default:
			m.finish(c, Result{Put: resps[i]})
		}
	}
	clear(calls)
	clear(resps)
	clear(errs)
	r.calls, r.resps, r.errs = calls[:0], resps[:0], errs[:0]
	return n
}

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
	if e.Type == raftpb.EntryConfChange {
		m.applyConfChange(e) // the bootstrap's (membership.go)
		return
	}
	if e.Type != raftpb.EntryNormal || len(e.Data) == 0 {
		// Empty entries are new leaders' term markers.
		return
	}
	if entryKind(e.Data[0]) == kindPut {
		// applyCommitted gives every put entry that decodes to applyPuts:
		// one that reaches apply does not.
		var put mvcc.PutRequest // on the stack: see decodePut
		_, err := decodePut(e.Data, &put)
		m.event("corrupt", "member %d skipped entry %d: %v", m.id, e.Index, err)
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

func (m *Member) applyRequest(r *request) (Result, error) {
	var res Result
	var err error
	switch r.kind { // puts are applied in runs (applyPuts), never here
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
	case kindMemberAttrs, kindClusterVersion:
		m.applyMembership(r)
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
