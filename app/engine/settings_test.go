package engine_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/app/engine/local"
)

// Settings through the protocol, on a real cluster: the start request's
// (etcd's bootstrap and snapshot indexes follow them), a bad value refused
// with the engine's error, and raft settings taking effect by a rolling
// restart that the updates report.
func TestSettingsThroughTheProtocol(t *testing.T) {
	c, _ := serve(t, "v1", local.Start)
	set := engine.DefaultPageSettings()
	set.SnapshotCount, set.CatchUpCount = 10, 5
	eng, err := c.Start(context.Background(), engine.StartRequest{Members: 3, Seed: 9, Speed: 200, Memory: true, Settings: &set})
	if err != nil {
		t.Fatal(err)
	}
	se, ok := eng.(engine.Settable)
	if !ok {
		t.Fatalf("%T is not Settable", eng)
	}
	waitView(t, "the start's settings", func() bool { return se.Settings() == set })
	waitView(t, "every member at index 8", func() bool {
		for _, m := range eng.Status() {
			if m.LastIndex != 8 || m.Applied != 8 {
				return false
			}
		}
		return true
	})
	l := leader(eng.Status())
	for i := 0; i < 3; i++ {
		if _, err := eng.Put(context.Background(), l, []byte(fmt.Sprint("k", i)), []byte("v")); err != nil {
			t.Fatal(err)
		}
	}
	waitView(t, "the leader's snapshot at 11, log compacted to 6", func() bool {
		m := eng.Status()[l-1]
		return m.SnapshotIndex == 11 && m.CompactedIndex == 6
	})

	bad := set
	bad.HeartbeatTicks = bad.ElectionTicks
	if err := se.SetSettings(bad); err == nil || !strings.Contains(err.Error(), "heartbeat-ticks") {
		t.Fatalf("bad settings: %v, want the heartbeat-ticks error", err)
	}

	next := set
	next.ElectionTicks, next.CheckQuorum = 20, false
	if err := se.SetSettings(next); err != nil {
		t.Fatal(err)
	}
	waitView(t, "the new settings in force", func() bool { return se.Settings() == next })
	sawRestarts := false
	waitView(t, "the rolling restart's end", func() bool {
		if len(se.RestartsPending()) > 0 {
			sawRestarts = true
			return false
		}
		return sawRestarts || restartEvents(eng) == 3
	})
	waitView(t, "3 restart events", func() bool { return restartEvents(eng) == 3 })
	waitView(t, "a leader again", func() bool { return leader(eng.Status()) != 0 })
}

func restartEvents(eng engine.Engine) int {
	n := 0
	for _, e := range eng.Events(0) {
		if e.Kind == "settings" && strings.Contains(e.Text, "restarts to take the new raft settings") {
			n++
		}
	}
	return n
}
