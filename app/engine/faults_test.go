package engine_test

import (
	"context"
	"testing"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/app/engine/local"
	"github.com/etcd-play/etcd-play/node/cluster"
)

// linkView returns the client's view of link from -> to.
func linkView(eng engine.Engine, from, to uint64) engine.LinkView {
	for _, l := range eng.Links() {
		if l.From == from && l.To == to {
			return l
		}
	}
	return engine.LinkView{}
}

// Duplicate, reorder and the flaky-network preset through the protocol, on
// a real cluster: each reaches the cluster's links and comes back in the
// pushed link views, duplicates are counted, and HealAll clears them all.
func TestDuplicateReorderThroughProtocol(t *testing.T) {
	c, _ := serve(t, "v1", local.Start)
	eng, err := c.Start(context.Background(), engine.StartRequest{Members: 3, Seed: 4, Speed: 200})
	if err != nil {
		t.Fatal(err)
	}
	waitView(t, "a leader", func() bool { return leader(eng.Status()) != 0 })
	eng.SetDuplicate(1, 2, 0.5)
	eng.SetReorder(2, 3, 4)
	waitView(t, "duplicate on 1 -> 2 and reorder on 2 -> 3", func() bool {
		return linkView(eng, 1, 2).Duplicate == 0.5 && linkView(eng, 2, 3).Reorder == 4
	})
	if l := linkView(eng, 2, 1); l.Duplicate != 0 || l.Reorder != 0 {
		t.Fatalf("link 2 -> 1 got faults set on others: %+v", l)
	}
	eng.FlakyNetwork()
	flaky := func(l engine.LinkView) bool {
		return l.Drop == cluster.Flaky.Drop && l.Delay == cluster.Flaky.Delay &&
			l.Duplicate == cluster.Flaky.Duplicate && l.Reorder == cluster.Flaky.Reorder
	}
	waitView(t, "the flaky network on every link", func() bool {
		ls := eng.Links()
		for _, l := range ls {
			if !flaky(l) {
				return false
			}
		}
		return len(ls) == 6
	})
	waitView(t, "a duplicated message", func() bool {
		for _, l := range eng.Links() {
			if l.Duplicated > 0 {
				return l.Sent+l.Duplicated >= l.Delivered+l.Dropped
			}
		}
		return false
	})
	eng.HealAll()
	waitView(t, "every link healed", func() bool {
		for _, l := range eng.Links() {
			if l.Drop != 0 || l.Delay != 0 || l.Duplicate != 0 || l.Reorder != 0 {
				return false
			}
		}
		return true
	})
	var flakyEvent bool
	for _, e := range eng.Events(0) {
		flakyEvent = flakyEvent || e.Kind == "fault" && len(e.Text) > 13 && e.Text[:13] == "flaky network"
	}
	if !flakyEvent {
		t.Fatal("no flaky-network fault event")
	}
}
