package cluster

import (
	"fmt"

	"go.etcd.io/raft/v3"

	"github.com/etcd-play/etcd-play/node"
)

// Auto-compaction, as etcd's --auto-compaction-mode=revision
// --auto-compaction-retention=N: the leader keeps the last N revisions of
// history and compacts everything older, through raft like any Compact
// request. Without it a long session's history (and every member's heap,
// raft snapshots and IndexedDB) grows with every write; with it they stay
// bounded by N revisions plus the live keys.
//
// Contract: every Config.AutoCompactionTicks ticks (counted on the
// cluster's clock, so a run stays deterministic), if a member is leader and
// T, its store's revision R minus N rounded down to a multiple of
// Config.HashCheckpointEvery (where each store recorded its hash), is above
// its compact revision and at least minCompactTarget, Tick submits
// Op{Compact: T} to that member, at most one at a time. An event of kind
// "compaction" says so; a failure (e.g. leadership lost meanwhile) is
// logged and retried at the next interval.
//
// Invariant: only a real revision with history below it is ever submitted.
// While R <= N (+ the checkpoint rounding) T is 0 or negative, which is no
// revision at all (Op{Compact: 0} is an empty request, refused by every
// member) and nothing is older than the retention window: the check does
// nothing and says nothing. An idle cluster therefore never compacts.

// defaultAutoCompactionTicks: how often the leader checks (etcd's revision
// compactor checks every 5 minutes; the playground's clock is ticks).
const defaultAutoCompactionTicks = 100

// minCompactTarget is the lowest revision auto-compaction submits: revision
// 1 is the empty store's, so compacting up to it drops nothing.
const minCompactTarget = 2

// autoCompactTick runs the check. Called with c.mu held, during Tick,
// before the members' rounds.
func (c *Cluster) autoCompactTick() {
	keep := c.cfg.AutoCompactionRetention
	if keep <= 0 || c.now%c.cfg.AutoCompactionTicks != 0 || c.compacting {
		return
	}
	for _, id := range c.ids {
		m := c.members[id]
		if m == nil || m.Status().State != node.StateName(raft.StateLeader) {
			continue
		}
		st := m.Store()
		target := st.Rev() - keep
		if k := c.cfg.HashCheckpointEvery; k > 0 {
			target = target / k * k // at a hash checkpoint: the compaction reuses its hash
		}
		if target < minCompactTarget || target <= st.CompactRev() {
			return // no history older than the retention window
		}
		c.compacting = true
		c.emit(Event{Kind: "compaction", Member: id, Text: fmt.Sprintf(
			"auto-compaction: leader %d compacts history up to revision %d (keeps the last %d revisions)", id, target, keep)})
		call := &Call{member: id, op: Op{Compact: target}, quiet: true, done: make(chan struct{})}
		call.compaction = target
		c.submit(call)
		return
	}
}

// compactionDone ends an auto-compaction call. Called by answer with c.mu
// held.
func (c *Cluster) compactionDone(call *Call) {
	c.compacting = false
	if call.err != nil {
		c.emit(Event{Kind: "compaction", Member: call.member, Text: fmt.Sprintf(
			"auto-compaction up to revision %d failed on member %d: %v (retried in %d ticks)",
			call.compaction, call.member, call.err, c.cfg.AutoCompactionTicks)})
	}
}
