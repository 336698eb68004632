package cluster

import (
	"errors"
	"fmt"

	"github.com/etcd-play/etcd-play/node"
	"github.com/etcd-play/etcd-play/node/durable"
)

// Durable-storage faults and reports. They need members on OnDisk storage;
// over in-memory storage KillPowerLoss is a plain Kill and WipeMember
// reports an error event.

// KillPowerLoss cuts member id's power: at once (not at the next tick) its
// disk abandons the save in flight, so the member crashes without sending
// that round's messages and whatever that save held is lost; then, at the
// next tick boundary, the member is down as with Kill. Every write the
// member acknowledged before is on disk (the raft contract), so Restart
// finds it there.
func (c *Cluster) KillPowerLoss(id uint64) error {
	if err := c.checkID(id); err != nil {
		return err
	}
	if d := c.disk(id); d != nil {
		d.kill()
	}
	c.enqueue(Action{Kind: KindKillPowerLoss, Member: id}, func() { c.powerLoss(id) })
	return nil
}

// KillAllPowerLoss is KillPowerLoss of every member, all cut at once.
func (c *Cluster) KillAllPowerLoss() {
	for _, id := range c.ids {
		if d := c.disk(id); d != nil {
			d.kill()
		}
	}
	c.enqueue(Action{Kind: KindKillAllPowerLoss}, func() {
		for _, id := range c.ids {
			c.powerLoss(id)
		}
	})
}

// WipeMember deletes everything down member id stored ("wipe this member's
// data"), at the next tick boundary. Its next Restart starts it empty: it
// rejoins with no log and no vote and catches up from the leader by
// snapshot. Forgetting a vote is unsafe in general (the member may vote
// twice in one term); etcd would instead remove the member and add a new
// one. Logged; refused (logged) while the member runs.
func (c *Cluster) WipeMember(id uint64) error {
	if err := c.checkID(id); err != nil {
		return err
	}
	c.enqueue(Action{Kind: KindWipe, Member: id}, func() { c.wipe(id) })
	return nil
}

// DiskError is a member storage problem for the UI.
type DiskError struct {
	Member uint64
	// Corrupt: the stored state failed verification; the member refuses
	// to start until WipeMember.
	Corrupt bool
	// Quota: the medium is full; the member crashed on a save that changed
	// nothing stored, and will crash again until space is freed. A save
	// that got no answer (durable.ErrNoAnswer) counts as the full disk
	// when another member's save failed for lack of space: they share one
	// medium, and Chromium's IndexedDB leaves the other writes unanswered
	// once one failed so.
	Quota bool
	Err   string // the error, for a person
}

// DiskErrors returns the members whose storage has a problem, by ID: a
// corruption found when loading, or the last failed write since the
// member's last (re)start. Empty over in-memory storage.
func (c *Cluster) DiskErrors() []DiskError {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []DiskError
	var errs []error
	full := false
	for _, id := range c.ids {
		d := c.disk(id)
		if d == nil {
			continue
		}
		err := d.problem()
		if err == nil || (errors.Is(err, durable.ErrKilled) && c.members[id] == nil) {
			continue // a power loss is not a storage problem
		}
		full = full || errors.Is(err, durable.ErrQuota)
		errs = append(errs, err)
		out = append(out, DiskError{Member: id, Corrupt: errors.Is(err, durable.ErrCorrupt),
			Quota: errors.Is(err, durable.ErrQuota), Err: err.Error()})
	}
	for i, err := range errs {
		out[i].Quota = out[i].Quota || (full && errors.Is(err, durable.ErrNoAnswer))
	}
	return out
}

// disk returns member id's storage if it is on a durable.DB (OnDisk), else
// nil. c.storages is written only by New, so any goroutine may call it.
func (c *Cluster) disk(id uint64) *disk {
	d, _ := c.storages[id].(*disk)
	return d
}

