package node

import (
	"fmt"

	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/raftpb"
)

// entryLog is MemoryStorage's raft log: the boundary entry (index off, term
// offTerm: the last compacted entry or the snapshot's, whose data is gone)
// followed by the entries off+1..last, held in chunks. It answers exactly
// as raft.MemoryStorage's log does (same results, same errors, same size
// limits) but never copies the log to grow it: raft's MemoryStorage
// reallocates the whole log on every Compact (to exactly its remaining
// length) and then again and again as appends grow it, which was the
// largest allocation of a member under load.
//
// Invariants:
//   - chunks are contiguous and ascending: chunks[k+1].first ==
//     chunks[k].first + len(chunks[k].ents); none is empty;
//   - if there are chunks, chunks[0].first <= off+1 <= the last chunk's
//     last index (compacted entries at the start of chunks[0] are dead);
//   - a chunk slot, once written, is never written again: appends fill
//     fresh slots (len only grows), a conflicting append copies the kept
//     prefix of the chunk it cuts into a new chunk, and compaction drops
//     whole chunks. Slices returned by entries therefore stay valid and
//     unchanged, as raft requires (it keeps them in messages and Readys).
//
// Not safe for concurrent use (MemoryStorage's lock guards it).
type entryLog struct {
	off, offTerm uint64
	chunks       []logChunk
}

type logChunk struct {
	first uint64         // index of ents[0]
	ents  []raftpb.Entry // written slots; cap is the chunk's size
}

// Chunk sizes (entries) grow with the log: about half the live entries,
// within [minChunk, maxChunk], so a playground-sized log (~150 entries)
// holds little spare memory and a large one needs few chunk boundaries.
const (
	minChunk = 64
	maxChunk = 4096
)

func (c *logChunk) last() uint64 { return c.first + uint64(len(c.ents)) - 1 }

// reset empties the log, making (index, term) the boundary entry.
func (l *entryLog) reset(index, term uint64) {
	clear(l.chunks)
	l.off, l.offTerm, l.chunks = index, term, l.chunks[:0]
}

// lastIndex returns the index of the last entry (off if there is none).
func (l *entryLog) lastIndex() uint64 {
	if len(l.chunks) == 0 {
		return l.off
	}
	return l.chunks[len(l.chunks)-1].last()
}

// locate returns the chunk holding index i and i's position in it; the
// caller ensures off < i <= lastIndex(). Recent entries are the ones raft
// asks for, so the search starts from the last chunk.
func (l *entryLog) locate(i uint64) (k, pos int) {
	k = len(l.chunks) - 1
	for l.chunks[k].first > i {
		k--
	}
	return k, int(i - l.chunks[k].first)
}

// term implements raft.Storage.Term.
func (l *entryLog) term(i uint64) (uint64, error) {
	switch {
	case i < l.off:
		return 0, raft.ErrCompacted
	case i == l.off:
		return l.offTerm, nil
	case i > l.lastIndex():
		return 0, raft.ErrUnavailable
	}
	k, pos := l.locate(i)
	return l.chunks[k].ents[pos].Term, nil
}

// entries implements raft.Storage.Entries: entries lo..hi-1, cut to
// maxSize bytes (protobuf encoding size) but at least one. The result is a
// subslice of a chunk with its capacity cut (so that an append by the
// caller copies), or a new slice when it spans chunks.
func (l *entryLog) entries(lo, hi, maxSize uint64) ([]raftpb.Entry, error) {
	if lo <= l.off {
		return nil, raft.ErrCompacted
	}
	if last := l.lastIndex(); hi > last+1 {
		panic(fmt.Sprintf("node: entries' hi(%d) is out of bound lastindex(%d)", hi, last))
	}
	if len(l.chunks) == 0 {
		return nil, raft.ErrUnavailable
	}
	if lo >= hi {
		return []raftpb.Entry{}, nil
	}
	k, pos := l.locate(lo)
	n := l.fitting(k, pos, hi-lo, maxSize)
	if c := l.chunks[k].ents; pos+int(n) <= len(c) {
		return c[pos : pos+int(n) : pos+int(n)], nil
	}
	out := make([]raftpb.Entry, 0, n)
	for uint64(len(out)) < n {
		c := l.chunks[k].ents[pos:]
		out = append(out, c[:min(len(c), int(n)-len(out))]...)
		k, pos = k+1, 0
	}
	return out, nil
}

