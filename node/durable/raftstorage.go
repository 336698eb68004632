package durable

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"

	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/raftpb"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// Raft state layout inside a member's namespace:
//
//	"b"                   boundary: 8-byte big-endian index, 8-byte term of the
//	                      log's first (dummy) position; FirstIndex = index+1
//	"e" + 8-byte BE index a chunk: the entries one Save appended, starting at
//	                      that index, each as uvarint length + raftpb.Entry
//	                      (protobuf). One record per Save, not per entry: an
//	                      IndexedDB put costs ~0.2 ms whatever its size.
//	"h"                   raftpb.HardState (protobuf)
//	"s"                   the latest raftpb.Snapshot (protobuf, Data = store bytes,
//	                      or empty with the bytes in parts: "t" and "p...",
//	                      see snapparts.go)
//
// Invariants: chunks are contiguous (each starts where the previous ends) and
// cover at least boundary+1 .. last; a chunk may still hold entries at or
// below the boundary (compaction deletes only whole chunks), which loading
// skips. boundary index <= snapshot index (the member compacts only below its
// latest snapshot). Every mutation is one Batch, so a power loss leaves
// either the state before it or after it.
var (
	keyBoundary  = []byte("b")
	keyHardState = []byte("h")
	keySnapshot  = []byte("s")
	entryPrefix  = byte('e')
	entriesEnd   = []byte{entryPrefix + 1} // end of the "e..." range
)

// span is a stored chunk's entries [start, end).
type span struct{ start, end uint64 }

func entryKey(i uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte{entryPrefix}, i)
}

// RaftStorage is a member's raft state (node.Storage) on a Namespace. Raft
// reads are served from an in-memory mirror (raft.MemoryStorage) of what is
// durable; every write first commits one batch to the namespace and only then
// updates the mirror, so a failed write (ErrQuota, ErrKilled, ...) changes
// nothing. The member calls the write methods from its one goroutine.
type RaftStorage struct {
	ns     *Namespace
	mem    *raft.MemoryStorage
	chunks []span // the stored chunks, in order; updated after each durable write

	// The stored snapshot: its index, and whether its bytes are in parts.
	snapIndex uint64
	parts     bool

	// A snapshot taken as a store view (CreateSnapshotView, snapparts.go):
	// the mirror's snapshot is at lazyIndex (> 0) with empty Data, and its
	// real Data is lazy's bytes (lazyData once encoded, until stored).
	lazy      *mvcc.SnapshotView
	lazyIndex uint64
	lazyData  []byte
	// writer is the view snapshot being written in parts; nil when none.
	writer *snapWriter
	// pendingCompact is the highest Compact index above the stored
	// snapshot: the medium and the mirror apply it when a snapshot at or
	// above it is stored. 0: none.
	pendingCompact uint64

	// Buffers reused from one Save to the next for the values of its batch
	// (the medium never retains a value: backend.write), so that under a
	// steady load a Save allocates no copies of the entries or of snapshot
	// parts: chunkBuf for the chunk of new entries, partBuf for the next
	// snapshot part.
	chunkBuf, partBuf []byte

	// logSincePart is the log bytes stored since the last snapshot part
	// (snapshotFreeBytes paces the parts by it).
	logSincePart int
	// recentLog is the log bytes of the recent Saves, each Save's weight
	// shrinking by an eighth per later Save (loaded).
	recentLog int
}

// maxKeptBuffer bounds a buffer RaftStorage keeps for reuse: a larger one
// (a Save of unusually many entries) is left to the collector.
const maxKeptBuffer = 4 << 20

// OpenRaftStorage loads the raft state stored in ns (empty for a new
// member). A bad record yields an error wrapping ErrCorrupt naming the member
// namespace and key: the member must refuse to start (offer DB.Wipe).
func OpenRaftStorage(ns *Namespace) (*RaftStorage, error) {
	s := &RaftStorage{ns: ns, mem: raft.NewMemoryStorage()}
	if err := s.load(); err != nil {
		var ce *CorruptError
		if errors.As(err, &ce) && ce.Record == "" {
			ce.Record = describeKey(ce.Key)
		}
		return nil, err
	}
	return s, nil
}