// powerLoss takes a member whose disk was killed down. It may already be
// down: its save failed with ErrKilled during the tick (it crashed).
// Called with c.mu held.
func (c *Cluster) powerLoss(id uint64) {
	c.forgetReads(id) // power loss ends what it kept in memory
	text := fmt.Sprintf("member %d lost power: a save not yet on disk is lost", id)
	if c.disk(id) == nil {
		text = fmt.Sprintf("member %d lost power (in-memory storage: nothing is lost)", id)
	}
	m := c.members[id]
	if m == nil {
		c.emit(Event{Kind: "fault", Member: id, Text: text})
		return
	}
	c.members[id] = nil
	c.net.SetDown(id, true)
	c.emit(Event{Kind: "fault", Member: id, Text: text})
	m.Stop()
	c.flush(id)
}

// stopDisk closes a killed member's disk cleanly. Called with c.mu held,
// after the member stopped.
func (c *Cluster) stopDisk(id uint64) {
	if d := c.disk(id); d != nil {
		d.close()
	}
}

// reopenDisk reloads a down member's state from its medium before the
// member restarts (after a power loss the in-memory view may not match
// what was saved). It reports, as an event, why the member cannot start.
// Called with c.mu held.
func (c *Cluster) reopenDisk(id uint64) error {
	d := c.disk(id)
	if d == nil {
		return nil
	}
	if err := d.open(); err != nil {
		c.refused(id, err)
		return err
	}
	return nil
}

// refused logs why member id stays down. It reports whether err is a
// storage corruption (the only start failure New tolerates). Called with
// c.mu held, or by New before the cluster is shared.
func (c *Cluster) refused(id uint64, err error) bool {
	corrupt := errors.Is(err, durable.ErrCorrupt)
	text := fmt.Sprintf("member %d cannot start: %v", id, err)
	if corrupt {
		text = fmt.Sprintf("member %d refuses to start: its stored data is corrupt (%v); wipe its data to let it rejoin", id, err)
	}
	c.net.SetDown(id, true)
	c.emit(Event{Kind: "fault", Member: id, Text: text})
	return corrupt
}

// wipe implements WipeMember. Called with c.mu held.
func (c *Cluster) wipe(id uint64) {
	if c.members[id] != nil {
		c.emit(Event{Kind: "fault", Member: id, Text: fmt.Sprintf("wipe member %d: it is running; kill it first", id)})
		return
	}
	d := c.disk(id)
	if d == nil {
		c.emit(Event{Kind: "fault", Member: id, Text: fmt.Sprintf("wipe member %d: its storage is in memory, not on a disk", id)})
		return
	}
	c.cancelLoad(id) // a member waiting to load stays down once wiped (loading.go)
	c.forgetReads(id)
	if err := d.wipe(); err != nil {
		c.emit(Event{Kind: "fault", Member: id, Text: fmt.Sprintf("wipe member %d failed: %v", id, err)})
		return
	}
	c.emit(Event{Kind: "fault", Member: id, Text: fmt.Sprintf(
		"member %d's data wiped: it will rejoin empty and without its vote (etcd would remove it and add a new member)", id)})
}

// advanceElection fast-forwards the election clock of member id as an etcd
// server does when it boots (--initial-election-tick-advance, on by
// default): a member of a multi-member cluster advances ElectionTicks-2
// ticks once it has peers (at New every link is up), a lone member
// ElectionTicks-1. So a cluster's first campaign starts within 2..11 ticks
// of its start (defaults) instead of 10..20, whether its members are fresh
// or loaded from storage. The ticks stay below every randomized election
// timeout (>= ElectionTicks), so they send nothing. Called by New for each
// member it starts; a member restarted or loaded later is left alone.
func (c *Cluster) advanceElection(m *node.Member) {
	n := c.cfg.ElectionTicks - 2
	if len(c.ids) == 1 {
		n = c.cfg.ElectionTicks - 1
	}
	for range n {
		m.Tick()
	}
}
