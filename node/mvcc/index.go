package mvcc

import (
	"bytes"

	"github.com/google/btree"
)

// index maps keys to their keyIndex, ordered by key. It is not safe for
// concurrent use: the Store's lock guards it.
//
// Items hold the key inline (a copy of the slice header of ki.key) so that
// comparisons do not chase a pointer and a lookup needs no allocation.
type index struct {
	tree *btree.BTreeG[indexItem]
}

type indexItem struct {
	key []byte // == ki.key
	ki  *keyIndex
}

func lessItem(a, b indexItem) bool { return bytes.Compare(a.key, b.key) < 0 }

func newIndex() index {
	return index{tree: btree.NewG(32, lessItem)}
}

// get returns the keyIndex of key, or nil.
func (x index) get(key []byte) *keyIndex {
	it, _ := x.tree.Get(indexItem{key: key})
	return it.ki
}

// insert adds ki, whose key is not in the index.
func (x index) insert(ki *keyIndex) { x.tree.ReplaceOrInsert(indexItem{ki.key, ki}) }

// remove deletes ki's key from the index.
func (x index) remove(ki *keyIndex) { x.tree.Delete(indexItem{key: ki.key}) }

// ascend calls f for every keyIndex in key order until f returns false.
func (x index) ascend(f func(ki *keyIndex) bool) {
	x.tree.Ascend(func(it indexItem) bool { return f(it.ki) })
}

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
	x.tree.AscendGreaterOrEqual(indexItem{key: key}, func(it indexItem) bool {
		if !open && bytes.Compare(it.key, end) >= 0 {
			return false
		}
		return f(it.ki)
	})
}
