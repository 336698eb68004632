package node

import (
	"encoding/binary"
	"errors"

	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/raftpb"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// Submit starts a client call on this member; done is called exactly once,
// from inside a later (or this) Submit, Tick, HandleReady or Stop call.
//
//   - Writes (put, delete, txn, compact, lease grant/revoke/keep-alive) are
//     proposed through raft, batched per round (HandleReady proposes every
//     write submitted since the last round as one MsgProp; a follower's batch
//     is forwarded to the leader by raft), and answered when this member
//     applies the entry.
//   - Linearizable ranges wait for a ReadIndex round and for the member to
//     apply up to the read index, then read the local store.
//   - Serializable ranges, lease time-to-live and lease lists read the
//     local store at once.
//
// A member that knows no leader answers ErrNoLeader at once; a call not
// answered within RequestTimeoutTicks fails with ErrTimeout.
func (m *Member) Submit(op Op, done func(Result, error)) {
	m.SubmitTo(op, answerFunc(done))
}

// Answerer receives the answer of one call started with SubmitTo.
type Answerer interface {
	Answer(Result, error)
}

// answerFunc adapts Submit's callback (a func value fits in an interface
// without allocating).
type answerFunc func(Result, error)

func (f answerFunc) Answer(res Result, err error) { f(res, err) }

// SubmitTo is Submit with the answer delivered to a.Answer, exactly once,
// under the same contract as done. A caller that already has a per-call
// object can pass it (or a pointer conversion of it) and so avoid
// allocating a closure per call.
func (m *Member) SubmitTo(op Op, a Answerer) {
	c := &call{rng: op.Range, lease: op.LeaseTimeToLive, keys: op.LeaseKeys, done: a}
	if m.stopped {
		m.fail(c, ErrStopped)
		return
	}
	kind := op.Kind()
	switch {
	case kind == "":
		m.fail(c, ErrBadRequest)
		return
	case kind == "range" && (op.Serializable || m.cfg.UnsafeLocalReads && m.soft.RaftState == raft.StateLeader):
		m.serveRange(c)
		return
	case kind == "lease-ttl":
		m.serveLeaseTTL(c)
		return
	case kind == "lease-list":
		m.serveLeaseLeases(c)
		return
	case m.soft.Lead == raft.None:
		m.fail(c, ErrNoLeader)
		return
	}
	c.deadline = m.now + uint64(m.cfg.RequestTimeoutTicks)
	if kind == "range" {
		m.calls = append(m.calls, c)
		m.reads = append(m.reads, c)
		return
	}

	c.id = m.nextID()
	r := &request{id: c.id}
	switch kind {
	case "put":
		r.kind, r.put = kindPut, op.Put
	case "delete":
		r.kind, r.deleteRange = kindDeleteRange, op.DeleteRange
	case "txn":
		r.kind, r.txn = kindTxn, op.Txn
	case "compact":
		r.kind, r.compact = kindCompact, op.Compact
	case "lease-grant":
		g := *op.LeaseGrant
		if g.ID == 0 {
			// As etcd: the member picks the ID before proposing, so every
			// member grants the same lease.
			g.ID = int64(c.id & (1<<63 - 1))
		}
		r.kind, r.leaseGrant = kindLeaseGrant, &g
	case "lease-revoke":
		r.kind, r.leaseID = kindLeaseRevoke, op.LeaseRevoke
	case "lease-keepalive":
		r.kind, r.leaseID = kindLeaseKeepAlive, op.LeaseKeepAlive
	}
	var data []byte
	if r.kind == kindPut {
		data = encodePut(&m.entryData, r.id, r.put)
	} else {
		data = encodeRequest(r)
	}
	if len(data) > mvcc.MaxRequestBytes {
		m.fail(c, mvcc.ErrRequestTooLarge)
		return
	}
	m.waits[c.id] = c
	m.calls = append(m.calls, c)
	if m.props == nil {
		// One allocation per batch instead of a doubling series.
		m.props = make([]raftpb.Entry, 0, max(m.propHint, 1))
	}
	m.props = append(m.props, raftpb.Entry{Data: data})
	m.propCalls = append(m.propCalls, c)
}

// maxPropHint bounds the capacity a new batch starts with (entries), so
// that one burst does not make every later batch allocate for a burst.
const maxPropHint = 1024

// flushProposals proposes the writes submitted since the last flush as one
// MsgProp (one raft append and one replication message per follower for the
// whole batch, instead of one per write). Called with raftMu held.
func (m *Member) flushProposals() {
	if len(m.props) == 0 {
		return
	}
	err := m.rn.Step(raftpb.Message{Type: raftpb.MsgProp, From: m.id, Entries: m.props})
	if err != nil {
		// Raft drops proposals while a leader hands over leadership and
		// when this member knows no leader (follower without one,
		// candidate).
		if bs := m.rn.BasicStatus(); errors.Is(err, raft.ErrProposalDropped) && bs.LeadTransferee != raft.None {
			err = ErrLeaderTransfer
		} else {
			err = ErrNoLeader
		}
		for _, c := range m.propCalls {
			delete(m.waits, c.id)
			m.fail(c, err)
		}
	}
	m.propHint = min(len(m.props), maxPropHint)
	m.props = nil // raft keeps the slice
	clear(m.propCalls)
	m.propCalls = m.propCalls[:0]
}

// nextID returns a new request ID: the incarnation's idBase in the high 32
// bits, a counter in the low 32. IDs of different incarnations (restarts,
// epochs) differ with overwhelming probability, so an entry proposed by an
// earlier incarnation never answers a call of this one.
func (m *Member) nextID() uint64 {
	m.reqSeq++
	return m.idBase | m.reqSeq&(1<<32-1)
}

// proposeInternal proposes a request no client waits for (lease expiry).
// Called with raftMu held. A dropped proposal is retried by the caller's
// own schedule.
func (m *Member) proposeInternal(r *request) {
	r.id = m.nextID()
	_ = m.rn.Propose(encodeRequest(r))
}

// flushReads sends the reads submitted since the last flush to raft as one
// ReadIndex request (etcd batches concurrent reads the same way). Called
// with raftMu held.
func (m *Member) flushReads() {
	if len(m.reads) == 0 {
		return
	}
	m.readSeq++
	var ctx [8]byte
	binary.BigEndian.PutUint64(ctx[:], m.idBase|m.readSeq&(1<<32-1))
	b := &readBatch{ctx: string(ctx[:]), calls: m.reads, deadline: m.reads[0].deadline, sent: m.now}
	m.reads = nil
	m.batches = append(m.batches, b)
	m.rn.ReadIndex(ctx[:])
}

// retryReads sends again, with the same context, the ReadIndex of every
// batch still waiting for its index readIndexRetryTicks after it was last
// sent, as etcd does; raft's leader ignores a context it already holds,
// and readIndexed keeps the first index confirmed. Called with raftMu held
// (from Tick).
func (m *Member) retryReads() {
	for _, b := range m.batches {
		if !b.hasIndex && b.deadline > m.now && m.now-b.sent >= readIndexRetryTicks {
			b.sent = m.now
			m.rn.ReadIndex([]byte(b.ctx))
		}
	}
}

// readIndexed records the read index raft confirmed for a batch. Contexts
// this incarnation did not issue are ignored.
func (m *Member) readIndexed(ctx string, index uint64) {
	for _, b := range m.batches {
		if b.ctx == ctx && !b.hasIndex {
			b.index, b.hasIndex = index, true
			return
		}
	}
}

// serveReads answers the batches whose read index is applied, in issue
// order, and forgets batches whose calls all finished (timed out).
func (m *Member) serveReads() {
	kept := m.batches[:0]
	for _, b := range m.batches {
		if b.hasIndex && b.index <= m.applied {
			for _, c := range b.calls {
				if !c.finished {
					m.serveRange(c)
				}
			}
			continue
		}
		if b.deadline > m.now {
			kept = append(kept, b)
		}
	}
	clear(m.batches[len(kept):])
	m.batches = kept
}

func (m *Member) serveRange(c *call) {
	resp, err := m.store.Range(c.rng)
	if err != nil {
		m.fail(c, err)
		return
	}
	m.finish(c, Result{Range: resp})
}

// expireCalls fails the calls whose deadline passed. Called with raftMu held
// (from Tick) but touches no raft state.
func (m *Member) expireCalls() {
	n := 0
	for n < len(m.calls) && (m.calls[n].finished || m.calls[n].deadline <= m.now) {
		c := m.calls[n]
		if !c.finished {
			delete(m.waits, c.id)
			m.fail(c, ErrTimeout)
		}
		n++
	}
	if n > 0 {
		clear(m.calls[:n])
		m.calls = m.calls[n:]
	}
}

func (m *Member) finish(c *call, res Result) {
	if c.finished {
		return
	}
	c.finished = true
	res.setHeader(m.cfg.ClusterID, m.id, m.term)
	c.done.Answer(res, nil)
}

func (m *Member) fail(c *call, err error) {
	if c.finished {
		return
	}
	c.finished = true
	c.done.Answer(Result{}, err)
}
