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
// fixed-size chunks so that growth never copies existing entries.
//
// Invariant: every chunk but the last holds exactly logChunk entries, so
// entry i is chunks[i/logChunk][i%logChunk].
type revlog struct {
	chunks [][]entry
	n      int
}

func (l *revlog) len() int { return l.n }

func (l *revlog) at(i int) *entry { return &l.chunks[i/logChunk][i%logChunk] }

// append adds e, whose revision must be greater than every stored one,
// and points e.ki.last at the stored copy.
func (l *revlog) append(e entry) {
	if l.n%logChunk == 0 {
		l.chunks = append(l.chunks, make([]entry, 0, logChunk))
	}
	c := &l.chunks[len(l.chunks)-1]
	*c = append(*c, e)
	l.n++
	e.ki.last = &(*c)[len(*c)-1]
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
	for _, c := range l.chunks {
		for i := range c {
			if keep(&c[i]) {
				out.append(c[i])
			}
		}
	}
	*l = out
}
