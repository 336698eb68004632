package mvcc

// writeTxn is one write transaction: every change it makes gets main
// revision beginRev+1 and sub 0, 1, ... in order. A txn that changes
// nothing does not bump the store revision. The caller holds s.mu
// exclusively from begin to end, so reads inside the txn see its earlier
// writes and nobody sees a half-done txn.
type writeTxn struct {
	s        *Store
	beginRev int64
	changes  int64 // changes made so far (next sub revision)
	firstLog int   // log length at begin: the txn's entries follow
}

func (s *Store) beginWrite() *writeTxn {
	return &writeTxn{s: s, beginRev: s.rev, firstLog: s.log.len()}
}

// rev is the revision reads inside the txn observe: beginRev, or
// beginRev+1 once the txn has written.
func (tw *writeTxn) rev() int64 {
	if tw.changes > 0 {
		return tw.beginRev + 1
	}
	return tw.beginRev
}

// end commits the txn: bumps the revision if anything changed and notifies
// synced watchers (non-blocking).
func (tw *writeTxn) end() {
	if tw.changes == 0 {
		return
	}
	s := tw.s
	s.rev++
	// notify and checkpointHash test these themselves; testing them here
	// too saves two calls per write when neither has anything to do.
	if len(s.w.synced) > 0 {
		s.notify(s.rev, tw.firstLog)
	}
	if s.hashEvery > 0 {
		s.checkpointHash()
	}
}

// put writes key=value with lease (0: none), as etcd's storeTxnWrite.put:
// a live key keeps its create revision and gets version+1; lease attachment
// moves from the key's previous lease to the new one.
func (tw *writeTxn) put(key, value []byte, leaseID int64) {
	s := tw.s
	rev := revision{main: tw.beginRev + 1, sub: tw.changes}
	ki := s.idx.get(key)
	create, version := rev.main, int64(1)
	if ki == nil {
		ki = newKeyIndex(append([]byte(nil), key...))
		s.idx.insert(ki)
	}
	if ki.live() {
		prev := ki.last
		create, version = prev.create, prev.version+1
	} else {
		s.keys++
	}
	s.cur.supersede(&s.log, ki.last)
	ki.put(rev)
	// The entry is built in its log slot (no copy of it).
	e := s.log.next()
	e.rev, e.create, e.version, e.lease = rev, create, version, leaseID
	e.ki = ki
	s.storeValue(e, value)
	ki.last = e
	s.bytes += e.size()
	tw.changes++
	s.moveLease(ki.key, leaseID)
}

// deleteRange tombstones every key live at the txn's revision in the
// selection (End as in RangeRequest) and returns how many.
func (tw *writeTxn) deleteRange(key, end []byte) int64 {
	s := tw.s
	at := tw.rev()
	var kis []*keyIndex
	s.idx.visit(key, end, func(ki *keyIndex) bool {
		if _, ok := ki.get(at); ok {
			kis = append(kis, ki)
		}
		return true
	})
	for _, ki := range kis {
		tw.delete(ki)
	}
	return int64(len(kis))
}

// delete tombstones the live key ki.
func (tw *writeTxn) delete(ki *keyIndex) {
	s := tw.s
	rev := revision{main: tw.beginRev + 1, sub: tw.changes}
	s.cur.supersede(&s.log, ki.last)
	ki.tombstone(rev)
	s.log.append(&entry{rev: rev, ki: ki})
	s.bytes += int64(len(ki.key))
	s.keys--
	tw.changes++
	s.moveLease(ki.key, 0)
}

// Put writes one key as a one-op transaction. The header revision is the
// new revision.
func (s *Store) Put(r *PutRequest) (*PutResponse, error) {
	if err := checkPutRequest(r); err != nil {
		return nil, err
	}
	resp := &PutResponse{}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.putOne(r, resp); err != nil {
		return nil, err
	}
	return resp, nil
}

