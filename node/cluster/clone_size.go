package cluster

import (
	"fmt"

	"github.com/etcd-play/etcd-play/node/internal/deepcopy"
)

// shareClientLog gives c (a fresh copy of from) from's client log, sharing
// its events (clientLog.clone): the deep copy leaves its chunks out.
// Both clusters' locks held (or c not yet shared).
func (c *Cluster) shareClientLog(from *Cluster) {
	c.clog.chunks = from.clog.clone().chunks
}

// CloneSized is Clone that also returns the copy's MemoryBytes, counted
// while copying (MemoryBytes alone walks the whole cluster again: the
// timeline takes its checkpoints with this).
func (c *Cluster) CloneSized() (*Cluster, int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.cloneable(); err != nil {
		return nil, 0, err
	}
	cp := deepcopy.New()
	v, err := cp.Copy(c)
	if err != nil {
		return nil, 0, fmt.Errorf("cluster: clone: %w", err)
	}
	n := v.(*Cluster)
	n.shareClientLog(c)
	n.rewire()
	return n, cp.Bytes + cp.SharedBytes, nil
}