// describeKey names a raft record for a person.
func describeKey(k []byte) string {
	switch {
	case string(k) == string(keyHardState):
		return "raft hard state"
	case string(k) == string(keySnapshot):
		return "raft snapshot"
	case string(k) == string(keyBoundary):
		return "raft log boundary"
	case string(k) == string(keySnapParts):
		return "raft snapshot parts"
	case len(k) == 17 && k[0] == partPrefix:
		return fmt.Sprintf("raft snapshot at index %d, part %d", binary.BigEndian.Uint64(k[1:]), binary.BigEndian.Uint64(k[9:]))
	case len(k) == 9 && k[0] == entryPrefix:
		return fmt.Sprintf("raft log entries from index %d", binary.BigEndian.Uint64(k[1:]))
	}
	return "record"
}

// Namespace is the namespace the storage writes to.
func (s *RaftStorage) Namespace() *Namespace { return s.ns }

// Kill is power loss for this member's disk (Namespace.Kill): a Save in
// flight is abandoned and returns ErrKilled, so the member never sends that
// Ready's messages; every later write fails until Reopen. Safe to call from
// any goroutine while the member runs: that is what makes the loss real.
func (s *RaftStorage) Kill() { s.ns.Kill() }

// Close is a clean stop of this member's disk: it waits for a Save in
// flight. Later writes fail with ErrClosed until Reopen.
func (s *RaftStorage) Close() error { return s.ns.Close() }

// Reopen makes a closed or killed storage usable again, reloading the raft
// state from the medium: exactly what survived (after a power loss the
// mirror may lag or lead the medium, so it is rebuilt). An open storage is
// closed cleanly first. Call it only while no member uses s (between a
// member's Stop and the node.New of its restart). On ErrCorrupt s stays
// closed (offer DB.Wipe, then Reopen again).
func (s *RaftStorage) Reopen() error {
	s.ns.Close()
	ns, err := s.ns.db.Open(s.ns.name)
	if err != nil {
		return err
	}
	fresh, err := OpenRaftStorage(ns)
	if err != nil {
		ns.Close()
		return err
	}
	*s = *fresh
	return nil
}

func (s *RaftStorage) corrupt(key []byte, format string, args ...any) error {
	return &CorruptError{Namespace: s.ns.Name(), Key: clone(key), Reason: fmt.Sprintf(format, args...)}
}

// getProto reads key into m; found is false for a missing key.
func (s *RaftStorage) getProto(key []byte, m interface{ Unmarshal([]byte) error }) (found bool, err error) {
	v, err := s.ns.Get(key)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := m.Unmarshal(v); err != nil {
		return false, s.corrupt(key, "undecodable: %v", err)
	}
	return true, nil
}

