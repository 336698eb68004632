package cluster

import (
	"testing"
	"time"

	"github.com/etcd-play/etcd-play/node/durable"
)

// BenchmarkReplay replays a recorded 10,000-tick run (seeded random
// faults, client calls, watches, settings and stress runs, on the page's
// storage stack) from its history, and reports the replay's speed in
// ticks per second and the history's size.
//
//	go test ./node/cluster -run '^$' -bench BenchmarkReplay -benchtime 3x
func BenchmarkReplay(b *testing.B) {
	const ticks = 10_000
	cfg := func() Config {
		return Config{Seed: 5, SnapshotCount: 100, CatchUpCount: 50, NewStorage: OnDisk(durable.NewMemory(nil))}
	}
	c := randomHistoryRun(b, cfg(), 5, ticks)
	hist := c.History()
	link, err := EncodeHistoryLink(HistoryFile{Version: HistoryVersion, Members: 5, Seed: 5,
		Settings: DefaultSettings(), End: c.Now(), Actions: hist})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		if _, err := Replay(cfg(), hist, ticks); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(ticks*b.N)/time.Since(start).Seconds(), "ticks/s")
	b.ReportMetric(float64(len(hist)), "actions")
	b.ReportMetric(float64(len(link)), "link-bytes")
}
