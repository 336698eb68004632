package mvcc

import (
	"bytes"
	"slices"
	"unsafe"
)

// Slab sizes for restored keys: keyIndexes per slab, key bytes per slab.
// Keys longer than keySlab/4 get their own allocation.
const (
	kiSlab  = 256
	keySlab = 16 << 10
)

// keyLoader builds a restored store's key index. While entries replay in
// revision order, keys are found through a map; at the end the keyIndexes
// go into the btree once, in key order (the tree's cheapest insertion
// order). KeyIndexes and key bytes are carved from slabs, so a restore
// allocates per slab, not per key; a slab is freed once all its keys are
// gone, so it pins at most the restored keys' own memory.
type keyLoader struct {
	byKey map[string]*keyIndex // keys alias the keyIndexes' key bytes
	order []*keyIndex          // in first-appearance (revision) order
	kis   []keyIndex           // unused tail of the current keyIndex slab
	keys  []byte               // unused tail of the current key slab
}

func newKeyLoader(sizeHint int) *keyLoader {
	sizeHint = min(sizeHint, 1<<17)
	return &keyLoader{byKey: make(map[string]*keyIndex, sizeHint), order: make([]*keyIndex, 0, sizeHint)}
}

// get returns key's keyIndex, or nil if the key has not appeared yet.
func (kl *keyLoader) get(key []byte) *keyIndex { return kl.byKey[string(key)] }

// add returns a new keyIndex holding a copy of key (not added before).
func (kl *keyLoader) add(key []byte) *keyIndex {
	var k []byte
	switch n := len(key); {
	case n > keySlab/4:
		k = append(make([]byte, 0, n), key...)
	default:
		if len(kl.keys) < n {
			kl.keys = make([]byte, keySlab)
		}
		k = kl.keys[:n:n]
		copy(k, key)
		kl.keys = kl.keys[n:]
	}
	if len(kl.kis) == 0 {
		kl.kis = make([]keyIndex, kiSlab)
	}
	ki := &kl.kis[0]
	kl.kis = kl.kis[1:]
	ki.init(k)
	// k is never modified (keyIndex.key is immutable), so the map may key
	// on it without a copy.
	kl.byKey[unsafe.String(unsafe.SliceData(k), len(k))] = ki
	kl.order = append(kl.order, ki)
	return ki
}

// finish inserts every key into idx (empty), in key order.
func (kl *keyLoader) finish(idx index) {
	cmp := func(a, b *keyIndex) int { return bytes.Compare(a.key, b.key) }
	if !slices.IsSortedFunc(kl.order, cmp) {
		slices.SortFunc(kl.order, cmp)
	}
	for _, ki := range kl.order {
		idx.insert(ki)
	}
}
