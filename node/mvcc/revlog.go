package mvcc

import "sort"

// entry is one stored revision: a put (version >= 1) or a tombstone
// (version == 0, as etcd stores a tombstone as a KeyValue holding only its
// key). The value is stored once, here; the key bytes are the keyIndex's.
type entry struct {
	rev     revision
	ki      *keyIndex
	value   []byte // owned by the store, never modified
	create  int64  // create revision (main); 0 for a tombstone
	version int64
	lease   int64
}

func (e *entry) isTombstone() bool { return e.version == 0 }

// size is the entry's key+value bytes (Stats.Bytes).
func (e *entry) size() int64 { return int64(len(e.ki.key) + len(e.value)) }

// logChunk is the fixed capacity of one revlog chunk (entries).
const logChunk = 1024

// revlog holds every stored revision in ascending revision order, in
// fixed-size chunks so that growth never copies or moves existing entries.
//
// Invariants: entry i is chunks[i/logChunk][i%logChunk] for i < n; a stored
// entry and its value bytes are never modified; chunks are only ever
// appended to, at index n. A copy of a revlog value is thus a point-in-time
// view (SnapshotView) that later appends do not disturb, even
// concurrently: they write entry slots and chunk pointers the copy never
// reads. (Compaction builds a new revlog; the old chunks stay with whoever
// still holds them.)
type revlog struct {
	chunks []*[logChunk]entry
	n      int
}

func (l *revlog) len() int { return l.n }

func (l *revlog) at(i int) *entry { return &l.chunks[i/logChunk][i%logChunk] }

// append adds e, whose revision must be greater than every stored one and
// whose value the store owns from now on, and points e.ki.last at the
// stored copy.
func (l *revlog) append(e entry) {
	if l.n%logChunk == 0 {
		l.chunks = append(l.chunks, new([logChunk]entry))
	}
	p := &l.chunks[l.n/logChunk][l.n%logChunk]
	*p = e
	l.n++
	e.ki.last = p
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

// filter keeps, in order, the entries for which keep returns true, and
// releases the memory of the others. Kept entries' keyIndex.last pointers
// are moved to the new copies (the newest revision of a key that has any
// left is always kept).
func (l *revlog) filter(keep func(e *entry) bool) {
	var out revlog
	for i := 0; i < l.n; i++ {
		if e := l.at(i); keep(e) {
			out.append(*e)
		}
	}
	*l = out
}
