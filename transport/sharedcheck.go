package transport

import (
	"errors"
	"fmt"
	"hash/crc32"
	"slices"
	"strings"
	"unsafe"

	"go.etcd.io/raft/v3/raftpb"
)

// The run-time check of the payload contract (clone.go): with it on, Send
// checksums the payload bytes (entry and snapshot Data) of every message,
// and the network checks them again later. A checksum that changed means
// that some member, storage or the sender wrote into bytes the network had
// shared: the check reports it by panicking in EndRound (or returns it from
// VerifyShared), naming the bytes and their first sender.
//
// Each distinct payload (same address and length) is checksummed when
// first sent and verified when its watch ends: rounds rounds after the
// last round in which it was sent or fell due for delivery (a delayed or
// re-sent message extends it). A write is caught if it happens before the
// watch ends; VerifyShared checks every watched payload at once. The
// watched bytes are kept alive meanwhile. Meant for tests: it costs a
// checksum per payload sent and one when its watch ends, and holds the
// memory of rounds rounds of traffic.

// DefaultCheckShared is the CheckShared window (rounds) of every Network
// New returns afterwards; 0, off, unless a test package turns it on before
// creating networks (node/cluster's TestMain does).
var DefaultCheckShared uint64

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// CheckShared turns the payload check on, watching each payload for rounds
// rounds after its last use, or off with 0 (forgetting what it watched).
func (n *Network) CheckShared(rounds uint64) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if rounds == 0 {
		n.check = nil
		return
	}
	if n.check == nil {
		n.check = &sharedCheck{recs: map[payloadKey]*payloadRec{}, byEnd: map[uint64][]payloadKey{}}
	}
	n.check.rounds = rounds
}

// VerifyShared verifies every payload the check watches now and returns an
// error describing each that changed, in a fixed order (nil if none did, or
// if the check is off). It forgets nothing.
func (n *Network) VerifyShared() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.check == nil {
		return nil
	}
	var errs []error
	for _, r := range n.check.recs {
		if err := r.verify(); err != nil {
			errs = append(errs, err)
		}
	}
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return errors.Join(errs...)
}

// sharedCheck is the payload check's state. Guarded by Network.mu.
type sharedCheck struct {
	rounds uint64
	recs   map[payloadKey]*payloadRec
	// byEnd lists, by round, the payloads whose watch may end then (a
	// payload whose end moved later is listed again under its new end).
	byEnd map[uint64][]payloadKey
	// broken is the first violation found in the current EndRound, which
	// panics with it once it has released the outbox locks.
	broken error
}

// payloadKey identifies a payload by its bytes' address and length. The
// record keeps the bytes alive, so the address is not reused meanwhile.
type payloadKey struct {
	p *byte
	n int
}

// payloadRec is one watched payload.
type payloadRec struct {
	payloadSum
	end uint64 // the round its watch ends in
}

func (r *payloadRec) verify() error {
	if crc32.Checksum(r.data, castagnoli) != r.sum {
		return fmt.Errorf("transport: payload contract broken (clone.go): the %d bytes of %s changed after Send; "+
			"a sender, recipient or storage wrote into shared entry or snapshot data", len(r.data), r.describe())
	}
	return nil
}

// payloadSum is a payload checksummed by Send, with where it was first
// seen, waiting in the outbox for EndRound to watch it.
type payloadSum struct {
	data            []byte
	sum             uint32
	typ             raftpb.MessageType
	from, to, round uint64
	snapshot        bool   // the snapshot's Data, else an entry's
	index, term     uint64 // the entry's, or the snapshot's index
}

func (s *payloadSum) describe() string {
	what := fmt.Sprintf("the data of entry %d (term %d)", s.index, s.term)
	switch {
	case s.index == 0 && !s.snapshot:
		what = "the data of a proposed entry" // raft indexes it on append
	case s.snapshot:
		what = fmt.Sprintf("the data of the snapshot at index %d", s.index)
	}
	return fmt.Sprintf("%s of a %s from member %d to member %d sent in round %d", what, s.typ, s.from, s.to, s.round)
}

// appendSums appends a checksum of every non-empty payload of m (sent by
// from in round round) to sums.
func appendSums(sums []payloadSum, from, round uint64, m *raftpb.Message) []payloadSum {
	for i := range m.Entries {
		if e := &m.Entries[i]; len(e.Data) > 0 {
			sums = append(sums, payloadSum{data: e.Data, sum: crc32.Checksum(e.Data, castagnoli),
				typ: m.Type, from: from, to: m.To, round: round, index: e.Index, term: e.Term})
		}
	}
	if s := m.Snapshot; s != nil && len(s.Data) > 0 {
		sums = append(sums, payloadSum{data: s.Data, sum: crc32.Checksum(s.Data, castagnoli),
			typ: m.Type, from: from, to: m.To, round: round, snapshot: true, index: s.Metadata.Index})
	}
	for i := range m.Responses {
		sums = appendSums(sums, from, round, &m.Responses[i])
	}
	return sums
}

func keyOf(data []byte) payloadKey { return payloadKey{unsafe.SliceData(data), len(data)} }

// watch starts or extends the watch of the payloads Send checksummed, to
// the rounds after round from at least. A payload already watched whose
// bytes changed since it was first sent is a violation (c.broken).
func (c *sharedCheck) watch(sums []payloadSum, from uint64) {
	for i := range sums {
		s := &sums[i]
		k := keyOf(s.data)
		r := c.recs[k]
		if r == nil {
			r = &payloadRec{payloadSum: *s}
			c.recs[k] = r
		} else if r.sum != s.sum && c.broken == nil {
			c.broken = fmt.Errorf("transport: payload contract broken (clone.go): the %d bytes of %s changed before they were sent again, as %s",
				len(r.data), r.describe(), s.describe())
		}
		c.extend(k, r, from)
	}
}

// hold extends the watch of m's payloads (scheduled for delivery in round
// due) to the rounds after due.
func (c *sharedCheck) hold(m *raftpb.Message, due uint64) {
	for i := range m.Entries {
		c.holdData(m.Entries[i].Data, due)
	}
	if m.Snapshot != nil {
		c.holdData(m.Snapshot.Data, due)
	}
	for i := range m.Responses {
		c.hold(&m.Responses[i], due)
	}
}

func (c *sharedCheck) holdData(data []byte, due uint64) {
	if len(data) == 0 {
		return
	}
	k := keyOf(data)
	if r := c.recs[k]; r != nil {
		c.extend(k, r, due)
	}
}

func (c *sharedCheck) extend(k payloadKey, r *payloadRec, from uint64) {
	if end := from + c.rounds; end > r.end {
		r.end = end
		c.byEnd[end] = append(c.byEnd[end], k)
	}
}

// expire verifies and forgets the payloads whose watch ends in round; a
// changed one is a violation (c.broken).
func (c *sharedCheck) expire(round uint64) {
	keys := c.byEnd[round]
	delete(c.byEnd, round)
	for _, k := range keys {
		r := c.recs[k]
		if r == nil || r.end != round {
			continue // extended: listed again under its new end
		}
		delete(c.recs, k)
		if err := r.verify(); err != nil && c.broken == nil {
			c.broken = err
		}
	}
}
