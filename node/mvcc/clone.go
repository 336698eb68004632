package mvcc

import (
	"reflect"

	"github.com/google/btree"

	"github.com/etcd-play/etcd-play/node/internal/deepcopy"
)

// A store copied by a cluster checkpoint (package deepcopy) shares with the
// original what the store never writes once stored, and copies the rest:
//   - a key's bytes (keyIndex.key: owned, never modified) and long values
//     (storedValue.p, on the heap or in an arena block: never modified);
//   - the arena's blocks (arenaBlock.buf): bytes below a block's used mark
//     are never written again, and the copy's arena has no current block
//     (valueArena.cur is zeroed), so it puts new values into blocks of its
//     own and never writes above the used mark of a shared block. The
//     block bookkeeping (used, live) is copied, so compaction's accounting
//     stays exact in both;
//   - the btrees' ordering functions, which capture nothing.
//
// It leaves out the incremental hash's multiplication table (curHash.mt),
// which the copy builds anew when it needs one.
func init() {
	deepcopy.Type(reflect.TypeFor[btree.LessFunc[leaseTTL]](), deepcopy.Share)
	deepcopy.Type(reflect.TypeFor[btree.LessFunc[*keyIndex]](), deepcopy.Share)
	deepcopy.Field(reflect.TypeFor[keyIndex](), "key", deepcopy.Share)
	deepcopy.Field(reflect.TypeFor[storedValue](), "p", deepcopy.Share)
	deepcopy.Field(reflect.TypeFor[arenaBlock](), "buf", deepcopy.Share)
	deepcopy.Field(reflect.TypeFor[valueArena](), "cur", deepcopy.Zero)
	deepcopy.Field(reflect.TypeFor[curHash](), "mt", deepcopy.Zero) // a 16 KiB cache, rebuilt on demand
}
