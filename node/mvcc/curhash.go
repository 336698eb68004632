package mvcc

import "sort"

// hashBlock is how many consecutive entries of the compacted log prefix one
// leaf of curHash's tree covers.
const hashBlock = 32

// curHash keeps HashKV at the current revision cheap: O(entries appended
// and blocks changed since the last call · log blocks) instead of a scan of
// the whole log, and after a compaction O(entries kept) multiplications
// instead of a crc32 of every kept byte.
//
// With compaction revision C, etcd's hash at the current revision covers,
// in log (revision) order, provided some key keeps a revision (etcd's
// "keepAny"; see hashCovers):
//   - P, the log prefix of entries with main <= C, restricted to the entries
//     that are their key's newest revision and a put (the revisions etcd's
//     keep set holds at the current revision);
//   - S, every entry after C.
//
// S only grows until the next compaction: its register is extended with the
// entries appended since the last call. P never grows; an entry leaves it
// when its key gets a newer revision (supersede). P is cut into blocks of
// hashBlock entries, each a leaf of a segment tree of crcSeg; a call
// rebuilds the leaves that changed and their ancestors.
//
// Every entry's hashed bytes are crc'd once in its life: segs keeps each
// hashed entry's segment, so rebuilding the tree after a compaction (which
// moves entries and changes C) and a compaction's own hash combine stored
// segments rather than re-reading values (a store of 10,000 4 KiB values
// is 40 MB of crc32 per rebuild otherwise).
//
// Locking: reset, rebase and supersede run with Store.mu held exclusively
// (and so does Compact, which filters segs); sum and remember run with
// Store.mu held for reading and take Store.hmu, which guards curHash
// against concurrent HashKV callers.
type curHash struct {
	// segs[i] is crcSeg of log entry i's hashed bytes (appendHashed), for
	// every i < len(segs): a prefix of the log, independent of valid. An
	// append leaves it true; Compact filters it with the log; reset (the
	// log replaced) empties it.
	segs []crcSeg
	// powVal is pow8(powLen) for the last entry length segOf saw (0: none
	// yet; pow8 is never 0): stored values often share one length.
	powLen int64
	powVal uint32

	valid      bool  // built for the current log (false after New, Compact, Restore)
	compactRev int64 // C when built
	pLen       int   // log entries [0, pLen) are P

	// tree[1] is the root, leaves (blocks) are tree[leaves:]; tree[i] is
	// tree[2i] followed by tree[2i+1]. Leaves past the last block are empty.
	tree    []crcSeg
	leaves  int
	dirty   []int  // blocks to rebuild, each once
	isDirty []bool // by block
	mark    []bool // scratch: internal nodes queued for rebuilding

	sEnd int    // log entries [pLen, sEnd) are folded into sSeg
	sSeg crcSeg // S's bytes so far

	cacheRev  int64 // revision of cacheHash; 0 for none
	cacheHash uint32

	buf []byte // scratch for one entry's hashed bytes

	// mt holds multiplication tables for the pows consecutive entries'
	// segments share, for S's fold and a block's (foldSeg,
	// crcmul_table.go); nil until the first fold, and in a copy.
	mt *mulTables
}

// reset forgets everything: the log was replaced.
func (c *curHash) reset() { *c = curHash{buf: c.buf[:0], mt: c.mt} }

// rebase forgets the tree and S but keeps segs, which the caller (Compact)
// has filtered exactly as the log: the next sum rebuilds from them.
func (c *curHash) rebase() {
	*c = curHash{segs: c.segs, powLen: c.powLen, powVal: c.powVal, buf: c.buf[:0], mt: c.mt}
}

// segOf returns the segment of log entry i, computing (and keeping) the
// segments of entries len(segs)..i first. i < log.len().
func (c *curHash) segOf(log *revlog, i int) crcSeg {
	for len(c.segs) <= i {
		c.buf = log.at(len(c.segs)).appendHashed(c.buf[:0])
		if n := int64(len(c.buf)); n != c.powLen || c.powVal == 0 {
			c.powLen, c.powVal = n, pow8(n)
		}
		c.segs = append(c.segs, crcSeg{reg: runCRC(0, c.buf), pow: c.powVal})
	}
	return c.segs[i]
}

// supersede records that prev (a key's newest entry until now) is being
// superseded by a newer revision of its key. Caller holds Store.mu
// exclusively, before appending the new entry.
func (c *curHash) supersede(log *revlog, prev *entry) {
	if !c.valid || prev == nil || prev.rev.main > c.compactRev {
		return
	}
	i := sort.Search(c.pLen, func(i int) bool { return !log.at(i).rev.less(prev.rev) })
	if b := i / hashBlock; b < len(c.isDirty) && !c.isDirty[b] {
		c.isDirty[b] = true
		c.dirty = append(c.dirty, b)
	}
}

