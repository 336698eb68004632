package cluster

import (
	"bytes"
	"errors"
	"strconv"

	"github.com/etcd-play/etcd-play/node"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// The client log: every client call the cluster submits (Do and stress
// puts alike) as the linearizability checker needs it (CheckLinearizable,
// lincheck.go). submit logs an invoke event and answer the call's return
// event, both with c.mu held, so the event numbers order the history in
// the cluster's own time: an operation answered before another was
// submitted has the smaller number. Ticks are kept for display only.
//
// What the model (independent registers, node/lincheck) can express is
// logged as operations: puts without a lease, single-key deletes and
// single-key linearizable reads of the current revision. A write it cannot
// express (a txn's writes, a put with a lease, a range delete) spoils the
// keys it touches: their operations are left out of the check, and the
// verdict counts them; so does a read that returns a key attached to a
// lease (it may expire unseen). Other reads (serializable ones, which may
// be stale by design, ranges, past revisions) are only counted (leaving a
// read out never hides a violation of the others, nor makes one).
//
// Bound: at most maxClientEvents events (two per answered call); beyond
// that the oldest chunk of events is dropped and counted, and the check
// then treats every key's first value as unknown (see clientLog.dropped).
//
// The log is plain data (no pointers into the cluster, no closures) and
// append-only in chunks: a copy (clone) shares the full chunks and caps
// the last one, so neither copy ever writes where the other reads.

// clientChunk is the number of events per chunk of the client log.
const clientChunk = 4096

// maxClientEvents bounds the client log: 2 events per call, so about
// 98,000 calls (~13 MB of events, plus the keys and values up to 24 bytes
// each, longer values only by a 40-byte digest).
const maxClientEvents = 48 * clientChunk

// clientEvent kinds.
const (
	evGet uint8 = iota + 1 // invokes
	evPut
	evDelete
	evSpoil   // a write the model cannot express on Key, or [Key, End) when End != ""
	evOK      // returns: answered
	evFailed  // answered with an error after which a write may have applied
	evRefused // answered with an error meaning it had no effect
	evLeased  // a read answered with a key attached to a lease: spoils the key
	evRead    // a read the model leaves out (serializable, over a range, at a past revision, keys or count only): counted
)

// clientEvent is one event of the client log.
type clientEvent struct {
	Tick uint64
	// Invoke: for a return, the number of its invoke event.
	Invoke uint64
	Member uint32
	Kind   uint8
	// Found: a read's key existed; Deleted: a delete removed the key.
	Found, Deleted bool
	// Key: the operation's key (evSpoil: the range's start).
	Key string
	// Value: a put's value or a read's answer (valueID); a failed
	// return's error text; evSpoil: the range's end ("" for one key).
	Value string
}

// clientLog is the client log (see the section comment). Event number n
// (0, 1, ...) is chunks[(n-first)/clientChunk][(n-first)%clientChunk].
type clientLog struct {
	chunks [][]clientEvent
	first  uint64 // number of the oldest event kept
	// droppedOps counts the invokes dropped with old chunks.
	droppedOps int
	// unknownStart: the store held data before the log began (loaded
	// from storage), so every key's first value is unknown.
	unknownStart bool
}

// next returns the number the next event gets.
func (l *clientLog) next() uint64 {
	n := l.first
	if k := len(l.chunks); k > 0 {
		n += uint64((k-1)*clientChunk + len(l.chunks[k-1]))
	}
	return n
}

// add appends e and returns its number, dropping the oldest chunk when the
// log is full.
func (l *clientLog) add(e clientEvent) uint64 {
	n := l.next()
	k := len(l.chunks)
	if k == 0 || len(l.chunks[k-1]) == clientChunk {
		if k*clientChunk == maxClientEvents {
			for _, old := range l.chunks[0] {
				if old.Kind >= evGet && old.Kind <= evDelete {
					l.droppedOps++
				}
			}
			l.chunks[0] = nil
			l.chunks = l.chunks[1:]
			l.first += clientChunk
			k--
		}
		l.chunks = append(l.chunks, make([]clientEvent, 0, clientChunk))
		k++
	}
	l.chunks[k-1] = append(l.chunks[k-1], e)
	return n
}

// at returns event n, or nil if it was dropped or does not exist.
func (l *clientLog) at(n uint64) *clientEvent {
	if n < l.first || n >= l.next() {
		return nil
	}
	i := n - l.first
	return &l.chunks[i/clientChunk][i%clientChunk]
}

// clone returns a copy that shares l's events (see the section comment).
func (l *clientLog) clone() clientLog {
	out := *l
	out.chunks = append([][]clientEvent(nil), l.chunks...)
	if k := len(out.chunks); k > 0 {
		last := out.chunks[k-1]
		out.chunks[k-1] = last[:len(last):len(last)]
	}
	return out
}

// memoryBytes estimates the bytes l holds.
func (l *clientLog) memoryBytes() int64 {
	var n int64
	for _, ch := range l.chunks {
		n += int64(cap(ch)) * 64
		for i := range ch {
			n += int64(len(ch[i].Key) + len(ch[i].Value))
		}
	}
	return n
}

// valueID names a value in the log: itself up to 24 bytes, else its first
// 16 bytes, its length and a 64-bit digest (longer than 24 bytes, so it
// never equals a short value; two long values collide with negligible
// probability).
func valueID(v []byte) string {
	if len(v) <= 24 {
		return string(v)
	}
	// "<first 16 bytes>… (<len> bytes, #<FNV-1a 64, 16 hex digits>)",
	// built by hand: fmt and hash.Hash cost a tenth of a MaxRate put.
	const offset64, prime64 = 14695981039346656037, 1099511628211
	h := uint64(offset64)
	for _, c := range v {
		h = (h ^ uint64(c)) * prime64
	}
	b := make([]byte, 0, 16+len("… ( bytes, #)")+20+16)
	b = append(b, v[:16]...)
	b = append(b, "… ("...)
	b = strconv.AppendInt(b, int64(len(v)), 10)
	b = append(b, " bytes, #"...)
	for shift := 60; shift >= 0; shift -= 4 {
		b = append(b, "0123456789abcdef"[h>>uint(shift)&0xf])
	}
	b = append(b, ')')
	return string(b)
}

// logInvoke logs call's request at its submission and stores the invoke's
// number (plus one) in call.logged; calls the model has no use for log
// nothing (or a spoil). Called with c.mu held, from submit.
func (c *Cluster) logInvoke(call *Call) {
	op := &call.op
	e := clientEvent{Tick: c.now, Member: uint32(call.member)}
	switch {
	case op.Put != nil && op.Put.Lease == 0:
		e.Kind, e.Key, e.Value = evPut, string(op.Put.Key), valueID(op.Put.Value)
	case op.Put != nil:
		e.Kind, e.Key = evSpoil, string(op.Put.Key)
	case op.Range != nil:
		r := op.Range
		if op.Serializable || len(r.End) > 0 || r.Rev != 0 || r.KeysOnly || r.CountOnly {
			c.clog.add(clientEvent{Tick: c.now, Member: uint32(call.member), Kind: evRead})
			return
		}
		e.Kind, e.Key = evGet, string(r.Key)
	case op.DeleteRange != nil && len(op.DeleteRange.End) == 0:
		e.Kind, e.Key = evDelete, string(op.DeleteRange.Key)
	case op.DeleteRange != nil:
		e.Kind, e.Key, e.Value = evSpoil, string(op.DeleteRange.Key), string(op.DeleteRange.End)
	case op.Txn != nil:
		c.logTxnSpoils(e, op.Txn)
		return
	default:
		return
	}
	n := c.clog.add(e)
	if e.Kind != evSpoil {
		call.logged = n + 1
	}
}

// logTxnSpoils logs a spoil for every key a txn may write, in both
// branches and nested txns.
func (c *Cluster) logTxnSpoils(e clientEvent, t *mvcc.TxnRequest) {
	for _, ops := range [][]mvcc.RequestOp{t.Success, t.Failure} {
		for _, o := range ops {
			switch {
			case o.Put != nil:
				e.Kind, e.Key, e.Value = evSpoil, string(o.Put.Key), ""
				c.clog.add(e)
			case o.DeleteRange != nil:
				e.Kind, e.Key, e.Value = evSpoil, string(o.DeleteRange.Key), string(o.DeleteRange.End)
				c.clog.add(e)
			case o.Txn != nil:
				c.logTxnSpoils(e, o.Txn)
			}
		}
	}
}

// logReturn logs the answer of a call logInvoke logged. Called with c.mu
// held, from answer. A call whose invoke is no longer in the log (dropped,
// or a call of a run this cluster's state replaced: its event number then
// names another call's invoke, of another tick or member) logs nothing.
// Whoever replaces the cluster's state and then answers the calls it had
// pending must first set their logged to 0: a pending call of the same
// member and tick would otherwise answer the restored log's operation.
func (c *Cluster) logReturn(call *Call) {
	inv := c.clog.at(call.logged - 1)
	if inv == nil || inv.Member != uint32(call.member) || inv.Tick != call.submitted || inv.Kind < evGet || inv.Kind > evDelete {
		return
	}
	e := clientEvent{Tick: c.now, Invoke: call.logged - 1, Member: uint32(call.member), Kind: evOK, Key: inv.Key}
	switch err := call.err; {
	case err != nil && noEffect(err):
		e.Kind, e.Value = evRefused, err.Error()
	case err != nil:
		e.Kind, e.Value = evFailed, err.Error()
	case inv.Kind == evGet && call.res.Range != nil && len(call.res.Range.KVs) > 0:
		kv := call.res.Range.KVs[0]
		e.Found, e.Value = true, valueID(kv.Value)
		if kv.Lease != 0 || !bytes.Equal(kv.Key, []byte(inv.Key)) {
			e.Kind = evLeased
		}
	case inv.Kind == evDelete && call.res.DeleteRange != nil:
		e.Deleted = call.res.DeleteRange.Deleted > 0
	}
	c.clog.add(e)
}

// noEffect reports whether err means the call certainly had no effect: it
// never reached a live member, or the member refused it before proposing
// (no leader known, raft dropped the proposal, a malformed request).
// Timeouts and ErrStopped are not refusals: the proposal may still commit.
func noEffect(err error) bool {
	return errors.Is(err, ErrMemberDown) || errors.Is(err, ErrNoMember) ||
		errors.Is(err, node.ErrNoLeader) || errors.Is(err, node.ErrLeaderTransfer) ||
		errors.Is(err, node.ErrBadRequest)
}
