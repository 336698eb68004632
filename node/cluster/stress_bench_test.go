package cluster

import (
	"fmt"
	"testing"
)

// Puts per second, and puts per tick, of a MaxRate stress run against its
// window of puts in flight per member (StressConfig.Outstanding), in the
// js/wasm model (members' rounds one after the other) and natively
// parallel: the measurement behind DefaultOutstanding. Same workload as
// the pipelined benchmarks (16-byte values over 10,000 keys, etcd's
// snapshot count). Run with
//
//	go test -run '^$' -bench StressMaxRate ./node/cluster
//	PATH=$PATH:$(go env GOROOT)/lib/wasm GOOS=js GOARCH=wasm go test -run '^$' -bench StressMaxRate ./node/cluster
func BenchmarkStressMaxRate(b *testing.B) {
	for _, parallel := range []bool{false, true} {
		for _, window := range []int{4, 16, 32, 64, 128, 256} {
			name := fmt.Sprintf("sequential/outstanding=%d", window)
			if parallel {
				name = fmt.Sprintf("parallel/outstanding=%d", window)
			}
			b.Run(name, func(b *testing.B) {
				c, _ := benchCluster(b, benchSnapshotCount, parallel)
				start := c.Now()
				b.ResetTimer()
				run := c.Stress(StressConfig{MaxRate: true, Outstanding: window, Count: b.N, Keys: benchKeys, ValueSize: benchValueSize})
				for run.Progress().Running {
					c.Tick()
				}
				b.StopTimer()
				p := run.Progress()
				if p.OK != b.N {
					b.Fatalf("progress %+v, want %d ok", p, b.N)
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "puts/s")
				b.ReportMetric(float64(b.N)/float64(c.Now()-start), "puts/tick")
				b.ReportMetric(float64(p.P99), "p99-ticks")
			})
		}
	}
}
