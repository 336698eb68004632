package cluster

import (
	"fmt"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// KeyHistory is one member's stored history of a key (mvcc.KeyHistory):
// newest first, at most Limit revisions, More if older ones were left
// out; Revision and Compacted are that member's store revision and
// compacted revision.
type KeyHistory struct {
	Member              uint64
	Revisions           []mvcc.KeyRevision
	More                bool
	Revision, Compacted int64
}

// KeyHistory reads member's history of key from its local store, as a
// serializable read does (no raft round: a member behind its leader shows
// its own, older history). It waits for a running Tick and changes
// nothing. A member that is down answers ErrMemberDown.
func (c *Cluster) KeyHistory(member uint64, key []byte, limit int) (KeyHistory, error) {
	if err := c.checkID(member); err != nil {
		return KeyHistory{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	m := c.members[member]
	if m == nil {
		return KeyHistory{}, fmt.Errorf("member %d: %w", member, ErrMemberDown)
	}
	h := KeyHistory{Member: member}
	h.Revisions, h.More, h.Revision, h.Compacted = m.Store().KeyHistory(key, limit)
	return h, nil
}
