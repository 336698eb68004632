package cluster

import (
	"testing"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// Under a stress load with auto-compaction (the page's shape, scaled down),
// a lagging follower (its inbound link delayed) and one member whose data
// were made to diverge at a known revision, every Status after the first
// compaction compares the live members at a revision each answers HashKV
// without scanning its store (mvcc.Store.HashCachedAt), and its hashes
// agree exactly where the data agree: all equal at or below the divergence,
// the diverged member apart above it.
func TestStatusHashesWithoutScanUnderCompaction(t *testing.T) {
	const keep, every, k = 200, 4, 100
	c := newTestCluster(t, Config{Seed: 7, AutoCompactionRetention: keep, AutoCompactionTicks: every, HashCheckpointEvery: k})
	l := waitLeader(t, c, 200)
	lag := follower(t, c, l)
	odd := follower(t, c, l, lag)
	c.SetDelay(l, lag, 3)

	// Two stress runs. Between them the cluster settles at one revision
	// and every store takes one direct write (no raft), a different value
	// on odd: from there on the stores hold the same history but for that
	// revision, and raft keeps their revisions aligned.
	var checked, below, apart, mixedRev, mixedCompact int
	diverged := int64(1 << 62)
	for phase := range 2 {
		if phase == 1 {
			st := converge(t, c, 500)
			diverged = st[0].Revision + 1
			for _, id := range c.ids {
				v := "same"
				if id == odd {
					v = "different"
				}
				if _, err := c.members[id].Store().Put(&mvcc.PutRequest{Key: []byte("x"), Value: []byte(v)}); err != nil {
					t.Fatal(err)
				}
			}
		}
		run := c.Stress(StressConfig{Rate: 40, Count: 2000, Keys: 300, ValueSize: 64})
		for tick := 0; tick < 1000 && run.Progress().Running; tick++ {
			c.Tick()
			st := c.Status()
			compacted := false
			var lowRev, highRev, lowCR, highCR int64
			for i, s := range st {
				if s.State == "down" || s.State == "loading" {
					t.Fatalf("tick %d: member %d is %s\n%s", tick, s.ID, s.State, dump(c))
				}
				compacted = compacted || s.CompactRevision > 0
				if i == 0 {
					lowRev, highRev, lowCR, highCR = s.Revision, s.Revision, s.CompactRevision, s.CompactRevision
				}
				lowRev, highRev = min(lowRev, s.Revision), max(highRev, s.Revision)
				lowCR, highCR = min(lowCR, s.CompactRevision), max(highCR, s.CompactRevision)
			}
			if !compacted {
				continue
			}
			checked++
			if lowRev != highRev {
				mixedRev++
			}
			if lowCR != highCR {
				mixedCompact++
			}
			rev := st[0].HashRevision
			var want uint32 // the hash of the members that did not diverge
			for _, s := range st {
				if s.HashRevision != rev {
					t.Fatalf("tick %d: member %d hashed at %d, member %d at %d", tick, s.ID, s.HashRevision, st[0].ID, rev)
				}
				if !c.members[s.ID].Store().HashCachedAt(rev) {
					t.Fatalf("phase %d tick %d: member %d (revision %d, compacted %d) scans for HashKV(%d)\n%s",
						phase, tick, s.ID, s.Revision, s.CompactRevision, rev, dump(c))
				}
				if s.Hash == 0 {
					t.Fatalf("tick %d: member %d has no hash at %d\n%s", tick, s.ID, rev, dump(c))
				}
				if s.ID != odd {
					if want != 0 && s.Hash != want {
						t.Fatalf("phase %d tick %d: members with equal data differ at %d\n%s", phase, tick, rev, dump(c))
					}
					want = s.Hash
				}
			}
			for _, s := range st {
				if s.ID == odd && (s.Hash != want) != (rev >= diverged) {
					t.Fatalf("phase %d tick %d: at %d (divergence at %d) member %d's hash %08x, the others' %08x\n%s",
						phase, tick, rev, diverged, odd, s.Hash, want, dump(c))
				}
			}
			if rev >= diverged {
				apart++
			} else {
				below++
			}
		}
		if p := run.Progress(); p.Running || p.Failed > 0 {
			t.Fatalf("stress run %d: %+v", phase, p)
		}
	}
	// The run exercised what it is about: many compactions, members at
	// different revisions and under different compaction revisions.
	if n := len(eventsOf(c, "compaction")); n < 10 || checked == 0 || below == 0 || apart == 0 || mixedRev == 0 || mixedCompact == 0 {
		t.Fatalf("%d compactions, %d statuses checked (%d below the divergence, %d above), %d with mixed revisions, %d with mixed compaction revisions",
			n, checked, below, apart, mixedRev, mixedCompact)
	}
	t.Logf("%d compactions, %d statuses checked (%d below the divergence, %d above), %d with mixed revisions, %d with mixed compaction revisions",
		len(eventsOf(c, "compaction")), checked, below, apart, mixedRev, mixedCompact)
}

// The first Status after an auto-compaction under the page's largest
// stress (100 puts per tick over 10,000 keys, 4 KiB values, the page's
// retention, compaction interval and hash checkpoints), with the members at
// different revisions. Each iteration forgets the hashes Status remembered
// (c.hashes), as the first Status after a compaction finds none. The
// scans/op metric counts the live members that cannot answer HashKV at the
// chosen revision without scanning their stores. Run with
//
//	go test -run '^$' -bench StatusAfterCompaction ./node/cluster
//	PATH=$PATH:$(go env GOROOT)/lib/wasm GOOS=js GOARCH=wasm go test -run '^$' -bench StatusAfterCompaction ./node/cluster
func BenchmarkStatusAfterCompaction(b *testing.B) {
	const keys, size, rate = 10000, 4096, 100
	c := newTestCluster(b, Config{Seed: 1, AutoCompactionRetention: 1000, AutoCompactionTicks: 20, HashCheckpointEvery: 1000})
	waitLeader(b, c, 200)
	// Fill every key once, then overwrite at random until a compaction has
	// been applied by every member while they are at different revisions.
	c.Stress(StressConfig{Rate: rate, Count: keys, Sequential: true, ValueSize: size})
	c.Stress(StressConfig{Rate: rate, Count: 1 << 30, Keys: keys, ValueSize: size})
	// Compacted past the fill: the history holds overwrites only.
	tickUntil(b, c, 2*keys/rate, "the keys filled and compacted", func() bool { return c.Inspect()[0].CompactRevision >= keys })
	before := c.Inspect()[0].CompactRevision
	tickUntil(b, c, 1000, "just after a compaction, with members apart", func() bool {
		st := c.Inspect()
		low, high := st[0].Revision, st[0].Revision
		for _, s := range st {
			if !s.Up || s.CompactRevision == before || s.CompactRevision != st[0].CompactRevision {
				return false
			}
			low, high = min(low, s.Revision), max(high, s.Revision)
		}
		return low != high
	})
	var st []MemberStatus
	for b.Loop() {
		c.hashes = nil
		st = c.Status()
	}
	scans := 0
	low, high := st[0].Revision, st[0].Revision
	for _, s := range st {
		if !c.members[s.ID].Store().HashCachedAt(s.HashRevision) {
			scans++
		}
		low, high = min(low, s.Revision), max(high, s.Revision)
	}
	b.ReportMetric(float64(scans), "scans/op")
	b.Logf("hash revision %d, compaction revision %d, member revisions %d..%d", st[0].HashRevision, st[0].CompactRevision, low, high)
}
