package cluster

import (
	"fmt"

	"github.com/etcd-play/etcd-play/node"
)

// MaxLogPage bounds the entries one LogPage returns: the log view asks for
// what it shows, so a log of any length costs at most this per page.
const MaxLogPage = 1000

// OverwrittenKept bounds the overwritten entries kept per member: the
// newest OverwrittenKept (a ring), whatever their age; a member's ring
// survives its kills and restarts.
const OverwrittenKept = 64

// OverwrittenEntry is a log entry a member held until a leader of a later
// term replaced it (raft truncated its uncommitted tail), and the tick
// (Cluster.Now) at which that happened.
type OverwrittenEntry struct {
	node.LogEntry
	Tick uint64
}

// LogPage is a window on one member's raft log with its marks. Entries
// hold the stored entries in [From, From+Count) (none below First: the
// entries through First-1 are compacted into the snapshot at
// SnapshotIndex; none above Last). Commit and Applied are the member's
// (a down member shows its stored commit and Applied 0). Overwritten
// holds the kept overwritten entries (OverwrittenKept) with index >=
// From and below From+Count (or anywhere above, when the window reaches
// Last), oldest first.
type LogPage struct {
	Member                         uint64
	Up                             bool
	From                           uint64
	First, Last                    uint64
	Commit, Applied, SnapshotIndex uint64
	Entries                        []node.LogEntry
	Overwritten                    []OverwrittenEntry
}

// LogPage reads count (0..MaxLogPage) entries of member id's log from
// index from on; from == 0 means the newest count. It waits for a running
// Tick (the cluster's lock) and only reads: the run is unchanged.
func (c *Cluster) LogPage(id, from uint64, count int) (LogPage, error) {
	if err := c.checkID(id); err != nil {
		return LogPage{}, err
	}
	if count < 0 || count > MaxLogPage {
		return LogPage{}, fmt.Errorf("cluster: a log page of %d entries: must be 0..%d", count, MaxLogPage)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	st := c.storages[id]
	w, err := node.ReadLog(st, from, count)
	if err != nil {
		return LogPage{}, fmt.Errorf("cluster: member %d: %w", id, err)
	}
	p := LogPage{Member: id, From: w.From, First: w.First, Last: w.Last, Entries: w.Entries}
	if m := c.members[id]; m != nil {
		s := m.Status()
		p.Up, p.Commit, p.Applied, p.SnapshotIndex = true, s.Commit, s.Applied, s.SnapshotIndex
	} else {
		if hs, _, err := st.InitialState(); err == nil {
			p.Commit = hs.Commit
		}
		if snap, err := st.Snapshot(); err == nil {
			p.SnapshotIndex = snap.Metadata.Index
		}
	}
	end := w.From + uint64(count)
	for _, o := range c.overwrittenRing(id) {
		if o.Index >= w.From && (o.Index < end || end > w.Last) {
			p.Overwritten = append(p.Overwritten, o)
		}
	}
	return p, nil
}

// overwrittenLog is one member's ring of overwritten entries.
type overwrittenLog struct {
	ents []OverwrittenEntry // at most OverwrittenKept
	next int                // where the next one goes once full
}

// noteOverwritten records the entries member id's log replaced at the
// current tick. Called from flush (c.mu held), in the member's order.
func (c *Cluster) noteOverwritten(id uint64, ents []node.LogEntry) {
	if c.overwritten == nil {
		c.overwritten = map[uint64]*overwrittenLog{}
	}
	r := c.overwritten[id]
	if r == nil {
		r = &overwrittenLog{}
		c.overwritten[id] = r
	}
	for _, e := range ents {
		o := OverwrittenEntry{LogEntry: e, Tick: c.now}
		if len(r.ents) < OverwrittenKept {
			r.ents = append(r.ents, o)
			continue
		}
		r.ents[r.next] = o
		r.next = (r.next + 1) % OverwrittenKept
	}
}

// overwrittenRing returns member id's kept overwritten entries, oldest
// first (a new slice). Called with c.mu held.
func (c *Cluster) overwrittenRing(id uint64) []OverwrittenEntry {
	r := c.overwritten[id]
	if r == nil {
		return nil
	}
	out := make([]OverwrittenEntry, 0, len(r.ents))
	out = append(out, r.ents[r.next:]...)
	return append(out, r.ents[:r.next]...)
}
