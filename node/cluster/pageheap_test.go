package cluster

import (
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"testing"
	"time"

	"github.com/etcd-play/etcd-play/node/durable"
)

// The page's cluster under the heaviest stress its controls allow, without
// a browser: what the page's thread has to do per tick, and the live heap
// the Go garbage collector has to mark (under js/wasm its idle mark worker
// marks all of it in one go when no goroutine is runnable). Run with
//
//	go test -run '^$' -bench PageStress -benchtime 1x -cpu 1 ./node/cluster
//	PATH=$PATH:$(go env GOROOT)/lib/wasm GOOS=js GOARCH=wasm go test -run '^$' -bench PageStress -benchtime 1x ./node/cluster
//
// PAGE_HEAP_PROFILE=file writes a heap profile of the cluster at the end
// (go tool pprof -sample_index=inuse_space; run with -memprofilerate 1 to
// count every object). PAGE_KEYS and PAGE_VALUE_SIZE choose the key space
// and value size (the page's defaults, 100 and 16; its maximums are 10000
// and 4096); PAGE_COMPACT_RETENTION and PAGE_COMPACT_TICKS the
// auto-compaction (a retention of -1 turns it off); PAGE_PART_BYTES the
// bytes of a raft snapshot a Save writes (durable.SnapshotPartBytes).
//
// Metrics (one stress run per b.N iteration, figures of the last):
// max-tick-ms, the longest single Tick; snap-tick-ms, the longest tick in
// which members took raft snapshots; gc-ms, a forced full GC afterwards
// (mark time of the live heap); live-MB and scan-MB, the runtime's
// /gc/heap/live:bytes and /gc/scan/heap:bytes after that GC.

// The page's engine configuration (main.go, app.PageCompactionRetention
// and PageCompactionTicks) and stress bounds (app/stress_panel.go).
const (
	pageSnapshotCount       = 1000
	pageCatchUpCount        = 500
	pageCompactionRetention = 1000
	pageCompactionTicks     = 20
	pageStressRate          = 100
	pageStressCount         = 20000
)

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v != 0 {
		return max(v, 0)
	}
	return def
}

func BenchmarkPageStress(b *testing.B) {
	keys, size := envInt("PAGE_KEYS", 100), envInt("PAGE_VALUE_SIZE", 16)
	if n := envInt("PAGE_PART_BYTES", 0); n > 0 {
		defer func(old int) { durable.SnapshotPartBytes = old }(durable.SnapshotPartBytes)
		durable.SnapshotPartBytes = n
	}
	for b.Loop() {
		b.StopTimer()
		c := newTestCluster(b, Config{Seed: 1, SnapshotCount: pageSnapshotCount, CatchUpCount: pageCatchUpCount,
			AutoCompactionRetention: int64(envInt("PAGE_COMPACT_RETENTION", pageCompactionRetention)),
			AutoCompactionTicks:     uint64(envInt("PAGE_COMPACT_TICKS", pageCompactionTicks)),
			NewStorage:              OnDisk(durable.NewMemory(nil))})
		waitLeader(b, c, 500)
		b.StartTimer()
		run := c.Stress(StressConfig{Rate: pageStressRate, Count: pageStressCount, Keys: keys, ValueSize: size})
		var maxTick, snapTick time.Duration
		var seq uint64 // events seen
		ticks := 0
		for ; run.Progress().Running; ticks++ {
			if ticks > 100*pageStressCount/pageStressRate {
				b.Fatalf("stress still running after %d ticks: %+v", ticks, run.Progress())
			}
			start := time.Now()
			c.Tick()
			d := time.Since(start)
			maxTick = max(maxTick, d)
			for _, e := range c.Events(seq) {
				seq = e.Seq
				if e.Kind == "snapshot-saved" {
					snapTick = max(snapTick, d)
				}
			}
		}
		b.StopTimer()
		if p := run.Progress(); p.OK != pageStressCount {
			b.Fatalf("stress: %+v", p)
		}
		start := time.Now()
		runtime.GC()
		gc := time.Since(start)
		s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/gc/scan/heap:bytes"}}
		metrics.Read(s)
		if path := os.Getenv("PAGE_HEAP_PROFILE"); path != "" {
			writeHeapProfile(b, path)
		}
		b.ReportMetric(float64(maxTick)/1e6, "max-tick-ms")
		b.ReportMetric(float64(snapTick)/1e6, "snap-tick-ms")
		b.ReportMetric(float64(gc)/1e6, "gc-ms")
		b.ReportMetric(float64(s[0].Value.Uint64())/1e6, "live-MB")
		b.ReportMetric(float64(s[1].Value.Uint64())/1e6, "scan-MB")
		b.ReportMetric(float64(ticks), "ticks")
		runtime.KeepAlive(c)
		b.StartTimer()
	}
}

func writeHeapProfile(b *testing.B, path string) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := pprof.WriteHeapProfile(f); err != nil {
		b.Fatal(err)
	}
}
