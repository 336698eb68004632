package cluster

import (
	"errors"

	"github.com/etcd-play/etcd-play/node"
	"github.com/etcd-play/etcd-play/node/durable"
)

// Full-disk reads: a member whose save failed because the disk is full
// (durable.ErrQuota) stops like any crashed member (it is down: no raft,
// no writes, no linearizable reads), but the store it applied up to that
// save stays in memory, and serializable reads, which need no storage, are
// answered from it until the member restarts (or loses power, or is
// wiped). So a full disk keeps the cluster's reads that do not need
// storage, as etcd's NOSPACE alarm does.
//
// c.fullDisk holds those stopped members; written with c.mu held (crash,
// start, powerLoss, wipe), read by submit. A checkpoint (Clone) leaves it
// out: a copy's down members refuse every call.

// keepForReads records m, just crashed with err, when err is a full disk,
// or a save that got no answer (durable.ErrNoAnswer: what Chromium's
// IndexedDB does to the other writes once one failed for lack of space;
// raft's contract kept the unanswered save's entries unapplied, so the
// store holds what was stored either way).
func (c *Cluster) keepForReads(id uint64, m *node.Member, err error) {
	if m == nil || !(errors.Is(err, durable.ErrQuota) || errors.Is(err, durable.ErrNoAnswer)) {
		return
	}
	if c.fullDisk == nil {
		c.fullDisk = map[uint64]*node.Member{}
	}
	c.fullDisk[id] = m
}

// forgetReads drops member id's kept store (it restarted, lost power or was
// wiped).
func (c *Cluster) forgetReads(id uint64) { delete(c.fullDisk, id) }

// serveFullDisk answers call from the kept store of its member, if the
// member is down on a full disk and call is a serializable read; it
// reports whether it did.
func (c *Cluster) serveFullDisk(call *Call) bool {
	m := c.fullDisk[call.member]
	if m == nil {
		return false
	}
	call.cluster = c
	if !m.ServeLocalRead(call.op, (*answerer)(call)) {
		return false
	}
	c.flush(call.member)
	return true
}
