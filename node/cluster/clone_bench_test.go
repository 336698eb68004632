package cluster

import (
	"testing"

	"github.com/etcd-play/etcd-play/node/durable"
)

// BenchmarkClone measures a checkpoint of the page's cluster (5 members,
// durable storage on the memory medium, the page's auto-compaction and hash
// checkpoints): the time of one Clone and of one Restore, and MemoryBytes
// (MB/clone; shared-MB/clone is the part of it shared with the original).
// "idle" is a fresh elected cluster; "stress-20k" one after 20,000 puts to
// 1,000 keys at the stress panel's maximum rate (100 a tick).
//
//	go test -run X -bench Clone -benchtime 20x ./node/cluster
//	PATH=$PATH:$(go env GOROOT)/lib/wasm GOOS=js GOARCH=wasm go test -run X -bench Clone -benchtime 5x ./node/cluster
func BenchmarkClone(b *testing.B) {
	for _, bc := range []struct {
		name string
		puts int
	}{{"idle", 0}, {"stress-20k", 20_000}} {
		c, err := New(Config{Members: 5, Seed: 1, NewStorage: OnDisk(durable.NewMemory(nil)),
			AutoCompactionRetention: 1000, AutoCompactionTicks: 20, HashCheckpointEvery: 1000})
		if err != nil {
			b.Fatal(err)
		}
		c.net.CheckShared(0) // off, as on the page (TestMain turns it on)
		waitLeader(b, c, 200)
		if bc.puts > 0 {
			r := c.Stress(StressConfig{Rate: 100, Count: bc.puts, Keys: 1000})
			tickUntil(b, c, 10*bc.puts, "stress done", func() bool {
				p := r.Progress()
				return !p.Running && p.Done == bc.puts
			})
		}
		for range 50 {
			c.Tick()
		}
		b.Run(bc.name+"/clone", func(b *testing.B) {
			for b.Loop() {
				if _, err := c.Clone(); err != nil {
					b.Fatal(err)
				}
			}
			cp := deepcopyStats(c)
			b.ReportMetric(float64(cp.bytes)/1e6, "MB/clone")
			b.ReportMetric(float64(cp.shared)/1e6, "shared-MB/clone")
		})
		b.Run(bc.name+"/restore", func(b *testing.B) {
			cp, err := c.Clone()
			if err != nil {
				b.Fatal(err)
			}
			n, err := c.Clone()
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if err := n.Restore(cp); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(bc.name+"/memorybytes", func(b *testing.B) {
			for b.Loop() {
				c.MemoryBytes()
			}
		})
	}
}
