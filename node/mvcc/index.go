package mvcc

import (
	"bytes"

	"github.com/google/btree"
)

// index maps keys to their keyIndex, ordered by key. It is not safe for
// concurrent use: the Store's lock guards it.
type index struct {
	tree *btree.BTreeG[*keyIndex]
}

func lessKeyIndex(a, b *keyIndex) bool { return bytes.Compare(a.key, b.key) < 0 }

func newIndex() index {
	return index{tree: btree.NewG(32, lessKeyIndex)}
}

// get returns the keyIndex of key, or nil.
func (x index) get(key []byte) *keyIndex {
	ki, _ := x.tree.Get(&keyIndex{key: key})
	return ki
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
	x.tree.AscendGreaterOrEqual(&keyIndex{key: key}, func(ki *keyIndex) bool {
		if !open && bytes.Compare(ki.key, end) >= 0 {
			return false
		}
		return f(ki)
	})
}
