package cluster

import (
	"strings"
	"testing"

	"github.com/etcd-play/etcd-play/node/durable"
)

// quorumFirst reloads a five-member disk cluster with LoadQuorumFirst.
func quorumFirst(t *testing.T, disk *durable.MemDisk, epoch uint64) *Cluster {
	t.Helper()
	cfg := diskConfig(durable.NewMemory(disk), epoch)
	cfg.Members, cfg.LoadQuorumFirst = 5, true
	return newTestCluster(t, cfg)
}

// filledDisk writes n keys through a five-member disk cluster and stops it
// cleanly, returning the disk and the cluster's final revision and hash.
func filledDisk(t *testing.T, n int) (*durable.MemDisk, int64, uint32) {
	t.Helper()
	disk := durable.NewMemDisk()
	db := durable.NewMemory(disk)
	cfg := diskConfig(db, 1)
	cfg.Members = 5
	c := newTestCluster(t, cfg)
	waitLeader(t, c, 1000)
	writeKeys(t, c, "k", n, 10)
	rev, hash := diskAgreed(t, c)
	c.KillAll()
	c.Tick()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return disk, rev, hash
}

// states spells the members' states, a letter each: l(eader), f(ollower),
// c(andidate), p(re-candidate), d(own), o for loading.
func states(c *Cluster) string {
	var b strings.Builder
	for _, s := range c.Status() {
		if s.State == "loading" {
			b.WriteByte('o')
		} else {
			b.WriteString(s.State[:1])
		}
	}
	return b.String()
}

// A resumed cluster serves with its quorum before the other members load;
// they load one per tick from LoadRestAfterTicks on and catch up, with
// the same revision and hash as before the reload.
func TestLoadQuorumFirst(t *testing.T) {
	disk, rev, hash := filledDisk(t, 200)
	c := quorumFirst(t, disk, 2)
	for _, s := range c.Status() {
		want := "loading"
		if s.ID <= 3 {
			want = "follower"
		}
		if s.State != want {
			t.Fatalf("after New: member %d is %s, want %s (states %s)", s.ID, s.State, want, states(c))
		}
	}
	after := c.cfg.LoadRestAfterTicks
	if after != 2*uint64(c.cfg.ElectionTicks) {
		t.Fatalf("LoadRestAfterTicks defaulted to %d, want 2*ElectionTicks", after)
	}
	l := waitLeader(t, c, int(after))
	if l > 3 {
		t.Fatalf("leader %d is not one of the quorum loaded first", l)
	}
	res, err := call(t, c, l, get("k00007"))
	if err != nil || res.Range == nil || len(res.Range.KVs) != 1 {
		t.Fatalf("read before the rest loaded: %v %+v", err, res.Range)
	}
	if c.Now() >= after {
		t.Fatalf("the read took until tick %d: the test needs it before tick %d", c.Now(), after)
	}
	if s := states(c); !strings.HasSuffix(s, "oo") {
		t.Fatalf("members 4 and 5 loaded before tick %d: states %s", after, s)
	}
	for c.Now() <= after+1 {
		c.Tick()
	}
	st := converge(t, c, 2000)
	if st[0].Revision != rev || st[0].Hash != hash {
		t.Fatalf("after loading all: revision %d hash %08x, want %d %08x", st[0].Revision, st[0].Hash, rev, hash)
	}
	var loaded []uint64
	for _, e := range eventsOf(c, "fault") {
		if strings.Contains(e.Text, " loaded from storage") {
			loaded = append(loaded, e.Member)
			if e.Tick < after {
				t.Fatalf("member %d loaded at tick %d, before %d", e.Member, e.Tick, after)
			}
		}
	}
	if len(loaded) != 2 || loaded[0] != 4 || loaded[1] != 5 {
		t.Fatalf("loaded events for members %v, want [4 5]", loaded)
	}
}

// Kill cancels a pending load, Restart loads at once, KillAll cancels all.
func TestLoadQuorumFirstKillRestart(t *testing.T) {
	disk, rev, _ := filledDisk(t, 50)
	c := quorumFirst(t, disk, 2)
	if err := c.Kill(4); err != nil {
		t.Fatal(err)
	}
	if err := c.Restart(5); err != nil {
		t.Fatal(err)
	}
	c.Tick()
	if s := states(c); s[3:] != "df" {
		t.Fatalf("after kill 4 and restart 5: states %s, want 4 down and 5 up", s)
	}
	for c.Now() <= c.cfg.LoadRestAfterTicks+2 {
		c.Tick()
	}
	if s := states(c); s[3] != 'd' {
		t.Fatalf("killed member 4 loaded anyway: states %s", s)
	}
	if err := c.Restart(4); err != nil {
		t.Fatal(err)
	}
	if st := converge(t, c, 2000); st[0].Revision != rev {
		t.Fatalf("revision %d after restarting 4, want %d", st[0].Revision, rev)
	}

	c2 := quorumFirst(t, disk, 3)
	c2.KillAll()
	for c2.Now() <= c2.cfg.LoadRestAfterTicks+2 {
		c2.Tick()
	}
	if s := states(c2); s != "ddddd" {
		t.Fatalf("after KillAll during the load: states %s, want all down", s)
	}
}

// Without LoadQuorumFirst every member starts in New.
func TestLoadAllByDefault(t *testing.T) {
	disk, _, _ := filledDisk(t, 20)
	c := newTestCluster(t, Config{Members: 5, Seed: 7, SnapshotCount: 20, CatchUpCount: 10, Epoch: 2,
		NewStorage: OnDisk(durable.NewMemory(disk))})
	if s := states(c); strings.ContainsAny(s, "od") {
		t.Fatalf("states %s: every member should be up", s)
	}
}