// covers reports whether P's entry e is hashed at the current revision.
func covers(e *entry) bool { return e.ki.last == e && !e.isTombstone() }

// block returns the segment of block b's covered entries.
func (c *curHash) block(log *revlog, b int) crcSeg {
	seg := emptySeg
	for i, end := b*hashBlock, min((b+1)*hashBlock, c.pLen); i < end; i++ {
		if e := log.at(i); covers(e) {
			seg = c.foldSeg(seg, c.segOf(log, i))
		}
	}
	return seg
}

// build hashes P block by block and starts S empty.
func (c *curHash) build(s *Store) {
	c.rebase()
	c.compactRev = s.compactRev
	c.pLen = s.log.search(revision{main: s.compactRev + 1})
	blocks := (c.pLen + hashBlock - 1) / hashBlock
	c.leaves = 1
	for c.leaves < blocks {
		c.leaves <<= 1
	}
	c.tree = make([]crcSeg, 2*c.leaves)
	for b := range c.leaves {
		if b < blocks {
			c.tree[c.leaves+b] = c.block(&s.log, b)
		} else {
			c.tree[c.leaves+b] = emptySeg
		}
	}
	for i := c.leaves - 1; i >= 1; i-- {
		c.tree[i] = c.tree[2*i].cat(c.tree[2*i+1])
	}
	c.isDirty = make([]bool, blocks)
	c.mark = make([]bool, c.leaves)
	c.sEnd, c.sSeg = c.pLen, emptySeg
	c.valid = true
}

// refresh rebuilds dirty blocks and their ancestors, level by level so that
// a shared ancestor is rebuilt once.
func (c *curHash) refresh(log *revlog) {
	if len(c.dirty) == 0 {
		return
	}
	nodes := c.dirty
	for k, b := range nodes {
		c.isDirty[b] = false
		c.tree[c.leaves+b] = c.block(log, b)
		nodes[k] = c.leaves + b
	}
	for len(nodes) > 0 && nodes[0] > 1 {
		parents := nodes[:0] // parents[j] is written after nodes[j] is read
		for _, n := range nodes {
			if p := n / 2; !c.mark[p] {
				c.mark[p] = true
				parents = append(parents, p)
			}
		}
		for _, p := range parents {
			c.mark[p] = false
			c.tree[p] = c.tree[2*p].cat(c.tree[2*p+1])
		}
		nodes = parents
	}
	c.dirty = c.dirty[:0]
}

// keyReg is the register after etcd's bucket name, the hash's first bytes.
var keyReg = runCRC(^uint32(0), []byte("key"))

// sum returns etcd's HashKV hash at the current revision, or false when
// hashCovers does not hold (the caller then scans). Caller holds Store.mu
// for reading and Store.hmu.
func (c *curHash) sum(s *Store) (uint32, bool) {
	if c.valid && c.cacheRev == s.rev {
		return c.cacheHash, true
	}
	if !c.valid {
		c.build(s)
	}
	if c.pLen > 0 && !hashCovers(s) {
		return 0, false
	}
	c.refresh(&s.log)
	for n := s.log.len(); c.sEnd < n; c.sEnd++ {
		c.sSeg = c.foldSeg(c.sSeg, c.segOf(&s.log, c.sEnd))
	}
	p := c.tree[1]
	r := mulCRC(keyReg, p.pow) ^ p.reg
	r = mulCRC(r, c.sSeg.pow) ^ c.sSeg.reg
	c.remember(s.rev, ^r)
	return ^r, true
}

// remember caches the hash at the current revision rev (valid until the
// next write or compaction). Caller holds Store.mu for reading and
// Store.hmu.
func (c *curHash) remember(rev int64, h uint32) {
	if c.valid {
		c.cacheRev, c.cacheHash = rev, h
	}
}

// hashCovers reports that curHash's description of the hash holds: some key
// keeps a revision at the current revision (etcd's keepAny), which is what
// makes etcd hash only the kept revisions at or below the compaction
// revision. A key keeps its newest revision if it is live and was not
// deleted in the current revision's transaction; so more live keys than
// tombstones written at the current revision suffice. Counting those costs
// the size of the last transaction. (Otherwise etcd hashes every stored
// revision at or below C but tombstones at C, and HashKV scans.)
func hashCovers(s *Store) bool {
	tombs := 0
	for i := s.log.len() - 1; i >= 0; i-- {
		e := s.log.at(i)
		if e.rev.main != s.rev {
			break
		}
		if e.isTombstone() {
			tombs++
		}
	}
	return s.keys > tombs
}
