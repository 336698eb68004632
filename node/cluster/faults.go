package cluster

import (
	"fmt"
	"strings"

	"github.com/etcd-play/etcd-play/transport"
)

// Every fault below is queued and takes effect at the start of the next
// Tick, in queue order, and is logged as a "fault" event then. Errors
// returned at once concern only the arguments (an unknown member ID);
// conditions that depend on the cluster's state at that tick (killing a
// member that is already down) are logged and otherwise ignored.

// Kill crashes member id: its volatile state (raft, store, waiting calls)
// is lost, its storage is kept, messages to and from it are lost.
func (c *Cluster) Kill(id uint64) error {
	if err := c.checkID(id); err != nil {
		return err
	}
	c.enqueue(Action{Kind: KindKill, Member: id}, func() { c.kill(id) })
	return nil
}

// Restart starts a killed member again from its storage alone.
func (c *Cluster) Restart(id uint64) error {
	if err := c.checkID(id); err != nil {
		return err
	}
	c.enqueue(Action{Kind: KindRestart, Member: id}, func() { c.restart(id) })
	return nil
}

// KillAll kills every live member (and cancels every pending load).
func (c *Cluster) KillAll() {
	c.enqueue(Action{Kind: KindKillAll}, func() {
		for _, id := range c.ids {
			if c.members[id] != nil || c.isLoading(id) {
				c.kill(id)
			}
		}
	})
}

// RestartAll restarts every down member.
func (c *Cluster) RestartAll() {
	c.enqueue(Action{Kind: KindRestartAll}, func() {
		for _, id := range c.ids {
			if c.members[id] == nil {
				c.restart(id)
			}
		}
	})
}

func (c *Cluster) kill(id uint64) {
	m := c.members[id]
	if c.cancelLoad(id) {
		c.emit(Event{Kind: "fault", Member: id, Text: fmt.Sprintf("member %d killed before it loaded", id)})
		return
	}
	if m == nil {
		c.emit(Event{Kind: "fault", Member: id, Text: fmt.Sprintf("kill member %d: already down", id)})
		return
	}
	c.members[id] = nil
	c.net.SetDown(id, true)
	c.emit(Event{Kind: "fault", Member: id, Text: fmt.Sprintf("member %d killed", id)})
	m.Stop() // fails its waiting calls, logged after the kill
	c.flush(id)
	c.stopDisk(id) // a clean stop: the last save is on disk
}

func (c *Cluster) restart(id uint64) {
	c.cancelLoad(id)
	if c.members[id] != nil {
		c.emit(Event{Kind: "fault", Member: id, Text: fmt.Sprintf("restart member %d: already running", id)})
		return
	}
	if c.reopenDisk(id) != nil {
		return // logged: corrupt or unreadable storage
	}
	c.start(id, "restarted")
}

// start starts down member id from its storage as it is now; verb says
// how in the event ("restarted", or "loaded" by loadTick, whose storage
// New opened, so it needs no reopening).
func (c *Cluster) start(id uint64, verb string) {
	m, err := c.startMember(id)
	if err != nil {
		if verb == "loaded" {
			c.refused(id, err) // as New does: corrupt storage keeps it down
			return
		}
		c.emit(Event{Kind: "fault", Member: id, Text: fmt.Sprintf("member %d failed to restart: %v", id, err)})
		return
	}
	c.forgetReads(id)
	c.members[id] = m
	c.flush(id)
	c.net.SetDown(id, false)
	st := m.Status()
	c.emit(Event{Kind: "fault", Member: id, Text: fmt.Sprintf(
		"member %d %s from storage (term %d, commit %d, snapshot %d, last index %d)",
		id, verb, st.Term, st.Commit, st.SnapshotIndex, st.LastIndex)})
}

// Partition splits the members into groups that cannot reach each other;
// members not listed form one more group. It replaces earlier cuts between
// members (links within a group are healed); drops and delays stay.
func (c *Cluster) Partition(groups ...[]uint64) {
	var gs [][]uint64 // nil for no groups, as a decoded history has it
	if len(groups) > 0 {
		gs = make([][]uint64, len(groups))
	}
	parts := make([]string, len(groups))
	for i, g := range groups {
		gs[i] = append([]uint64(nil), g...)
		parts[i] = fmt.Sprint(g)
	}
	c.fault(Action{Kind: KindPartition, Groups: gs}, fmt.Sprintf("partition %s", strings.Join(parts, " | ")),
		func() { c.net.Partition(gs...) })
}

// Isolate cuts every link to and from member id.
func (c *Cluster) Isolate(id uint64) {
	c.fault(Action{Kind: KindIsolate, Member: id}, fmt.Sprintf("isolate member %d", id), func() { c.net.Isolate(id) })
}

// Cut cuts the one-way link from -> to.
func (c *Cluster) Cut(from, to uint64) {
	c.fault(Action{Kind: KindCut, From: from, To: to}, fmt.Sprintf("cut link %d -> %d", from, to), func() { c.net.Cut(from, to) })
}

// HealLink removes cut, drop and delay from the one-way link from -> to.
func (c *Cluster) HealLink(from, to uint64) {
	c.fault(Action{Kind: KindHealLink, From: from, To: to}, fmt.Sprintf("heal link %d -> %d", from, to), func() { c.net.HealLink(from, to) })
}

// HealAll removes every network fault (down members stay down).
func (c *Cluster) HealAll() {
	c.fault(Action{Kind: KindHealAll}, "heal all links", c.net.HealAll)
}

// SetDrop makes the link from -> to lose each message with probability p.
func (c *Cluster) SetDrop(from, to uint64, p float64) {
	c.fault(Action{Kind: KindDrop, From: from, To: to, P: p}, fmt.Sprintf("link %d -> %d drops %.0f%% of messages", from, to, p*100),
		func() { c.net.SetDrop(from, to, p) })
}

// SetDelay delays messages on the link from -> to by ticks extra ticks.
func (c *Cluster) SetDelay(from, to uint64, ticks int) {
	c.fault(Action{Kind: KindDelay, From: from, To: to, Ticks: ticks}, fmt.Sprintf("link %d -> %d delays messages by %d ticks", from, to, ticks),
		func() { c.net.SetDelay(from, to, ticks) })
}

func (c *Cluster) fault(rec Action, text string, apply func()) {
	c.enqueue(rec, func() {
		apply()
		c.emit(Event{Kind: "fault", Text: text})
	})
}

// TransferLeadership asks the current leader to hand leadership to member
// to (raft's MsgTimeoutNow). Logged; ignored when there is no leader then.
func (c *Cluster) TransferLeadership(to uint64) error {
	if err := c.checkID(to); err != nil {
		return err
	}
	c.enqueue(Action{Kind: KindTransfer, To: to}, func() {
		for _, id := range c.ids {
			if m := c.members[id]; m != nil && m.TransferLeadership(to) {
				c.flush(id)
				c.emit(Event{Kind: "fault", Member: id, Text: fmt.Sprintf("leader %d transfers leadership to member %d", id, to)})
				return
			}
		}
		c.emit(Event{Kind: "fault", Member: to, Text: fmt.Sprintf("transfer leadership to member %d: no leader", to)})
	})
	return nil
}

// Links reports every directed link's faults and counters, sorted.
func (c *Cluster) Links() []transport.LinkStatus {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.net.Links()
}
