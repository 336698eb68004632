package cluster

import (
	"fmt"
	"sync"
	"testing"

	"go.etcd.io/raft/v3/raftpb"

	"github.com/etcd-play/etcd-play/node"
)

// appliedLog records, per member, the index and type of every entry it
// applies (Config.OnApply), in order.
type appliedLog struct {
	mu   sync.Mutex
	ents map[uint64][]raftpb.Entry
}

func (a *appliedLog) record(member uint64, e raftpb.Entry) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.ents == nil {
		a.ents = map[uint64][]raftpb.Entry{}
	}
	a.ents[member] = append(a.ents[member], raftpb.Entry{Index: e.Index, Term: e.Term, Type: e.Type, Data: e.Data})
}

func (a *appliedLog) of(member uint64) []raftpb.Entry {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]raftpb.Entry(nil), a.ents[member]...)
}

// bootAtEight starts etcd's TestV3WatchRestoreSnapshotUnsync cluster (3
// members, SnapshotCount 10, CatchUpCount 5) and checks what etcd's log
// shows before any client request: every member at index 8, made of 3
// ConfChange entries, the leader's empty entry, 3 member-attributes
// entries and the cluster version. It returns the cluster, its leader and
// one follower.
func bootAtEight(t *testing.T, applied *appliedLog) (*Cluster, uint64, uint64) {
	t.Helper()
	c := newTestCluster(t, Config{Members: 3, Seed: 15, SnapshotCount: 10, CatchUpCount: 5, OnApply: applied.record})
	tickUntil(t, c, 500, "every member at index 8", func() bool {
		for _, s := range c.Status() {
			if s.LastIndex != 8 || s.Commit != 8 || s.Applied != 8 {
				return false
			}
		}
		return true
	})
	// Nothing more is appended while no client asks anything.
	for range 100 {
		c.Tick()
	}
	for _, s := range c.Status() {
		if s.LastIndex != 8 || s.Applied != 8 || s.SnapshotIndex != 0 || s.CompactedIndex != 0 {
			t.Fatalf("member %d after 100 idle ticks: last %d applied %d snapshot %d compacted %d, want 8 8 0 0",
				s.ID, s.LastIndex, s.Applied, s.SnapshotIndex, s.CompactedIndex)
		}
		ents := applied.of(s.ID)
		if len(ents) != 8 {
			t.Fatalf("member %d applied %d entries, want 8", s.ID, len(ents))
		}
		for i, e := range ents {
			idx := uint64(i + 1)
			var ok bool
			switch {
			case idx <= 3:
				ok = e.Type == raftpb.EntryConfChange && e.Term == 1
			case idx == 4:
				ok = e.Type == raftpb.EntryNormal && len(e.Data) == 0 && e.Term == 2
			default:
				ok = e.Type == raftpb.EntryNormal && len(e.Data) > 0 && e.Term == 2
			}
			if e.Index != idx || !ok {
				t.Fatalf("member %d's entry %d: index %d term %d type %v, %d bytes", s.ID, i, e.Index, e.Term, e.Type, len(e.Data))
			}
		}
		ms, err := c.Membership(s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ms.ClusterVersion != node.ClusterVersion || len(ms.Members) != 3 {
			t.Fatalf("member %d's membership: %+v", s.ID, ms)
		}
		for i, mi := range ms.Members {
			id := uint64(i + 1)
			if mi.ID != id || mi.Name != fmt.Sprintf("etcd-%d", id) || len(mi.PeerURLs) != 1 || len(mi.ClientURLs) != 1 {
				t.Fatalf("member %d's view of member %d: %+v", s.ID, id, mi)
			}
		}
	}
	l := waitLeader(t, c, 1)
	return c, l, follower(t, c, l)
}

func statusOf(c *Cluster, id uint64) MemberStatus { return c.Status()[id-1] }

// putsUntil puts keys one at a time through the leader (each answered
// before the next) until the leader applied index last.
func putsUntil(t *testing.T, c *Cluster, l, last uint64) {
	t.Helper()
	for i := 0; statusOf(c, l).Applied < last; i++ {
		if _, err := call(t, c, l, put(fmt.Sprintf("k%02d", i), "v")); err != nil {
			t.Fatalf("put %d: %v\n%s", i, err, dump(c))
		}
		if a := statusOf(c, l).Applied; a > last {
			t.Fatalf("leader applied %d, past %d", a, last)
		}
	}
}

// wantSnap checks member id's snapshot and compacted indexes.
func wantSnap(t *testing.T, c *Cluster, id, snap, compacted uint64) {
	t.Helper()
	s := statusOf(c, id)
	if s.SnapshotIndex != snap || s.CompactedIndex != compacted {
		t.Fatalf("member %d: snapshot index %d, compacted index %d; want %d and %d\n%s",
			id, s.SnapshotIndex, s.CompactedIndex, snap, compacted, dump(c))
	}
}

// The numbers of etcd's TestV3WatchRestoreSnapshotUnsync log: the leader
// snapshots at 11 and 22 and compacts its log to 6 and 17; a follower cut
// off at index 8 is caught up with entries from index 9 while the leader's
// log is compacted to 6, and by a snapshot once it is compacted to 17.
func TestBootstrapSnapshotIndexesAsEtcd(t *testing.T) {
	t.Run("caught-up-by-entries", func(t *testing.T) {
		var applied appliedLog
		c, l, f := bootAtEight(t, &applied)
		c.Isolate(f)
		putsUntil(t, c, l, 11)
		wantSnap(t, c, l, 11, 6)
		if s := statusOf(c, f); s.LastIndex != 8 {
			t.Fatalf("isolated follower at %d, want 8", s.LastIndex)
		}
		c.HealAll()
		tickUntil(t, c, 500, "the follower caught up", func() bool { return statusOf(c, f).Applied == 11 })
		ents := applied.of(f)
		if len(ents) != 11 || ents[8].Index != 9 {
			t.Fatalf("follower applied %d entries, the 9th at index %d: want 11, from 9 on", len(ents), ents[8].Index)
		}
		for _, e := range eventsOf(c, "snapshot-restored") {
			t.Fatalf("unexpected snapshot: %s", e.Text)
		}
		wantSnap(t, c, f, 11, 6) // its own snapshot, by the same rule
	})
	t.Run("caught-up-by-snapshot", func(t *testing.T) {
		var applied appliedLog
		c, l, f := bootAtEight(t, &applied)
		c.Isolate(f)
		putsUntil(t, c, l, 11)
		wantSnap(t, c, l, 11, 6)
		putsUntil(t, c, l, 22)
		wantSnap(t, c, l, 22, 17)
		c.HealAll()
		tickUntil(t, c, 500, "the follower caught up", func() bool { return statusOf(c, f).Applied == 22 })
		restored := eventsOf(c, "snapshot-restored")
		want := fmt.Sprintf("member %d restored a snapshot at index 22", f)
		if len(restored) != 1 || restored[0].Member != f || len(restored[0].Text) < len(want) || restored[0].Text[:len(want)] != want {
			t.Fatalf("snapshot restores: %+v, want one: %s", restored, want)
		}
		if ents := applied.of(f); len(ents) != 8 {
			t.Fatalf("follower applied %d entries one by one, want 8 (the rest by snapshot)", len(ents))
		}
		wantSnap(t, c, f, 22, 22) // its log starts after the snapshot it received
		// The snapshot carried the membership view.
		ms, err := c.Membership(f)
		if err != nil || ms.ClusterVersion != node.ClusterVersion || len(ms.Members) != 3 || ms.Members[2].Name != "etcd-3" {
			t.Fatalf("restored follower's membership: %+v, %v", ms, err)
		}
		converge(t, c, 500)
	})
}
