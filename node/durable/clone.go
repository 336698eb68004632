package durable

import (
	"reflect"

	"github.com/etcd-play/etcd-play/node/internal/deepcopy"
)

// A storage copied by a cluster checkpoint (package deepcopy, over the
// memory medium only: IndexedDB lives outside the process) shares the
// medium's records, which are never modified once stored (memItem), and
// leaves out RaftStorage's reusable Save buffers, whose contents are dead
// between Saves (the copy grows its own on its first Save).
func init() {
	deepcopy.Field(reflect.TypeFor[memItem](), "rec", deepcopy.Share)
	rs := reflect.TypeFor[RaftStorage]()
	deepcopy.Field(rs, "chunkBuf", deepcopy.Zero)
	deepcopy.Field(rs, "partBuf", deepcopy.Zero)
	deepcopy.Field(reflect.TypeFor[DB](), "testHookIssued", deepcopy.Share)
}
