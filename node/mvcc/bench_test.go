package mvcc

import (
	"encoding/binary"
	"fmt"
	"math/rand"
	"runtime"
	"testing"
)

// Benchmark workload shared with the oracle's BenchmarkEtcdPut: 8-byte
// keys ("k" + 7 decimal digits) drawn round-robin from benchKeySpace keys,
// 256-byte values.
const (
	benchKeySpace = 10000
	benchValueLen = 256
)

func benchKey(i int) []byte { return []byte(fmt.Sprintf("k%07d", i)) }

func benchValue() []byte {
	v := make([]byte, benchValueLen)
	for i := range v {
		v[i] = byte('a' + i%26)
	}
	return v
}

func benchKeys(n int) [][]byte {
	keys := make([][]byte, n)
	for i := range keys {
		keys[i] = benchKey(i)
	}
	return keys
}

func BenchmarkPut(b *testing.B) {
	s := New()
	keys, val := benchKeys(benchKeySpace), benchValue()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Put(&PutRequest{Key: keys[i%benchKeySpace], Value: val}); err != nil {
			b.Fatal(err)
		}
	}
}

// fill returns a store holding n keys (one revision each).
func fill(b *testing.B, n int) *Store {
	b.Helper()
	s := New()
	val := benchValue()
	for i := 0; i < n; i++ {
		if _, err := s.Put(&PutRequest{Key: benchKey(i), Value: val}); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

func BenchmarkRangeOneKey(b *testing.B) {
	s := fill(b, 100000)
	key := benchKey(4242)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := s.Range(&RangeRequest{Key: key})
		if err != nil || len(r.KVs) != 1 {
			b.Fatal(err)
		}
	}
}

// BenchmarkRangePrefix1000 reads a 1,000-key prefix out of 100,000 keys.
func BenchmarkRangePrefix1000(b *testing.B) {
	s := fill(b, 100000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := s.Range(&RangeRequest{Key: []byte("k0042"), End: []byte("k0043")})
		if err != nil || len(r.KVs) != 1000 {
			b.Fatalf("%v, %d kvs", err, len(r.KVs))
		}
	}
}

// BenchmarkHashKV100k hashes a 100,000-key store at the revision before
// the current one: a full scan (HashKV at the current revision is
// incremental: BenchmarkHashKVCurrent100k).
func BenchmarkHashKV100k(b *testing.B) {
	s := fill(b, 100000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.HashKV(s.Rev() - 1); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSnapshot100k(b *testing.B) {
	s := fill(b, 100000)
	b.ReportAllocs()
	b.ResetTimer()
	var n int
	for i := 0; i < b.N; i++ {
		snap, err := s.Snapshot()
		if err != nil {
			b.Fatal(err)
		}
		n = len(snap)
	}
	b.ReportMetric(float64(n), "snapshot-bytes")
}

func BenchmarkRestore100k(b *testing.B) {
	snap, err := fill(b, 100000).Snapshot()
	if err != nil {
		b.Fatal(err)
	}
	benchRestore(b, snap)
}

// BenchmarkRestore100kShuffled restores 100,000 keys written in random key
// order (as a real store's revisions are; BenchmarkRestore100k writes
// them in key order), after a compaction at the last revision.
func BenchmarkRestore100kShuffled(b *testing.B) {
	const n = 100000
	s := New()
	val := benchValue()
	for _, i := range rand.New(rand.NewSource(1)).Perm(n) {
		if _, err := s.Put(&PutRequest{Key: benchKey(i), Value: val}); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := s.Compact(s.Rev()); err != nil {
		b.Fatal(err)
	}
	snap, err := s.Snapshot()
	if err != nil {
		b.Fatal(err)
	}
	benchRestore(b, snap)
}

// BenchmarkMemoryPerRevision measures the live heap per stored revision for
// 8-byte keys and 256-byte values (raw key+value: 264 bytes), as
// HeapAlloc after minus before inserting memRevisions revisions, both after
// a GC. "unique" makes every revision a new key; "overwrite" spreads the
// revisions over 1,000 keys (100 revisions each).
func BenchmarkMemoryPerRevision(b *testing.B) {
	const memRevisions = 100000
	for _, keys := range []int{memRevisions, 1000} {
		name := "unique"
		if keys != memRevisions {
			name = "overwrite"
		}
		b.Run(name, func(b *testing.B) {
			var perRev float64
			for i := 0; i < b.N; i++ {
				perRev = measureStoreHeap(b, memRevisions, keys)
			}
			b.ReportMetric(perRev, "B/rev")
			b.ReportMetric(perRev/float64(8+benchValueLen), "x-raw")
		})
	}
}

func measureStoreHeap(b *testing.B, revisions, keys int) float64 {
	b.Helper()
	keyBufs := make([][]byte, keys)
	for i := range keyBufs {
		keyBufs[i] = binary.BigEndian.AppendUint64(nil, uint64(i)) // 8 bytes
	}
	val := benchValue()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	s := New()
	for i := 0; i < revisions; i++ {
		if _, err := s.Put(&PutRequest{Key: keyBufs[i%keys], Value: val}); err != nil {
			b.Fatal(err)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if st := s.Stats(); st.Revisions != revisions {
		b.Fatalf("%d revisions stored", st.Revisions)
	}
	runtime.KeepAlive(s)
	return float64(after.HeapAlloc-before.HeapAlloc) / float64(revisions)
}

// BenchmarkHashKVCurrent100k is the member's status path: 100,000 keys,
// compacted at their last put (so the hash covers a compacted prefix),
// then per iteration one put overwriting one of those keys (a new
// revision, superseding an entry of the prefix) and HashKV at the current
// revision.
func BenchmarkHashKVCurrent100k(b *testing.B) {
	const n = 100000
	s := fill(b, n)
	if _, err := s.Compact(s.Rev()); err != nil {
		b.Fatal(err)
	}
	if _, err := s.HashKV(0); err != nil { // first call after compaction hashes the prefix
		b.Fatal(err)
	}
	keys, val := benchKeys(n), benchValue()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Put(&PutRequest{Key: keys[i*7919%n], Value: val}); err != nil {
			b.Fatal(err)
		}
		if _, err := s.HashKV(0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSnapshotView100k takes a point-in-time view of a 100,000-key
// store (1,000 leases), then writes one key so the next view is of a
// changed store. Encoding the view costs what BenchmarkSnapshot100k does.
func BenchmarkSnapshotView100k(b *testing.B) {
	s := fill(b, 100000)
	for id := int64(1); id <= 1000; id++ {
		if _, err := s.LeaseGrant(&LeaseGrantRequest{ID: id, TTL: 60}); err != nil {
			b.Fatal(err)
		}
	}
	keys, val := benchKeys(benchKeySpace), benchValue()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if v := s.SnapshotView(); v.Rev() != s.Rev() {
			b.Fatal("view of another revision")
		}
		if _, err := s.Put(&PutRequest{Key: keys[i%benchKeySpace], Value: val, Lease: int64(i%1000 + 1)}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompact100k is a steady compaction: per iteration 1,000 of
// 100,000 keys (256-byte values) are overwritten, then the store is
// compacted at the current revision (which drops the 1,000 old revisions,
// keeps 100,000, and hashes them).
func BenchmarkCompact100k(b *testing.B) {
	const n = 100000
	s := fill(b, n)
	keys, val := benchKeys(n), benchValue()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		for j := 0; j < 1000; j++ {
			if _, err := s.Put(&PutRequest{Key: keys[(i*1000+j)*7919%n], Value: val}); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		if _, err := s.Compact(s.Rev()); err != nil {
			b.Fatal(err)
		}
	}
}

// benchRestore times Restore of snap.
func benchRestore(b *testing.B, snap []byte) {
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Restore(snap); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPutCompactCluster is one member's store under the cluster
// benchmark's workload (node/cluster, BenchmarkClusterPut*): 16-byte values
// over 10,000 keys ("k%08d"), applied with PutBatch and no responses as a
// follower does (here one put per batch), and
// a compaction at the current revision every 10,000 puts. Per op: one put
// and a 1/10,000 share of a compaction.
func BenchmarkPutCompactCluster(b *testing.B) {
	const keys, every = 10000, 10000
	s := New()
	reqs := make([]PutRequest, keys)
	for i := range reqs {
		reqs[i] = PutRequest{Key: fmt.Appendf(nil, "k%08d", i), Value: make([]byte, 16)}
	}
	errs := make([]error, 1)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 1; i <= b.N; i++ {
		s.PutBatch(reqs[i%keys:i%keys+1], nil, errs)
		if errs[0] != nil {
			b.Fatal(errs[0])
		}
		if i%every == 0 {
			if _, err := s.Compact(s.Rev()); err != nil {
				b.Fatal(err)
			}
		}
	}
}
