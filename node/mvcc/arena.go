package mvcc

import (
	"sort"
	"unsafe"
)

// Long values live in large blocks rather than one heap object each.
//
// Why: under js/wasm the Go collector runs on the page's only thread, and
// a cycle marks every object and sweeps every span of the heap in one
// piece (nothing else can run meanwhile). A store of 10,000 keys with
// 4 KiB values holds ~14,000 values: as heap objects that is ~7,000 spans
// per member to sweep and 14,000 objects to mark, every cycle; in 256 KiB
// blocks it is ~220 objects.
//
// A block counts the bytes of the values the store's log still holds in
// it (live). Compaction releases what it drops; once a block holds
// nothing it is forgotten (the collector frees it when no snapshot view
// or response still refers to its bytes). Compaction also moves the values
// out of blocks that fell below a quarter live into the current block
// (valueArena.sparse, relocate in compact.go), so the blocks hold at most
// about four times the live values' bytes even when a random quarter of
// every block stays live.
//
// Invariant: for every stored entry (in s.log) whose value lies in a block
// of the arena, the block's live counts it exactly once; blocks is sorted
// by address and holds every block with live > 0 (and cur).
const (
	arenaMinValue = 256       // shorter values are heap objects of their own
	arenaBlockLen = 256 << 10 // bytes per block
	arenaMaxValue = arenaBlockLen / 8
)

type arenaBlock struct {
	buf  []byte // the block; values are carved from buf[:used]
	used int
	live int // bytes of values the store's log holds in buf
}

func (b *arenaBlock) base() uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(b.buf))) }

// valueArena is a store's set of value blocks. Guarded by Store.mu
// (written only with it held exclusively).
type valueArena struct {
	blocks []*arenaBlock // sorted by base address
	cur    *arenaBlock   // the block new values go to (nil: none yet)
}

// copy returns a copy of v owned by the store, in a block if v is long
// enough to gain from one.
func (a *valueArena) copy(v []byte) []byte {
	if len(v) < arenaMinValue || len(v) > arenaMaxValue {
		return append(make([]byte, 0, len(v)), v...)
	}
	b := a.cur
	if b == nil || len(b.buf)-b.used < len(v) {
		b = &arenaBlock{buf: make([]byte, arenaBlockLen)}
		a.insert(b)
		a.cur = b
	}
	p := b.buf[b.used : b.used+len(v) : b.used+len(v)]
	copy(p, v)
	b.used += len(v)
	b.live += len(v)
	return p
}

func (a *valueArena) insert(b *arenaBlock) {
	i := sort.Search(len(a.blocks), func(i int) bool { return a.blocks[i].base() > b.base() })
	a.blocks = append(a.blocks, nil)
	copy(a.blocks[i+1:], a.blocks[i:])
	a.blocks[i] = b
}

// find returns the block holding the n bytes at p and its index, or nil
// if they are not in one (a short value, or one from before a restore).
func (a *valueArena) find(p *byte) (*arenaBlock, int) {
	if p == nil || len(a.blocks) == 0 {
		return nil, -1
	}
	addr := uintptr(unsafe.Pointer(p))
	i := sort.Search(len(a.blocks), func(i int) bool { return a.blocks[i].base() > addr }) - 1
	if i < 0 {
		return nil, -1
	}
	if b := a.blocks[i]; addr < b.base()+uintptr(len(b.buf)) {
		return b, i
	}
	return nil, -1
}

// release records that the store's log no longer holds the n bytes at p.
func (a *valueArena) release(p *byte, n int) {
	b, i := a.find(p)
	if b == nil {
		return
	}
	b.live -= n
	if b.live == 0 && b != a.cur {
		a.blocks = append(a.blocks[:i], a.blocks[i+1:]...)
	}
}

// sparse reports whether the value at p is in a block other than the
// current one that holds less than a quarter of its bytes live: moving
// the value lets the block go.
func (a *valueArena) sparse(p *byte) bool {
	b, _ := a.find(p)
	return b != nil && b != a.cur && b.live*4 < len(b.buf)
}

// storeValue gives e a copy of v owned by the store. Caller holds mu
// exclusively.
func (s *Store) storeValue(e *entry, v []byte) {
	if len(v) > inlineValue {
		v = s.values.copy(v)
	}
	e.adoptValue(v)
}

// heapValue returns the pointer and length of e's value if it is not held
// in the entry itself (nil otherwise).
func (e *entry) heapValue() (*byte, int) {
	if e.val.n > inlineValue {
		return e.val.p, int(e.val.n)
	}
	return nil, 0
}
