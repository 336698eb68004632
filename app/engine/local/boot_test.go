package local

import (
	"testing"

	"github.com/etcd-play/etcd-play/node/cluster"
)

// BootToLeader steps a fresh cluster to its first leader without waiting in
// real time, then leaves the driver as it found it.
func TestBootToLeader(t *testing.T) {
	for _, playing := range []bool{true, false} {
		eng, err := NewClusterEngine(cluster.Config{Members: 5, Seed: 3}, 1) // 1 tick/s: real time would take 10+ s
		if err != nil {
			t.Fatal(err)
		}
		if !playing {
			eng.Pause()
		}
		n := BootToLeader(eng, 100)
		if !hasLeader(eng.Status()) {
			t.Fatalf("no leader after %d stepped ticks", n)
		}
		// The first campaign comes at the 10-tick election timeout, less the
		// 8 ticks a booting member advances (cluster.New, as etcd does).
		if n < 2 || n >= 100 {
			t.Errorf("stepped %d ticks; the first election takes at least 2", n)
		}
		if eng.Paused() == playing {
			t.Errorf("playing before: %v; paused after: %v", playing, eng.Paused())
		}
		if again := BootToLeader(eng, 100); again != 0 {
			t.Errorf("with a leader already, BootToLeader stepped %d ticks", again)
		}
		eng.(*clusterEngine).driver.Close()
	}
}