// PutBatch applies the puts rs in order, each exactly as Put would (its own
// one-op transaction and revision, the same checks and errors; a rejected
// put changes nothing), under one acquisition of the write lock: a member
// applies its committed puts in runs, and under js/wasm the lock's atomics
// and the call layers of Put are a noticeable part of a put's cost.
//
// resps and errs are either nil (a member nobody waits on: no response,
// errors not reported) or at least len(rs) long; then errs[i] is Put's
// error for rs[i], and resps[i], if not nil, is filled as Put fills its
// response (left alone on error).
func (s *Store) PutBatch(rs []PutRequest, resps []*PutResponse, errs []error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range rs {
		var resp *PutResponse
		if resps != nil {
			resp = resps[i]
		}
		err := checkPutRequest(&rs[i])
		if err == nil {
			err = s.putOne(&rs[i], resp)
		}
		if errs != nil {
			errs[i] = err
		}
	}
}

// checkPutRequest is Put's checks of the request alone (no store state).
func checkPutRequest(r *PutRequest) error {
	if err := checkPut(r); err != nil {
		return err
	}
	if tooLarge(putSize(r)) {
		return ErrRequestTooLarge
	}
	return nil
}

// putOne runs a checked put as its own one-op transaction, filling resp
// unless it is nil, unless its lease does not exist (then it changes
// nothing). Caller holds mu exclusively.
func (s *Store) putOne(r *PutRequest, resp *PutResponse) error {
	if err := s.checkLease(r.Lease); err != nil {
		return err
	}
	tw := writeTxn{s: s, beginRev: s.rev, firstLog: s.log.len()}
	tw.execPut(r, resp)
	tw.end()
	return nil
}

// execPut runs one put of the txn, filling resp unless it is nil.
func (tw *writeTxn) execPut(r *PutRequest, resp *PutResponse) {
	if resp != nil && r.PrevKV {
		resp.PrevKV = tw.s.getLive(r.Key)
	}
	tw.put(r.Key, r.Value, r.Lease)
	if resp != nil {
		resp.Header = header(tw.beginRev + 1)
	}
}

// getLive returns a copy of key's newest KeyValue if the key is live, or
// nil.
func (s *Store) getLive(key []byte) *KeyValue {
	ki := s.idx.get(key)
	if ki == nil || !ki.live() {
		return nil
	}
	kv := new(KeyValue)
	ki.last.fill(kv)
	return kv
}

