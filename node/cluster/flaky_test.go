package cluster

import (
	"reflect"
	"strings"
	"testing"
)

// flakyRun starts 5 members, turns the flaky-network preset on, writes 300
// keys through it, heals and converges; it returns the events and status.
func flakyRun(t *testing.T, seed int64) ([]Event, []MemberStatus) {
	t.Helper()
	c := newTestCluster(t, Config{Members: 5, Seed: seed, SnapshotCount: 30, CatchUpCount: 10})
	waitLeader(t, c, 200)
	c.FlakyNetwork()
	c.SetDuplicate(1, 2, 1) // every message 1 -> 2 twice
	c.SetReorder(2, 1, 4)
	c.Tick()
	for _, l := range c.Links() {
		want := [4]any{Flaky.Drop, Flaky.Delay, Flaky.Duplicate, Flaky.Reorder}
		switch {
		case l.From == 1 && l.To == 2:
			want[2] = 1.0
		case l.From == 2 && l.To == 1:
			want[3] = 4
		}
		if got := [4]any{l.Drop, l.Delay, l.Duplicate, l.Reorder}; got != want {
			t.Fatalf("link %d -> %d: drop, delay, duplicate, reorder = %v, want %v", l.From, l.To, got, want)
		}
	}
	// Writes through several members; the run must make progress under
	// the preset (the writes are answered), though some may time out.
	for i := range 30 {
		for j := range 10 {
			c.Do(uint64(1+j%5), put("k"+string(rune('a'+j)), "v"+string(rune('a'+i))))
		}
		for range 5 {
			c.Tick()
		}
	}
	var dup uint64
	for _, l := range c.Links() {
		dup += l.Duplicated
		if l.Sent+l.Duplicated != l.Delivered+l.Dropped+uint64(l.InFlight) {
			t.Fatalf("link %d -> %d counters inconsistent: %+v", l.From, l.To, l)
		}
	}
	if dup == 0 {
		t.Fatal("the flaky network duplicated nothing")
	}
	c.HealAll()
	c.Tick()
	for _, l := range c.Links() {
		if l.Drop != 0 || l.Delay != 0 || l.Duplicate != 0 || l.Reorder != 0 {
			t.Fatalf("HealAll left link %d -> %d faulty: %+v", l.From, l.To, l)
		}
	}
	st := converge(t, c, 500)
	if st[0].Revision < 100 {
		t.Fatalf("only revision %d after 300 writes under the flaky network\n%s", st[0].Revision, dump(c))
	}
	return c.Events(0), st
}

// TestFlakyNetwork checks the preset's settings and logging, that a cluster
// keeps making progress and converges under it, and that the run replays:
// the same seed and actions give the same events and status.
func TestFlakyNetwork(t *testing.T) {
	ev1, st1 := flakyRun(t, 3)
	ev2, st2 := flakyRun(t, 3)
	if !reflect.DeepEqual(ev1, ev2) || !reflect.DeepEqual(st1, st2) {
		t.Fatal("the same seed and actions gave different runs under the flaky network")
	}
	var logged []string
	for _, e := range ev1 {
		if e.Kind == "fault" {
			logged = append(logged, e.Text)
		}
	}
	want := []string{
		"flaky network: every link drops 5%, delays 1 tick, duplicates 10%, reorders within 3 ticks",
		"link 1 -> 2 duplicates 100% of messages",
		"link 2 -> 1 reorders messages within 4 ticks",
		"heal all links",
	}
	if !reflect.DeepEqual(logged, want) {
		t.Fatalf("fault events:\n%s\nwant:\n%s", strings.Join(logged, "\n"), strings.Join(want, "\n"))
	}
}
