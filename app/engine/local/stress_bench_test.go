package local

import (
	"testing"
	"time"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/node/cluster"
)

// The Benchmark panel's run through the page's engine (Start, in memory:
// the durable engine on the in-memory medium, its driver at
// engine.MaxSpeed, the timeline recording), next to the same stress on a
// bare cluster ticked as fast as it goes: the engine's overhead over the
// core. Same workload as the panel's defaults (1,000 keys, 256-byte
// values, 256 puts in flight per member). Run single-threaded, as under
// js/wasm:
//
//	go test -run '^$' -bench PanelStress -cpu 1 ./app/engine/local
func BenchmarkPanelStress(b *testing.B) {
	cfg := engine.StressConfig{MaxRate: true, Outstanding: 256, Keys: 1000, ValueSize: 256}
	b.Run("engine", func(b *testing.B) {
		eng, err := Start(engine.StartRequest{Members: 5, Seed: 1, Speed: engine.MaxSpeed, Memory: true})
		if err != nil {
			b.Fatal(err)
		}
		defer eng.(*durableEngine).driver.Close()
		defer eng.(*durableEngine).stopTimeline()
		eng.SetSpeed(engine.MaxSpeed)
		eng.Play()
		for !allKnowLeader(eng.Status()) {
			eng.Step()
		}
		eng.Play()
		cfg := cfg
		cfg.Count = b.N
		b.ResetTimer()
		run := eng.Stress(cfg)
		poll := time.NewTicker(time.Millisecond)
		defer poll.Stop()
		for range poll.C {
			if p := run.Progress(); !p.Running {
				if p.OK != b.N {
					b.Fatalf("progress %+v, want %d ok", p, b.N)
				}
				break
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "puts/s")
	})
	b.Run("cluster", func(b *testing.B) {
		c, err := cluster.New(cluster.Config{Members: 5, Seed: 1}.WithSettings(engine.DefaultPageSettings()))
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < 100 && !allKnowLeader(convertStatus(c.Status())); i++ {
			c.Tick()
		}
		b.ResetTimer()
		run := c.Stress(cluster.StressConfig{MaxRate: true, Outstanding: cfg.Outstanding, Keys: cfg.Keys, ValueSize: cfg.ValueSize, Count: b.N})
		for run.Progress().Running {
			c.Tick()
		}
		if p := run.Progress(); p.OK != b.N {
			b.Fatalf("progress %+v, want %d ok", p, b.N)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "puts/s")
	})
}

// allKnowLeader reports whether every member follows one leader (a put
// to a member that knows none fails).
func allKnowLeader(ms []engine.MemberView) bool {
	for _, m := range ms {
		if m.Leader == 0 || m.Leader != ms[0].Leader {
			return false
		}
	}
	return len(ms) > 0
}