// DeleteRange deletes the selected keys as a one-op transaction. The header
// revision is the new revision, or the current one if nothing was deleted.
func (s *Store) DeleteRange(r *DeleteRangeRequest) (*DeleteRangeResponse, error) {
	if err := checkDelete(r); err != nil {
		return nil, err
	}
	if tooLarge(deleteSize(r)) {
		return nil, ErrRequestTooLarge
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tw := s.beginWrite()
	resp := tw.execDelete(r)
	tw.end()
	return resp, nil
}

func (tw *writeTxn) execDelete(r *DeleteRangeRequest) *DeleteRangeResponse {
	resp := &DeleteRangeResponse{}
	if r.PrevKV {
		// Cannot fail: reads at the txn's own revision.
		rr, _ := tw.s.rangeAt(&RangeRequest{Key: r.Key, End: r.End}, tw.rev())
		resp.PrevKVs = rr.KVs
	}
	resp.Deleted = tw.deleteRange(r.Key, r.End)
	if resp.Deleted != 0 || tw.changes > 0 {
		resp.Header = header(tw.beginRev + 1)
	} else {
		resp.Header = header(tw.beginRev)
	}
	return resp
}

// Txn evaluates r.Compare at the current revision and runs Success or
// Failure atomically, in one revision (none if it writes nothing). As in
// etcd, the top header carries the txn's revision; a nested TxnResponse's
// header revision is left 0 (etcd never fills it).
func (s *Store) Txn(r *TxnRequest) (*TxnResponse, error) {
	if err := checkTxn(r, MaxTxnOps); err != nil {
		return nil, err
	}
	if err := checkIntervals(r.Success); err != nil {
		return nil, err
	}
	if err := checkIntervals(r.Failure); err != nil {
		return nil, err
	}
	if tooLarge(txnSize(r)) {
		return nil, ErrRequestTooLarge
	}
	if isReadOnly(r) {
		s.mu.RLock()
		defer s.mu.RUnlock()
	} else {
		s.mu.Lock()
		defer s.mu.Unlock()
	}
	path := s.comparePath(r, nil)
	if _, err := s.checkPath(r, path); err != nil {
		return nil, err
	}
	tw := &writeTxn{s: s, beginRev: s.rev, firstLog: s.log.len()}
	resp := &TxnResponse{}
	tw.execTxn(r, path, resp)
	resp.Header = header(tw.rev())
	tw.end()
	return resp, nil
}

// isReadOnly reports whether every op of both branches is a Range (nested
// txns count as writes, as in etcd).
func isReadOnly(r *TxnRequest) bool {
	for _, ops := range [][]RequestOp{r.Success, r.Failure} {
		for i := range ops {
			if ops[i].Range == nil {
				return false
			}
		}
	}
	return true
}

// comparePath appends to path, depth first, the outcome of r's compares and
// of every nested txn on the branch taken (etcd's compareToPath): all
// compares are evaluated before any op runs.
func (s *Store) comparePath(r *TxnRequest, path []bool) []bool {
	ok := s.compares(r.Compare)
	path = append(path, ok)
	for _, op := range branch(r, ok) {
		if op.Txn != nil {
			path = s.comparePath(op.Txn, path)
		}
	}
	return path
}

func branch(r *TxnRequest, succeeded bool) []RequestOp {
	if succeeded {
		return r.Success
	}
	return r.Failure
}

// checkPath validates the ops on the taken branches before anything runs
// (etcd's checkTxn): range revisions against the current revision, and
// that put leases exist. It returns how many path entries r consumed.
func (s *Store) checkPath(r *TxnRequest, path []bool) (int, error) {
	used := 1
	for _, op := range branch(r, path[0]) {
		switch {
		case op.Range != nil:
			switch rev := op.Range.Rev; {
			case rev == 0:
			case rev > s.rev:
				return 0, ErrFutureRev
			case rev < s.compactRev:
				return 0, ErrCompacted
			}
		case op.Put != nil:
			if err := s.checkLease(op.Put.Lease); err != nil {
				return 0, err
			}
		case op.Txn != nil:
			n, err := s.checkPath(op.Txn, path[used:])
			if err != nil {
				return 0, err
			}
			used += n
		}
	}
	return used, nil
}

// execTxn runs the taken branch of r into resp and returns how many path
// entries r consumed. Validation has passed, so nothing can fail.
func (tw *writeTxn) execTxn(r *TxnRequest, path []bool, resp *TxnResponse) int {
	used := 1
	resp.Succeeded = path[0]
	ops := branch(r, path[0])
	resp.Responses = make([]ResponseOp, len(ops))
	for i, op := range ops {
		switch {
		case op.Range != nil:
			rr, err := tw.s.rangeAt(op.Range, tw.rev())
			if err != nil {
				// Unreachable after checkPath; keep the response well formed.
				rr = &RangeResponse{Header: header(tw.rev())}
			}
			resp.Responses[i].Range = rr
		case op.Put != nil:
			resp.Responses[i].Put = &PutResponse{}
			tw.execPut(op.Put, resp.Responses[i].Put)
		case op.DeleteRange != nil:
			resp.Responses[i].DeleteRange = tw.execDelete(op.DeleteRange)
		case op.Txn != nil:
			sub := &TxnResponse{}
			used += tw.execTxn(op.Txn, path[used:], sub)
			resp.Responses[i].Txn = sub
		}
	}
	return used
}
