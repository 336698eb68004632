package mvcc

// keyIndex records every stored revision of one key, grouped in
// generations, as etcd's keyIndex does (its compaction and "keep" rules
// decide which revisions HashKV covers, so they must match bit for bit).
//
// A generation is the life of the key from a creation to a deletion: puts
// append to the open (last) generation; a delete appends its tombstone
// revision to the open generation and opens a new, empty one. Example for
// key "a": put@2, put@3, delete@4, put@5 gives
//
//	generations[0] = [2 3 4]   (4 is the tombstone)
//	generations[1] = [5]       (open)
//
// Unlike etcd's, a generation keeps no version or creation counters: the
// stored entries (revlog) carry version and create revision, and a put
// derives them from the key's latest entry. The generation structure is thus
// exactly what replaying the stored entries in revision order rebuilds
// (Restore relies on this).
//
// Invariants: generations is never empty; only the last generation may be
// empty; every closed generation ends with its tombstone; revs ascend.
type keyIndex struct {
	key []byte // owned, never modified
	// prefix is keyPrefix(key): the index compares it first, so that most
	// comparisons need not read the key bytes.
	prefix      uint64
	generations []generation
	// last points at the stored entry of the key's newest revision (in a
	// revlog chunk, which never moves; revlog.filter re-points it).
	last *entry
	// Inline storage for the first generation and its first revision, so
	// that a new key costs one allocation; appends beyond them move to the
	// heap as usual.
	gen0 [1]generation
	rev0 [1]revision
}

type generation struct {
	revs []revision
}

func (g *generation) isEmpty() bool { return len(g.revs) == 0 }

// lastAtOrBefore returns the index of the last revision whose main <= atRev,
// or -1.
func (g *generation) lastAtOrBefore(atRev int64) int {
	for i := len(g.revs) - 1; i >= 0; i-- {
		if g.revs[i].main <= atRev {
			return i
		}
	}
	return -1
}

func newKeyIndex(key []byte) *keyIndex {
	ki := new(keyIndex)
	ki.init(key)
	return ki
}

// init makes the zero keyIndex ki the index of key, with no revisions.
func (ki *keyIndex) init(key []byte) {
	ki.key = key
	ki.prefix = keyPrefix(key)
	ki.gen0[0].revs = ki.rev0[:0]
	ki.generations = ki.gen0[:]
}

// put appends rev (greater than every revision of the key) to the open
// generation.
func (ki *keyIndex) put(rev revision) {
	g := &ki.generations[len(ki.generations)-1]
	g.revs = append(g.revs, rev)
}

// tombstone ends the open generation at rev. The caller ensures the key is
// live (the open generation is not empty).
func (ki *keyIndex) tombstone(rev revision) {
	ki.put(rev)
	ki.generations = append(ki.generations, generation{})
}

// isEmpty reports whether the key has no revisions left (after compaction).
func (ki *keyIndex) isEmpty() bool {
	return len(ki.generations) == 1 && ki.generations[0].isEmpty()
}

// live reports whether the key exists at the newest revision.
func (ki *keyIndex) live() bool {
	return !ki.generations[len(ki.generations)-1].isEmpty()
}

// latest returns the key's newest revision; the caller ensures live().
func (ki *keyIndex) latest() revision {
	g := &ki.generations[len(ki.generations)-1]
	return g.revs[len(g.revs)-1]
}

// get returns the revision holding the key's value at atRev, and whether the
// key exists (is not deleted) at atRev.
func (ki *keyIndex) get(atRev int64) (revision, bool) {
	g := ki.findGeneration(atRev)
	if g == nil {
		return revision{}, false
	}
	if n := g.lastAtOrBefore(atRev); n != -1 {
		return g.revs[n], true
	}
	return revision{}, false
}

// has reports whether rev is one of the key's revisions. Revisions ascend
// across generations, so it looks only at those up to rev: after a
// compaction at C, asking about revisions <= C costs O(1).
func (ki *keyIndex) has(rev revision) bool {
	for i := range ki.generations {
		for _, r := range ki.generations[i].revs {
			if r == rev {
				return true
			}
			if rev.less(r) {
				return false
			}
		}
	}
	return false
}

// findGeneration returns the generation the key is in at atRev, or nil if
// the key does not exist at atRev.
func (ki *keyIndex) findGeneration(atRev int64) *generation {
	last := len(ki.generations) - 1
	for i := last; i >= 0; i-- {
		g := &ki.generations[i]
		if len(g.revs) == 0 {
			continue
		}
		if i != last && g.revs[len(g.revs)-1].main <= atRev {
			return nil // deleted at or before atRev
		}
		if g.revs[0].main <= atRev {
			return g
		}
	}
	return nil
}

// compactPoint finds, as etcd does, the generation that covers atRev (the
// first whose tombstone is >= atRev, else the open one) and, within it, the
// index of the last revision <= atRev (or -1).
func (ki *keyIndex) compactPoint(atRev int64) (genIdx, revIdx int) {
	for genIdx < len(ki.generations)-1 {
		g := &ki.generations[genIdx]
		if g.revs[len(g.revs)-1].main >= atRev {
			break
		}
		genIdx++
	}
	return genIdx, ki.generations[genIdx].lastAtOrBefore(atRev)
}

// compact drops every revision older than the one visible at atRev (a
// tombstone exactly at atRev is kept), and returns the revision kept at the
// compaction point, if any. The caller removes the keyIndex if isEmpty.
func (ki *keyIndex) compact(atRev int64) (kept revision, ok bool) {
	genIdx, revIdx := ki.compactPoint(atRev)
	g := &ki.generations[genIdx]
	if revIdx != -1 {
		kept, ok = g.revs[revIdx], true
	}
	if revIdx > 0 {
		g.revs = shiftRevs(g.revs, revIdx)
	}
	if genIdx > 0 {
		n := copy(ki.generations, ki.generations[genIdx:])
		clear(ki.generations[n:]) // release the dropped generations' revs
		ki.generations = ki.generations[:n]
	}
	return kept, ok
}

// shiftRevs drops revs[:from] by moving the rest to the front, in place:
// the slice keeps its capacity, so the key's next puts append without
// allocating (a key put about once per compaction interval would otherwise
// reallocate on every put). A slice left mostly empty (capacity above
// 4*len+8) is reallocated to its length so that a key that was hot once
// does not pin its old history's memory.
func shiftRevs(revs []revision, from int) []revision {
	n := len(revs) - from
	if cap(revs) > 4*n+8 {
		return append(make([]revision, 0, n), revs[from:]...)
	}
	copy(revs, revs[from:])
	return revs[:n]
}

// keep returns the revision a compaction at atRev would keep, except a
// tombstone ending a generation (etcd's hash rule, so that etcd versions
// that delete and keep that tombstone hash alike).
func (ki *keyIndex) keep(atRev int64) (kept revision, ok bool) {
	if ki.isEmpty() {
		return revision{}, false
	}
	genIdx, revIdx := ki.compactPoint(atRev)
	if revIdx == -1 {
		return revision{}, false
	}
	g := &ki.generations[genIdx]
	if revIdx == len(g.revs)-1 && genIdx != len(ki.generations)-1 {
		return revision{}, false
	}
	return g.revs[revIdx], true
}