// maxEntryOverhead bounds an entry's encoding beyond its Data: the tags
// and varints of Term, Index and Type (1+10 bytes each at most) and Data's
// tag and length (1+10).
const maxEntryOverhead = 4 * (1 + 10)

// fitting returns how many of the want entries from chunk k, position pos
// on, raft's limitSize keeps under maxSize: the first always, each further
// one while the total encoded size stays <= maxSize. When even the bound
// len(Data)+maxEntryOverhead per entry keeps them all within maxSize (the
// usual case: raft asks with MaxSizePerMsg, 1 MiB), it does not size each
// entry exactly (Entry.Size, once per follower per entry).
func (l *entryLog) fitting(k, pos int, want, maxSize uint64) uint64 {
	bound := uint64(0)
	for ck, cp, n := k, pos, uint64(0); n < want; n++ {
		if cp == len(l.chunks[ck].ents) {
			ck, cp = ck+1, 0
		}
		bound += uint64(len(l.chunks[ck].ents[cp].Data)) + maxEntryOverhead
		if bound > maxSize {
			break
		}
		cp++
	}
	if bound <= maxSize {
		return want
	}
	n, size := uint64(0), uint64(0)
	for ck, cp := k, pos; n < want; n++ {
		if cp == len(l.chunks[ck].ents) {
			ck, cp = ck+1, 0
		}
		size += uint64(l.chunks[ck].ents[cp].Size())
		if n > 0 && size > maxSize {
			break
		}
		cp++
	}
	return n
}

// append implements raft.MemoryStorage.Append: entries at or below off are
// ignored, an entry at an index already stored replaces it and every entry
// after it, and a gap after the last entry is a raft invariant violation
// (panic, as raft's).
func (l *entryLog) append(ents []raftpb.Entry) {
	if len(ents) == 0 {
		return
	}
	first := l.off + 1
	if ents[len(ents)-1].Index < first {
		return
	}
	if ents[0].Index < first {
		ents = ents[first-ents[0].Index:]
	}
	at, last := ents[0].Index, l.lastIndex()
	switch {
	case at > last+1:
		panic(fmt.Sprintf("node: missing log entry [last: %d, append at: %d]", last, at))
	case at <= last:
		l.truncate(at)
	}
	for len(ents) > 0 {
		if n := len(l.chunks); n == 0 || len(l.chunks[n-1].ents) == cap(l.chunks[n-1].ents) {
			live := l.lastIndex() - l.off
			size := min(max(live/2, minChunk), maxChunk)
			l.chunks = append(l.chunks, logChunk{first: l.lastIndex() + 1, ents: make([]raftpb.Entry, 0, size)})
		}
		c := &l.chunks[len(l.chunks)-1]
		m := min(len(ents), cap(c.ents)-len(c.ents))
		c.ents = append(c.ents, ents[:m]...)
		ents = ents[m:]
	}
}

// truncate removes the entries from index at (off < at <= lastIndex())
// on. The chunk it cuts into is replaced by a copy of its kept prefix, so
// the removed slots, which raft may still reference, are never rewritten.
func (l *entryLog) truncate(at uint64) {
	k, pos := l.locate(at)
	keep := k
	if pos > 0 {
		c := &l.chunks[k]
		c.ents = append(make([]raftpb.Entry, 0, cap(c.ents)), c.ents[:pos]...)
		keep = k + 1
	}
	clear(l.chunks[keep:])
	l.chunks = l.chunks[:keep]
}

// compact implements raft.MemoryStorage.Compact: entries up to i are
// discarded, i becomes the boundary entry. Chunks wholly at or below i are
// dropped.
func (l *entryLog) compact(i uint64) error {
	if i <= l.off {
		return raft.ErrCompacted
	}
	if last := l.lastIndex(); i > last {
		panic(fmt.Sprintf("node: compact %d is out of bound lastindex(%d)", i, last))
	}
	term, _ := l.term(i)
	l.off, l.offTerm = i, term
	n := 0
	for n < len(l.chunks) && l.chunks[n].last() <= i {
		n++
	}
	if n > 0 {
		rest := copy(l.chunks, l.chunks[n:])
		clear(l.chunks[rest:])
		l.chunks = l.chunks[:rest]
	}
	return nil
}
