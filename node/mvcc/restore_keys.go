package mvcc

import (
	"bytes"
	"cmp"
	"slices"
	"unsafe"
)

// Slab sizes for a restore: keyIndexes per slab, bytes (keys and values)
// per slab. Keys and values longer than byteSlab/4 get their own
// allocation.
const (
	kiSlab   = 256
	byteSlab = 16 << 10
)

// keyLoader builds a restored store's key index and copies its keys and
// values. While entries replay in revision order, keys are found through a
// map; at the end the keyIndexes go into the btree once, in key order (the
// tree's cheapest insertion order). KeyIndexes, keys and values are carved
// from slabs, so a restore allocates per slab rather than per key and per
// value. A slab is freed once nothing in it is used any more; until then it
// stays whole, so slabs pin at most the restored store's own memory (a
// one-time cost: later writes allocate as usual).
type keyLoader struct {
	byKey map[string]*keyIndex // keys alias the keyIndexes' key bytes
	order []loadedKey          // in first-appearance (revision) order
	kis   []keyIndex           // unused tail of the current keyIndex slab
	buf   []byte               // unused tail of the current byte slab
}

func newKeyLoader(sizeHint int) *keyLoader {
	sizeHint = min(sizeHint, 1<<17)
	return &keyLoader{byKey: make(map[string]*keyIndex, sizeHint), order: make([]loadedKey, 0, sizeHint)}
}

// get returns key's keyIndex, or nil if the key has not appeared yet.
func (kl *keyLoader) get(key []byte) *keyIndex { return kl.byKey[string(key)] }

// copyBytes returns a copy of p (nil if empty) with no spare capacity.
func (kl *keyLoader) copyBytes(p []byte) []byte {
	n := len(p)
	switch {
	case n == 0:
		return nil
	case n > byteSlab/4:
		return append(make([]byte, 0, n), p...)
	case len(kl.buf) < n:
		kl.buf = make([]byte, byteSlab)
	}
	c := kl.buf[:n:n]
	copy(c, p)
	kl.buf = kl.buf[n:]
	return c
}

// add returns a new keyIndex holding a copy of key (not added before, not
// empty).
func (kl *keyLoader) add(key []byte) *keyIndex {
	k := kl.copyBytes(key)
	if len(kl.kis) == 0 {
		kl.kis = make([]keyIndex, kiSlab)
	}
	ki := &kl.kis[0]
	kl.kis = kl.kis[1:]
	ki.init(k)
	// k is never modified (keyIndex.key is immutable), so the map may key
	// on it without a copy.
	kl.byKey[unsafe.String(unsafe.SliceData(k), len(k))] = ki
	kl.order = append(kl.order, loadedKey{prefix: ki.prefix, ki: ki})
	return ki
}

// loadedKey is a restored key with its prefix (keyIndex.prefix) held in
// the slice, so that sorting mostly compares numbers in the slice rather
// than following pointers.
type loadedKey struct {
	prefix uint64
	ki     *keyIndex
}

func cmpLoaded(a, b loadedKey) int {
	if a.prefix != b.prefix {
		return cmp.Compare(a.prefix, b.prefix)
	}
	return bytes.Compare(a.ki.key, b.ki.key)
}

// finish inserts every key into *idx (empty), in key order.
func (kl *keyLoader) finish(idx *index) {
	if !slices.IsSortedFunc(kl.order, cmpLoaded) {
		slices.SortFunc(kl.order, cmpLoaded)
	}
	idx.byKey = make(map[string]*keyIndex, len(kl.order)) // sized once
	for _, k := range kl.order {
		idx.insert(k.ki)
	}
}
