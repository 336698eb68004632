package node

import (
	"errors"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// TEMPORARY until node/mvcc's Snapshot/Restore land: raft snapshots fail
// loudly instead of silently. Replaced by direct calls.
var errNoStoreSnapshot = errors.New("node: mvcc store snapshots not available yet")

func storeSnapshot(s *mvcc.Store) ([]byte, error) { return nil, errNoStoreSnapshot }
func storeRestore(b []byte) (*mvcc.Store, error)  { return nil, errNoStoreSnapshot }
