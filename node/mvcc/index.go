package mvcc

import (
	"bytes"
	"encoding/binary"
	"sync"
	"unsafe"

	"github.com/google/btree"
)

// index maps keys to their keyIndex, ordered by key. It is not safe for
// concurrent use: the Store's lock guards it.
//
// Items are *keyIndex (8 bytes per key in the tree's nodes). The tree
// serves ordered walks; byKey holds the same keyIndexes for point lookups
// (a put, a single-key range or compare), which a hash map answers several
// times faster than the tree's ~log2(keys) comparisons, most of all under
// js/wasm. Invariant: byKey[string(ki.key)] == ki for exactly the items of
// tree. Its keys alias ki.key (unsafe.String, no copy), which is owned by
// ki and never modified.
//
// A tree lookup needs a probe item holding the key; probes come from a pool
// so that lookups do not allocate (a probe passed to the tree's comparison
// escapes).
type index struct {
	tree  *btree.BTreeG[*keyIndex]
	byKey map[string]*keyIndex
}

func lessKeyIndex(a, b *keyIndex) bool {
	if a.prefix != b.prefix {
		return a.prefix < b.prefix
	}
	return bytes.Compare(a.key, b.key) < 0
}

// keyPrefix is k's first 8 bytes, zero-padded, big-endian: a < b as
// prefixes implies a < b as keys; equal prefixes decide nothing.
func keyPrefix(k []byte) uint64 {
	var b [8]byte
	copy(b[:], k)
	return binary.BigEndian.Uint64(b[:])
}

func newIndex() index {
	return index{tree: btree.NewG(32, lessKeyIndex), byKey: make(map[string]*keyIndex)}
}

var probes = sync.Pool{New: func() any { return new(keyIndex) }}

func getProbe(key []byte) *keyIndex {
	p := probes.Get().(*keyIndex)
	p.key = key
	p.prefix = keyPrefix(key)
	return p
}

func putProbe(p *keyIndex) {
	p.key = nil
	probes.Put(p)
}

// get returns the keyIndex of key, or nil.
func (x index) get(key []byte) *keyIndex { return x.byKey[string(key)] }

// mapKey is ki's key as a map key, sharing ki.key's bytes.
func mapKey(ki *keyIndex) string { return unsafe.String(unsafe.SliceData(ki.key), len(ki.key)) }

// insert adds ki, whose key is not in the index.
func (x index) insert(ki *keyIndex) {
	x.tree.ReplaceOrInsert(ki)
	x.byKey[mapKey(ki)] = ki
}

// remove deletes ki from the index.
func (x index) remove(ki *keyIndex) {
	x.tree.Delete(ki)
	delete(x.byKey, mapKey(ki))
}

// ascend calls f for every keyIndex in key order until f returns false.
func (x index) ascend(f func(ki *keyIndex) bool) { x.tree.Ascend(f) }

// isOpenEnd reports whether end selects every key >= the start key
// (etcd's "\x00" range end).
func isOpenEnd(end []byte) bool { return len(end) == 1 && end[0] == 0 }

// visit calls f, in key order, for each keyIndex selected by key and end
// (end as in RangeRequest: empty selects key alone, "\x00" every key >= key,
// otherwise [key, end)), until f returns false.
func (x index) visit(key, end []byte, f func(ki *keyIndex) bool) {
	if len(end) == 0 {
		if ki := x.get(key); ki != nil {
			f(ki)
		}
		return
	}
	open := isOpenEnd(end)
	p := getProbe(key)
	defer putProbe(p)
	x.tree.AscendGreaterOrEqual(p, func(ki *keyIndex) bool {
		if !open && bytes.Compare(ki.key, end) >= 0 {
			return false
		}
		return f(ki)
	})
}
