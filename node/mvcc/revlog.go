package mvcc

import (
	"sort"
	"unsafe"
)

// entry is one stored revision: a put (version >= 1) or a tombstone
// (version == 0, as etcd stores a tombstone as a KeyValue holding only its
// key). The value is stored once, here (see storedValue); the key bytes are
// the keyIndex's.
type entry struct {
	rev     revision
	ki      *keyIndex
	create  int64 // create revision (main); 0 for a tombstone
	version int64
	lease   int64
	val     storedValue
}

// inlineValue is the longest value an entry holds in place.
const inlineValue = 20

// storedValue is an entry's value bytes, owned by the store and never
// modified. A value of up to inlineValue bytes (the playground's stress
// and benchmark values are 16) is held in place: storing it allocates
// nothing and leaves the garbage collector no pointer to follow, which
// under js/wasm (one thread for the program and its collector) is a large
// part of what a put costs. A longer value lives on the heap at p.
//
// Invariant: n > inlineValue iff p != nil; then p points at n bytes.
type storedValue struct {
	p  *byte
	n  uint32
	in [inlineValue]byte
}

// valueBytes returns e's value bytes (nil if empty), which share the
// store's memory: an inline value is a subslice of e itself, so e must be
// the stored entry (in a revlog chunk, whose slots are never rewritten),
// not a copy of it.
func (e *entry) valueBytes() []byte {
	switch n := int(e.val.n); {
	case n == 0:
		return nil
	case n <= inlineValue:
		return e.val.in[:n:n]
	default:
		return unsafe.Slice(e.val.p, n)
	}
}

// adoptValue stores v as e's value; a value too long to be held in place
// is not copied: the store owns v from now on.
func (e *entry) adoptValue(v []byte) {
	e.val.n = uint32(len(v))
	if len(v) > inlineValue {
		e.val.p = unsafe.SliceData(v)
		return
	}
	copy(e.val.in[:], v)
}

func (e *entry) isTombstone() bool { return e.version == 0 }

// size is the entry's key+value bytes (Stats.Bytes).
func (e *entry) size() int64 { return int64(len(e.ki.key)) + int64(e.val.n) }

// logChunk is the fixed capacity of one revlog chunk (entries).
const logChunk = 1024

// revlog holds every stored revision in ascending revision order, in
// fixed-size chunks so that growth never copies or moves existing entries.
//
// Invariants: entry i is in slot start+i of the chunk sequence (slot j is
// chunks[j/logChunk][j%logChunk]) for i < n; start < logChunk (only a
// compaction leaves unused slots in front); a chunk slot, once written, is
// never written again, and its value bytes are never modified; chunks are
// only ever appended to, at slot start+n. A copy of a revlog value is thus a
// point-in-time view (SnapshotView) that later appends do not disturb, even
// concurrently: they write slots and chunk pointers the copy never reads.
// Compaction (filter) builds a new revlog, which may share the old one's
// trailing chunks (see filter); the old chunks stay with whoever still
// holds them.
type revlog struct {
	chunks []*[logChunk]entry
	start  int
	n      int
}

func (l *revlog) len() int { return l.n }

func (l *revlog) at(i int) *entry {
	j := l.start + i
	return &l.chunks[j/logChunk][j%logChunk]
}

// append adds e, whose revision must be greater than every stored one and
// whose value the store owns from now on, and points e.ki.last at the
// stored copy.
func (l *revlog) append(e *entry) {
	e.ki.last = l.push(e)
}

// next makes the next slot entry len()-1 and returns it, zeroed, for the
// caller to fill at once (before the store lock is released: until then no
// reader, SnapshotView included, can see the new length).
func (l *revlog) next() *entry {
	j := l.start + l.n
	if j/logChunk == len(l.chunks) {
		l.grow()
	}
	l.n++
	return &l.chunks[j/logChunk][j%logChunk]
}

func (l *revlog) grow() { l.chunks = append(l.chunks, new([logChunk]entry)) }

// push stores a copy of e in the next slot and returns it. The slot is
// written field by field: a whole-struct copy of an entry (which holds
// pointers) into the heap goes through the runtime's bulk write barrier
// whenever the collector is marking, which under js/wasm is much of the
// time.
func (l *revlog) push(e *entry) *entry {
	p := l.next()
	p.rev, p.create, p.version, p.lease = e.rev, e.create, e.version, e.lease
	p.ki = e.ki
	p.val.n, p.val.in = e.val.n, e.val.in
	if e.val.p != nil {
		p.val.p = e.val.p
	}
	return p
}

// search returns the index of the first entry whose revision is >= rev.
func (l *revlog) search(rev revision) int {
	return sort.Search(l.n, func(i int) bool { return !l.at(i).rev.less(rev) })
}

// find returns the entry stored at rev, or nil.
func (l *revlog) find(rev revision) *entry {
	i := l.search(rev)
	if i < l.n {
		if e := l.at(i); e.rev == rev {
			return e
		}
	}
	return nil
}

// filter keeps, in order, the entries for which keep returns true (keep is
// called once per entry, in order), and releases the memory of the others.
// The trailing chunks whose entries are all kept are not copied: the new
// log shares them (their slots hold the same entries, and the copied
// entries before them are laid out to end exactly at a chunk boundary).
// After a compaction of a store whose keys are overwritten at a steady
// pace, that is nearly every kept entry. Each key that keeps entries has
// its keyIndex.last pointing at its newest one, in its new place (the
// newest revision of a key that has any left is always kept).
func (l *revlog) filter(keep func(e *entry) bool) {
	kept := make([]uint64, (l.n+63)/64)
	for i := 0; i < l.n; i++ {
		if keep(l.at(i)) {
			kept[i/64] |= 1 << (i % 64)
		}
	}
	isKept := func(i int) bool { return kept[i/64]&(1<<(i%64)) != 0 }

	// share: the first chunk of the all-kept trailing run; first: the
	// index of its first entry (n when nothing is shared).
	share, first := len(l.chunks), l.n
	for share > 0 {
		k := share - 1
		lo, hi := max(k*logChunk-l.start, 0), min((k+1)*logChunk-l.start, l.n)
		all := true
		for i := lo; i < hi && all; i++ {
			all = isKept(i)
		}
		if !all {
			break
		}
		share, first = k, lo
	}

	var out revlog
	switch {
	case share == 0:
		out.start = l.start // everything is kept: the same layout
	case share < len(l.chunks):
		p := 0
		for i := 0; i < first; i++ {
			if isKept(i) {
				p++
			}
		}
		out.start = (logChunk - p%logChunk) % logChunk
	}
	for i := 0; i < first; i++ {
		if isKept(i) {
			e := l.at(i)
			c := out.push(e)
			if e.ki.last == e {
				e.ki.last = c
			}
		}
	}
	if share < len(l.chunks) {
		out.chunks = append(out.chunks, l.chunks[share:]...)
		out.n += l.n - first
	}
	*l = out
}
