package mvcc

// mulTable multiplies registers by one fixed polynomial m with four byte
// tables: a·m is the xor of each byte of a, in place, times m
// (multiplication mod P is linear in a). A product costs four lookups
// against mulCRC's sixteen-entry table built per call and its eight
// steps. Building one costs 31 mulX and 988 xors: the register bit of x^i
// times m is m·x^i, each the last one times x.
type mulTable struct {
	m uint32 // the factor; 0: not built (a pow is never 0)
	t [4][256]uint32
}

// build makes t multiply by m.
func (t *mulTable) build(m uint32) {
	t.m = m
	// Bit 31-i of a register is the coefficient of x^i (reflected order).
	p := m
	for i := 0; i < 32; i++ {
		k, j := (31-i)/8, (31-i)%8 // the bit's byte and its place in it
		t.t[k][1<<j] = p
		p = mulX(p)
	}
	for k := range t.t {
		row := &t.t[k]
		row[0] = 0
		for v := 3; v < 256; v++ {
			if v&(v-1) != 0 { // not a power of two: its low bit and the rest
				row[v] = row[v&-v] ^ row[v&(v-1)]
			}
		}
	}
}

// mul returns a·t.m mod P.
func (t *mulTable) mul(a uint32) uint32 {
	return t.t[0][a&0xff] ^ t.t[1][a>>8&0xff] ^ t.t[2][a>>16&0xff] ^ t.t[3][a>>24]
}

// mulTables holds tables for the few pows consecutive segments share: the
// incremental hash folds entries one segment at a time (S's new entries,
// a block's entries), and under a steady load the entries take a few
// lengths, so a few pows. A pow gets a table the second time in a row it
// misses (a load of ever-changing lengths then costs five comparisons a
// fold, not a build); tables are replaced in turn. 16 KiB a store.
type mulTables struct {
	tabs [4]mulTable
	next int    // the slot the next build takes
	miss uint32 // the pow that missed last
}

// foldSeg returns a.cat(b), from a table when b.pow has one. A nil c.mt
// (a store copied by a checkpoint: clone.go) gets new tables.
func (c *curHash) foldSeg(a, b crcSeg) crcSeg {
	ts := c.mt
	if ts == nil {
		ts = new(mulTables)
		c.mt = ts
	}
	for i := range ts.tabs {
		if t := &ts.tabs[i]; t.m == b.pow {
			return crcSeg{reg: t.mul(a.reg) ^ b.reg, pow: t.mul(a.pow)}
		}
	}
	if ts.miss != b.pow {
		ts.miss = b.pow
		return a.cat(b)
	}
	t := &ts.tabs[ts.next]
	ts.next = (ts.next + 1) % len(ts.tabs)
	t.build(b.pow)
	return crcSeg{reg: t.mul(a.reg) ^ b.reg, pow: t.mul(a.pow)}
}
