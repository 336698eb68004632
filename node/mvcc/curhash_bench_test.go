package mvcc

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkCompactLargeValues is the page's store under its heaviest stress
// (10,000 keys of 4,096-byte values, hash checkpoints every 1,000
// revisions, auto-compaction keeping 1,000 revisions): one op is 1,000
// overwrites, a compaction at the checkpoint 1,000 revisions back, and
// HashKV at the current revision. What a compaction costs the incremental
// hash shows here: rebuilt from every kept value's bytes, it is a crc32 of
// the whole live store (40 MB) per compaction. Besides the time per op it
// reports the longest single put (max-put-ms: a put that reaches a
// checkpoint records its hash) and the longest compaction followed by
// HashKV (max-compact-ms): the page runs each in one piece on its only
// thread, five members in the same tick.
//
//	go test -run '^$' -bench CompactLargeValues -benchmem ./node/mvcc
func BenchmarkCompactLargeValues(b *testing.B) {
	const keys, size, every = 10000, 4096, 1000
	s := New()
	s.SetHashEvery(every)
	value := make([]byte, size)
	key := func(i int) string { return fmt.Sprintf("stress/%05d", i%keys) }
	for i := range keys {
		mustPut(b, s, key(i), string(value))
	}
	if _, err := s.HashKV(0); err != nil {
		b.Fatal(err)
	}
	next := keys
	var maxPut, maxCompact time.Duration
	b.ResetTimer()
	for b.Loop() {
		for range every {
			v := string(value)
			start := time.Now()
			mustPut(b, s, key(next*7919), v)
			maxPut = max(maxPut, time.Since(start))
			next++
		}
		start := time.Now()
		target := (s.Rev() - every) / every * every
		if target > s.CompactRev() {
			if _, err := s.Compact(target); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := s.HashKV(0); err != nil {
			b.Fatal(err)
		}
		maxCompact = max(maxCompact, time.Since(start))
	}
	b.ReportMetric(float64(maxPut)/1e6, "max-put-ms")
	b.ReportMetric(float64(maxCompact)/1e6, "max-compact-ms")
}

// BenchmarkHashKVOlderLargeValues is HashKV at a revision 500 behind the
// current one (what a cluster's status asks of the members ahead of the
// slowest) in the page's largest store: 10,000 keys of 4,096-byte values,
// compacted 1,000 revisions back.
//
//	go test -run '^$' -bench HashKVOlderLargeValues -benchmem ./node/mvcc
func BenchmarkHashKVOlderLargeValues(b *testing.B) {
	const keys, size = 10000, 4096
	s := New()
	value := string(make([]byte, size))
	for i := range keys + 1500 {
		mustPut(b, s, fmt.Sprintf("stress/%05d", i*7919%keys), value)
	}
	if _, err := s.Compact(s.Rev() - 1000); err != nil {
		b.Fatal(err)
	}
	if _, err := s.HashKV(0); err != nil {
		b.Fatal(err)
	}
	for i := 0; b.Loop(); i++ {
		mustPut(b, s, fmt.Sprintf("stress/%05d", i*31%keys), value)
		if _, err := s.HashKV(s.Rev() - 500); err != nil {
			b.Fatal(err)
		}
	}
}