func (s *RaftStorage) load() error {
	var hs raftpb.HardState
	if _, err := s.getProto(keyHardState, &hs); err != nil {
		return err
	}
	var snap raftpb.Snapshot
	if _, err := s.getProto(keySnapshot, &snap); err != nil {
		return err
	}
	if err := s.loadSnapshotParts(&snap); err != nil {
		return err
	}
	s.snapIndex = snap.Metadata.Index
	var bIndex, bTerm uint64
	if v, err := s.ns.Get(keyBoundary); err == nil {
		if len(v) != 16 {
			return s.corrupt(keyBoundary, "boundary is %d bytes, want 16", len(v))
		}
		bIndex, bTerm = binary.BigEndian.Uint64(v), binary.BigEndian.Uint64(v[8:])
	} else if !errors.Is(err, ErrNotFound) {
		return err
	}
	var ents []raftpb.Entry
	var next uint64 // index the next chunk must start at; 0 before the first
	err := s.ns.Scan(entryKey(0), entriesEnd, func(k, v []byte) error {
		if len(k) != 9 {
			return s.corrupt(k, "entry key is %d bytes, want 9", len(k))
		}
		start := binary.BigEndian.Uint64(k[1:])
		if next != 0 && start != next {
			return s.corrupt(k, "entries start at index %d, expected index %d", start, next)
		}
		chunk, err := decodeChunk(v, start)
		if err != nil {
			return s.corrupt(k, "%v", err)
		}
		next = start + uint64(len(chunk))
		s.chunks = append(s.chunks, span{start, next})
		for _, e := range chunk {
			if e.Index > bIndex {
				ents = append(ents, e)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(ents) > 0 && ents[0].Index != bIndex+1 {
		return s.corrupt(entryKey(s.chunks[0].start), "log resumes at index %d, expected index %d", ents[0].Index, bIndex+1)
	}
	si := snap.Metadata.Index
	if bIndex > si {
		return s.corrupt(keyBoundary, "log starts after index %d, past the snapshot at %d", bIndex, si)
	}
	if si > 0 {
		base := snap
		if bIndex < si {
			// Entries below the snapshot were kept for catching up
			// followers: start the mirror at the boundary and take the
			// snapshot again on top of them.
			base = raftpb.Snapshot{Metadata: raftpb.SnapshotMetadata{Index: bIndex, Term: bTerm, ConfState: snap.Metadata.ConfState}}
		}
		if err := s.mem.ApplySnapshot(base); err != nil {
			return s.corrupt(keySnapshot, "cannot restore snapshot at %d: %v", si, err)
		}
	}
	if err := s.mem.Append(ents); err != nil {
		return s.corrupt(entryKey(bIndex+1), "cannot restore log: %v", err)
	}
	if bIndex < si {
		if si > bIndex+uint64(len(ents)) {
			return s.corrupt(keySnapshot, "snapshot at %d is past the log's end %d", si, bIndex+uint64(len(ents)))
		}
		got, err := s.mem.CreateSnapshot(si, &snap.Metadata.ConfState, snap.Data)
		if err != nil || got.Metadata.Term != snap.Metadata.Term {
			return s.corrupt(keySnapshot, "snapshot at %d (term %d) disagrees with the log (term %d, %v)", si, snap.Metadata.Term, got.Metadata.Term, err)
		}
	}
	return s.mem.SetHardState(hs)
}

// InitialState implements raft.Storage.
func (s *RaftStorage) InitialState() (raftpb.HardState, raftpb.ConfState, error) {
	return s.mem.InitialState()
}

// Entries implements raft.Storage.
func (s *RaftStorage) Entries(lo, hi, maxSize uint64) ([]raftpb.Entry, error) {
	return s.mem.Entries(lo, hi, maxSize)
}

// Term implements raft.Storage.
func (s *RaftStorage) Term(i uint64) (uint64, error) { return s.mem.Term(i) }

// LastIndex implements raft.Storage.
func (s *RaftStorage) LastIndex() (uint64, error) { return s.mem.LastIndex() }

// FirstIndex implements raft.Storage.
func (s *RaftStorage) FirstIndex() (uint64, error) { return s.mem.FirstIndex() }

// Snapshot implements raft.Storage; a snapshot taken as a view is encoded
// on first use.
func (s *RaftStorage) Snapshot() (raftpb.Snapshot, error) {
	snap, err := s.mem.Snapshot()
	if err != nil || s.lazyIndex == 0 || snap.Metadata.Index != s.lazyIndex {
		return snap, err
	}
	if snap.Data, err = s.lazyBytes(); err != nil {
		return raftpb.Snapshot{}, err
	}
	return snap, nil
}

func marshal(m interface{ Marshal() ([]byte, error) }) []byte {
	b, err := m.Marshal()
	if err != nil {
		// gogo-generated Marshal fails only on a programming error.
		panic(fmt.Sprintf("durable: marshal %T: %v", m, err))
	}
	return b
}

func boundaryValue(index, term uint64) []byte {
	return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(nil, index), term)
}

// Save implements node.Storage: snap (it replaces the whole log), then ents
// (each first truncates the log from its index), then st, as ONE batch,
// durable before Save returns. Errors change nothing.
func (s *RaftStorage) Save(st raftpb.HardState, ents []raftpb.Entry, snap raftpb.Snapshot) error {
	var b Batch
	first, _ := s.mem.FirstIndex()
	last, _ := s.mem.LastIndex()
	hasSnap := !raft.IsEmptySnap(snap)
	if hasSnap {
		cur, _ := s.mem.Snapshot()
		if snap.Metadata.Index <= cur.Metadata.Index {
			return raft.ErrSnapOutOfDate
		}
		b.Put(keySnapshot, marshal(&snap))
		s.deleteParts(&b)
		b.Put(keyBoundary, boundaryValue(snap.Metadata.Index, snap.Metadata.Term))
		b.DeleteRange(entryKey(0), entriesEnd)
		first, last = snap.Metadata.Index+1, snap.Metadata.Index
	}
	// Entries already compacted away are dropped, as raft.MemoryStorage does.
	for len(ents) > 0 && ents[0].Index < first {
		ents = ents[1:]
	}
	chunks := s.chunks
	if hasSnap {
		chunks = nil
	}
	logBytes := 0 // the bytes of the chunk this Save stores
	if len(ents) > 0 {
		if ents[0].Index > last+1 {
			return fmt.Errorf("durable: %s: entries start at %d, log ends at %d (gap)", s.ns.Name(), ents[0].Index, last)
		}
		for i := 1; i < len(ents); i++ {
			if ents[i].Index != ents[0].Index+uint64(i) {
				return fmt.Errorf("durable: %s: entries not contiguous at index %d", s.ns.Name(), ents[i].Index)
			}
		}
		if ents[0].Index <= last { // a conflicting tail is replaced
			var err error
			if chunks, err = s.truncate(&b, chunks, ents[0].Index); err != nil {
				return err
			}
		}
		k := ents[0].Index
		s.chunkBuf = appendChunk(s.chunkBuf[:0], ents)
		logBytes = len(s.chunkBuf)
		b.putOwned(entryKey(k), s.chunkBuf)
		if cap(s.chunkBuf) > maxKeptBuffer {
			s.chunkBuf = nil // this batch still holds it; not kept
		}
		chunks = append(chunks, span{k, k + uint64(len(ents))})
	}
	hasState := !raft.IsEmptyHardState(st)
	if hasState {
		b.Put(keyHardState, marshal(&st))
	}
	var commitPart func()
	if !hasSnap {
		var err error
		if chunks, commitPart, err = s.addSnapshotPart(&b, chunks, logBytes); err != nil {
			return err
		}
	}
	if err := s.ns.Write(&b); err != nil {
		return err
	}
	s.chunks = chunks
	if hasSnap {
		s.dropSnapshotWork()
		s.snapIndex, s.parts = snap.Metadata.Index, false
		if err := s.mem.ApplySnapshot(snap); err != nil {
			return err
		}
	}
	if commitPart != nil {
		commitPart()
		s.logSincePart = 0 // this Save stored a part
	} else {
		s.logSincePart += logBytes
	}
	if len(ents) > 0 {
		if err := s.mem.Append(ents); err != nil {
			return err
		}
	}
	if hasState {
		return s.mem.SetHardState(st)
	}
	return nil
}

// CreateSnapshot implements node.Storage: it stores the snapshot at applied
// index i (with the store bytes data) and keeps every entry.
//
// It replaces a snapshot taken as a view that is still being written, and
// applies the compaction that waited for a stored snapshot.
func (s *RaftStorage) CreateSnapshot(i uint64, cs *raftpb.ConfState, data []byte) (raftpb.Snapshot, error) {
	term, err := s.checkSnapshotIndex(i)
	if err != nil {
		return raftpb.Snapshot{}, err
	}
	snap := raftpb.Snapshot{Data: data, Metadata: raftpb.SnapshotMetadata{Index: i, Term: term}}
	if cs != nil {
		snap.Metadata.ConfState = *cs
	}
	var b Batch
	b.Put(keySnapshot, marshal(&snap))
	s.deleteParts(&b)
	chunks, compactTo := s.chunks, s.pendingCompact
	if compactTo > 0 {
		if chunks, err = s.compactOps(&b, chunks, compactTo); err != nil {
			return raftpb.Snapshot{}, err
		}
	}
	if err := s.ns.Write(&b); err != nil {
		return raftpb.Snapshot{}, err
	}
	s.chunks = chunks
	s.dropSnapshotWork()
	s.snapIndex, s.parts = i, false
	snap, err = s.mem.CreateSnapshot(i, cs, data)
	if err == nil && compactTo > 0 {
		err = s.mem.Compact(compactTo)
	}
	return snap, err
}

// checkSnapshotIndex checks that a snapshot may be taken at i (after the
// mirror's snapshot, within its log) and returns i's term.
func (s *RaftStorage) checkSnapshotIndex(i uint64) (uint64, error) {
	cur, _ := s.mem.Snapshot()
	if i <= cur.Metadata.Index {
		return 0, raft.ErrSnapOutOfDate
	}
	last, _ := s.mem.LastIndex()
	if i > last {
		return 0, fmt.Errorf("durable: %s: snapshot index %d is past the log's end %d", s.ns.Name(), i, last)
	}
	return s.mem.Term(i)
}

// deleteParts adds to b the deletion of a snapshot stored in parts.
func (s *RaftStorage) deleteParts(b *Batch) {
	if s.parts || s.writer != nil {
		b.Delete(keySnapParts)
		b.DeleteRange(partKey(0, 0), partsEnd)
	}
}

// Compact implements node.Storage: it deletes the entries up to and including
// i and records i's term as the log's boundary. Above the stored snapshot
// (a snapshot taken as a view and not yet written) it only records i: the
// Save that stores a snapshot at or above i compacts (snapparts.go).
func (s *RaftStorage) Compact(i uint64) error {
	first, _ := s.mem.FirstIndex()
	if i < first {
		return raft.ErrCompacted
	}
	last, _ := s.mem.LastIndex()
	if i > last {
		return fmt.Errorf("durable: %s: compact index %d is past the log's end %d", s.ns.Name(), i, last)
	}
	if i > s.snapIndex {
		s.pendingCompact = max(s.pendingCompact, i)
		return nil
	}
	var b Batch
	chunks, err := s.compactOps(&b, s.chunks, i)
	if err != nil {
		return err
	}
	if err := s.ns.Write(&b); err != nil {
		return err
	}
	s.chunks = chunks
	if s.pendingCompact <= i {
		s.pendingCompact = 0
	}
	return s.mem.Compact(i)
}

// compactOps adds to b the writes that compact the stored log through i
// (first index <= i <= the stored snapshot's index) and returns the chunks
// left: the boundary becomes i, and the chunks holding only entries <= i
// are deleted (a chunk straddling i stays; loading skips its compacted
// part).
func (s *RaftStorage) compactOps(b *Batch, chunks []span, i uint64) ([]span, error) {
	term, err := s.mem.Term(i)
	if err != nil {
		return nil, err
	}
	keep := 0
	for keep < len(chunks) && chunks[keep].end <= i+1 {
		keep++
	}
	b.Put(keyBoundary, boundaryValue(i, term))
	if keep > 0 {
		b.DeleteRange(entryKey(0), entryKey(chunks[keep-1].end))
	}
	return chunks[keep:], nil
}

// truncate adds to b the writes that drop every stored entry >= k from
// chunks and returns the chunks left. A chunk straddling k is rewritten
// with its entries below k, taken from the mirror; its entries already
// compacted away (below FirstIndex) are not kept, so it may restart later.
func (s *RaftStorage) truncate(b *Batch, chunks []span, k uint64) ([]span, error) {
	n := len(chunks)
	for n > 0 && chunks[n-1].start >= k {
		n--
	}
	out := append([]span(nil), chunks[:n]...)
	b.DeleteRange(entryKey(k), entriesEnd)
	if n == 0 || out[n-1].end <= k {
		return out, nil
	}
	c := &out[n-1] // c.start < k < c.end
	b.Delete(entryKey(c.start))
	from := c.start
	if first, _ := s.mem.FirstIndex(); from < first {
		from = first
	}
	if from >= k {
		// Everything it kept below k was compacted: drop it.
		return out[:n-1], nil
	}
	keep, err := s.mem.Entries(from, k, math.MaxUint64)
	if err != nil {
		return nil, fmt.Errorf("durable: %s: rewriting entries %d..%d: %w", s.ns.Name(), from, k-1, err)
	}
	b.Put(entryKey(from), encodeChunk(keep))
	*c = span{from, k}
	return out, nil
}

// encodeChunk is the record of contiguous entries: each as uvarint length
// then protobuf.
func encodeChunk(ents []raftpb.Entry) []byte { return appendChunk(nil, ents) }

// appendChunk appends the chunk of ents to buf and returns the result.
func appendChunk(buf []byte, ents []raftpb.Entry) []byte {
	size := 0
	for i := range ents {
		size += binary.MaxVarintLen64 + ents[i].Size()
	}
	buf = slices.Grow(buf, size)
	for i := range ents {
		buf = binary.AppendUvarint(buf, uint64(ents[i].Size()))
		n := len(buf)
		buf = buf[:n+ents[i].Size()]
		if _, err := ents[i].MarshalTo(buf[n:]); err != nil {
			panic(fmt.Sprintf("durable: marshal entry: %v", err))
		}
	}
	return buf
}

// decodeChunk parses a chunk stored under index start; its entries must be
// start, start+1, ...
func decodeChunk(v []byte, start uint64) ([]raftpb.Entry, error) {
	var ents []raftpb.Entry
	for len(v) > 0 {
		n, w := binary.Uvarint(v)
		if w <= 0 || n > uint64(len(v)-w) {
			return nil, fmt.Errorf("entry %d: bad length", start+uint64(len(ents)))
		}
		var e raftpb.Entry
		if err := e.Unmarshal(v[w : w+int(n)]); err != nil {
			return nil, fmt.Errorf("undecodable entry: %v", err)
		}
		if want := start + uint64(len(ents)); e.Index != want {
			return nil, fmt.Errorf("entry %d stored at index %d", e.Index, want)
		}
		ents = append(ents, e)
		v = v[w+int(n):]
	}
	if len(ents) == 0 {
		return nil, fmt.Errorf("empty chunk")
	}
	return ents, nil
}
