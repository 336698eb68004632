package cluster

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"go.etcd.io/raft/v3/raftpb"

	"github.com/etcd-play/etcd-play/node"
)

// A leader cut off from the majority appends a put it cannot commit; the
// majority elects another leader and writes; after healing, the old
// leader's entry at that index is replaced, and its log page shows the
// replaced entry as overwritten (with its term, kind and text) next to
// the entry that replaced it.
func TestLogPageShowsOverwrittenEntry(t *testing.T) {
	for _, seed := range scenarioSeeds {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			c := newTestCluster(t, Config{Members: 3, Seed: seed})
			old := waitLeader(t, c, 200)
			c.Isolate(old)
			lost := c.Do(old, put("lost", "1"))
			var at, term uint64
			tickUntil(t, c, 20, "the isolated leader's append", func() bool {
				p, err := c.LogPage(old, 0, 1)
				if err != nil || len(p.Entries) != 1 || p.Entries[0].Kind != node.KindPut {
					return false
				}
				at, term = p.Entries[0].Index, p.Entries[0].Term
				return p.Commit < at
			})
			var won uint64
			tickUntil(t, c, 200, "a majority leader", func() bool { won = leader(c); return won != 0 && won != old })
			if _, err := call(t, c, won, put("won", "2")); err != nil {
				t.Fatal(err)
			}
			c.HealAll()
			var p LogPage
			tickUntil(t, c, 300, "the old leader's entry replaced", func() bool {
				var err error
				if p, err = c.LogPage(old, at, 1); err != nil {
					t.Fatal(err)
				}
				return len(p.Entries) == 1 && p.Entries[0].Term != term && p.Commit >= at
			})
			if len(p.Overwritten) != 1 {
				t.Fatalf("overwritten %+v, want the put at %d of term %d", p.Overwritten, at, term)
			}
			o := p.Overwritten[0]
			if o.Index != at || o.Term != term || o.Kind != node.KindPut || o.Text != `put "lost" = "1"` || o.Tick == 0 || o.Tick > c.Now() {
				t.Fatalf("overwritten %+v, want the put at %d of term %d", o, at, term)
			}
			if _, err := lost.Result(); err == nil {
				t.Fatal("the overwritten put succeeded")
			}
			for _, id := range c.Members() {
				if id == old {
					continue
				}
				if q, _ := c.LogPage(id, 1, MaxLogPage); len(q.Overwritten) != 0 {
					t.Errorf("member %d overwrote %+v", id, q.Overwritten)
				}
			}
		})
	}
}

// A page is a window: count entries at most, from the index asked for (or
// the newest), with the marks; bad arguments are clear errors.
func TestLogPageWindow(t *testing.T) {
	c := newTestCluster(t, Config{Members: 3, Seed: 1, SnapshotCount: 20, CatchUpCount: 5})
	waitLeader(t, c, 200)
	writeKeys(t, c, "k", 60, 10)
	converge(t, c, 200)
	p, err := c.LogPage(1, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Entries) != 10 || p.Entries[9].Index != p.Last || p.From != p.Last-9 || !p.Up {
		t.Fatalf("newest 10: %+v", p)
	}
	if p.First <= 1 || p.SnapshotIndex < p.First-1 || p.Commit != p.Last || p.Applied != p.Last {
		t.Fatalf("marks: first %d snapshot %d commit %d applied %d last %d", p.First, p.SnapshotIndex, p.Commit, p.Applied, p.Last)
	}
	q, err := c.LogPage(1, 1, 5)
	if err != nil || len(q.Entries) != 0 || q.First != p.First {
		t.Fatalf("a compacted range: %+v %v", q, err)
	}
	if _, err := c.LogPage(1, 1, MaxLogPage+1); err == nil {
		t.Error("a page over MaxLogPage: no error")
	}
	if _, err := c.LogPage(9, 1, 1); !errors.Is(err, ErrNoMember) {
		t.Errorf("member 9: %v", err)
	}
	c.Kill(2)
	c.Tick()
	d, err := c.LogPage(2, 0, 5)
	if err != nil || d.Up || len(d.Entries) != 5 || d.Commit == 0 {
		t.Fatalf("a down member's page: %+v %v", d, err)
	}
}

// Safety of what the view calls overwritten: under leaders isolated and
// partitions healed while writes go to every member, no entry a member
// reports as overwritten was ever applied (committed) by any member, and
// the workload does overwrite entries (so the check checks something).
func TestOverwrittenEntriesWereNeverCommitted(t *testing.T) {
	total := 0
	for seed := int64(1); seed <= 12; seed++ {
		applied := map[uint64]uint64{} // index -> term applied there
		c := newTestCluster(t, Config{Members: 5, Seed: seed, OnApply: func(_ uint64, e raftpb.Entry) { applied[e.Index] = e.Term }})
		rng := rand.New(rand.NewPCG(uint64(seed), 15))
		for tick := 0; tick < 800; tick++ {
			if tick%40 == 0 {
				switch l := leader(c); {
				case rng.IntN(3) == 0:
					c.HealAll()
				case l != 0:
					c.Isolate(l)
				default:
					c.Partition([]uint64{1, 2}, []uint64{3, 4, 5})
				}
			}
			c.Do(uint64(rng.IntN(5)+1), put(fmt.Sprintf("k%d", rng.IntN(20)), fmt.Sprint(tick)))
			c.Tick()
		}
		c.HealAll()
		converge(t, c, 2000)
		for _, id := range c.Members() {
			p, err := c.LogPage(id, 1, MaxLogPage)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range p.Overwritten {
				total++
				if term, ok := applied[o.Index]; ok && term == o.Term {
					t.Fatalf("seed %d: member %d reports %+v overwritten, but it was applied", seed, id, o)
				}
			}
		}
	}
	if total == 0 {
		t.Fatal("the workload overwrote no entry")
	}
	t.Logf("%d overwritten entries, none of them ever applied", total)
}
