//go:build !js

package mvcc

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
)

// The differential test: seeded random operation sequences run against our
// Store and against etcd's own storage/mvcc (oracle_etcd_test.go); every
// answer must be identical (oracle_render_test.go says what is compared).
// A run stops at its first mismatch and prints the command that replays it.
//
//	go test ./node/mvcc -run 'TestOracle$'                      # 100,000 ops
//	go test ./node/mvcc -run 'TestOracle$' -oracle.ops=1000000  # or ORACLE_OPS=1000000
//	go test ./node/mvcc -run 'TestOracle$' -oracle.seed=7 -v    # one seed
var (
	flagOracleOps     = flag.Int("oracle.ops", 0, "operations in TestOracle over all seeds (default 100000, or $ORACLE_OPS)")
	flagOracleSeed    = flag.Int64("oracle.seed", 0, "run only this seed")
	flagOracleSeedOps = flag.Int("oracle.seedops", 2000, "operations per seed")
	flagOracleTrace   = flag.Bool("oracle.trace", false, "print every operation and etcd's answer to stderr")
	flagOracleSelf    = flag.Bool("oracle.self", false, "compare etcd with etcd (checks that the harness itself is deterministic)")
)

const defaultOracleOps = 100_000

func oracleOps(t *testing.T) int {
	if *flagOracleOps > 0 {
		return *flagOracleOps
	}
	if s := os.Getenv("ORACLE_OPS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			t.Fatalf("ORACLE_OPS=%q: want a positive number", s)
		}
		return n
	}
	return defaultOracleOps
}

func TestOracle(t *testing.T) {
	perSeed := *flagOracleSeedOps
	var seeds []int64
	if *flagOracleSeed != 0 {
		seeds = []int64{*flagOracleSeed}
	} else {
		n := (oracleOps(t) + perSeed - 1) / perSeed
		for s := int64(1); s <= int64(n); s++ {
			seeds = append(seeds, s)
		}
	}
	start := time.Now()
	var total atomic.Int64
	// Seeds run on a few goroutines: much of a run waits for etcd's
	// 100 ms watcher catch-up, not for a CPU.
	work := make(chan int64)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seed := range work {
				t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
					runOracle(t, seed, perSeed, &total)
				})
			}
		}()
	}
	for _, s := range seeds {
		work <- s
	}
	close(work)
	wg.Wait()
	t.Logf("%d operations over %d seeds in %v", total.Load(), len(seeds), time.Since(start).Round(time.Millisecond))
}

// oracleRun is one seeded run: the generator, the two systems and the
// bookkeeping for watchers.
type oracleRun struct {
	g       *gen
	perSeed int
	ours    system
	etcd    system

	streams  int    // open on each system
	watchers []bool // by watcher number: live (neither canceled nor failed)
}

func runOracle(t *testing.T, seed int64, perSeed int, ops *atomic.Int64) {
	r := &oracleRun{g: newGen(seed), perSeed: perSeed, etcd: newEtcdSystem(t)}
	if *flagOracleSelf {
		r.ours = newEtcdSystem(t)
	} else {
		r.ours = newOurSystem()
	}
	defer r.etcd.Close()
	defer r.ours.Close()
	for r.g.op = 0; r.g.op < perSeed; r.g.op++ {
		r.g.rev, r.g.compactRev, _ = r.etcd.Stats()
		if err := r.step(); err != nil {
			t.Fatal(r.mismatch(err))
		}
		ops.Add(1)
	}
	if err := r.drain(); err != nil {
		t.Fatal(r.mismatch(err))
	}
}

// TestOracleCancelCompactedWatcher keeps the first mismatch TestOracle
// found, reduced: a watcher whose start revision is compacted gets the
// compaction response, then the client cancels it; etcd's first Cancel
// succeeds.
func TestOracleCancelCompactedWatcher(t *testing.T) {
	etcd, ours := newEtcdSystem(t), newOurSystem()
	defer etcd.Close()
	defer ours.Close()
	for _, s := range []system{etcd, ours} {
		for _, v := range []string{"1", "2"} {
			if _, err := s.Put(&PutRequest{Key: []byte("k"), Value: []byte(v)}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.Compact(3); err != nil {
			t.Fatal(err)
		}
	}
	var results [2]string
	for i, s := range []system{etcd, ours} {
		s.NewStream(0, 8)
		if err := s.Watch(0, 0, WatchRequest{Key: []byte("k"), StartRev: 2}); err != nil {
			t.Fatal(err)
		}
		if err := s.Drain(); err != nil {
			t.Fatal(err)
		}
		results[i] = fmt.Sprintf("%v cancel: %s", s.Records(0), renderWatchErr(s.Cancel(0)))
	}
	if results[0] != results[1] {
		t.Errorf("etcd: %s\nours: %s", results[0], results[1])
	}
}

// mismatchError is a difference between the systems' answers.
type mismatchError struct{ what, op, etcd, ours string }

func (m *mismatchError) Error() string {
	return fmt.Sprintf("%s\n  request: %s\n  etcd:    %s\n  ours:    %s", m.what, m.op, m.etcd, m.ours)
}

func (r *oracleRun) mismatch(err error) string {
	return fmt.Sprintf("oracle mismatch: seed=%d op=%d\n%v\nreplay: go test ./node/mvcc -run 'TestOracle$' -oracle.seed=%d -oracle.seedops=%d",
		r.g.seed, r.g.op, err, r.g.seed, r.perSeed)
}

// same compares two renderings; describe renders the request, only when
// needed (a request can hold a 1.5 MiB value).
func same(what string, describe func() string, etcd, ours string) error {
	if *flagOracleTrace {
		fmt.Fprintf(os.Stderr, "%s %.300s\n\t-> %.300s\n", what, describe(), etcd)
	}
	if etcd == ours {
		return nil
	}
	op := describe()
	const max = 4000
	if len(op) > max {
		op = op[:max] + "..."
	}
	return &mismatchError{what: what, op: op, etcd: etcd, ours: ours}
}

func text(s string) func() string { return func() string { return s } }

// step draws one operation, runs it on both systems and compares. The mix,
// per thousand: put 330, delete 70, range 200, txn 200 (1% of them near
// MaxTxnOps), compact 20, HashKV 30, lease grant 30, revoke 15,
// time-to-live 10, lease list 10, counters 10, snapshot+restore 7, watch 28,
// cancel 10, drain-and-compare-watchers 30.
func (r *oracleRun) step() error {
	g := r.g
	x := g.rng.Intn(1000)
	switch {
	case x < 330:
		return r.put()
	case x < 400:
		q := g.deleteReq()
		a, err := r.etcd.DeleteRange(q)
		b, err2 := r.ours.DeleteRange(q)
		return same("delete", pbDelete(q).String, renderDelete(a, err), renderDelete(b, err2))
	case x < 600 && g.op < g.holdUntil:
		return r.put()
	case x < 600:
		q := g.rangeReq(true)
		a, err := r.etcd.Range(q)
		b, err2 := r.ours.Range(q)
		return same("range", pbRange(q).String, renderRange(a, err), renderRange(b, err2))
	case x < 800:
		q := g.txnReq(2, map[string]bool{})
		if g.chance(0.01) {
			q = g.wideTxn()
		}
		a, err := r.etcd.Txn(q)
		b, err2 := r.ours.Txn(q)
		if err == nil {
			g.noteTxn(q, a)
		}
		return same("txn", pbTxn(q).String, renderTxn(a, err), renderTxn(b, err2))
	case x < 820 && g.op < g.holdUntil:
		return r.put()
	case x < 820:
		// Compaction drops history; etcd's watchers catch up concurrently,
		// so settle them first to keep the run deterministic.
		if err := r.drain(); err != nil {
			return err
		}
		rev := g.compactRevision()
		a, err := r.etcd.Compact(rev)
		b, err2 := r.ours.Compact(rev)
		if err == nil {
			g.compactions = append(g.compactions, rev)
		}
		return same("compact", text(fmt.Sprint(rev)), renderCompact(a, err), renderCompact(b, err2))
	case x < 850:
		rev := g.hashRevision()
		a, err := r.etcd.HashKV(rev)
		b, err2 := r.ours.HashKV(rev)
		return same("hashkv", text(fmt.Sprint(rev)), renderHash(a, err), renderHash(b, err2))
	case x < 880:
		q := g.grantReq()
		a, err := r.etcd.LeaseGrant(q)
		b, err2 := r.ours.LeaseGrant(q)
		if err == nil {
			g.leases = append(g.leases, q.ID)
		}
		return same("lease grant", text(fmt.Sprintf("%+v", *q)), renderGrant(a, err), renderGrant(b, err2))
	case x < 895:
		id := g.leaseID()
		a, err := r.etcd.LeaseRevoke(id)
		b, err2 := r.ours.LeaseRevoke(id)
		return same("lease revoke", text(fmt.Sprint(id)), renderRevoke(a, err), renderRevoke(b, err2))
	case x < 905:
		id, keys := g.leaseID(), g.chance(0.7)
		a, err := r.etcd.LeaseTimeToLive(id, keys)
		b, err2 := r.ours.LeaseTimeToLive(id, keys)
		return same("lease timetolive", text(fmt.Sprintf("id=%d keys=%v", id, keys)), renderTTL(a, err), renderTTL(b, err2))
	case x < 915:
		return same("leases", text(""), renderLeases(r.etcd.Leases()), renderLeases(r.ours.Leases()))
	case x < 925:
		return same("stats", text(""), renderCounters(r.etcd), renderCounters(r.ours))
	case x < 932:
		return r.restore()
	case x < 960:
		return r.watch()
	case x < 970:
		return r.cancel()
	default:
		return r.drain()
	}
}

func (r *oracleRun) put() error {
	q := r.g.putReq(nil, true)
	a, err := r.etcd.Put(q)
	b, err2 := r.ours.Put(q)
	return same("put", pbPut(q).String, renderPut(a, err), renderPut(b, err2))
}

// restore replaces our store with one restored from its snapshot, after
// holding the copy to etcd on a battery of reads: every key at a sample of
// revisions from the compaction revision on, HashKV, every lease and the
// counters. Watch streams end first on both sides: watchers are not part of
// a snapshot.
func (r *oracleRun) restore() error {
	s, ok := r.ours.(interface{ restored() (system, error) })
	if !ok {
		return nil
	}
	if err := r.drain(); err != nil {
		return err
	}
	r.etcd.CloseStreams()
	r.ours.CloseStreams()
	r.streams = 0
	clear(r.watchers)
	restored, err := s.restored()
	if err != nil {
		return same("snapshot and restore", text(""), "ok", renderErr(err))
	}
	g := r.g
	revs := []int64{0, g.compactRev}
	for range 6 {
		lo := max(1, g.compactRev)
		revs = append(revs, lo+g.rng.Int63n(g.rev-lo+1))
	}
	for _, rev := range revs {
		q := &RangeRequest{Key: []byte{0}, End: []byte{0}, Rev: rev}
		a, err := r.etcd.Range(q)
		b, err2 := restored.Range(q)
		if err := same("range after restore", pbRange(q).String, renderRange(a, err), renderRange(b, err2)); err != nil {
			return err
		}
	}
	h, err := r.etcd.HashKV(0)
	h2, err2 := restored.HashKV(0)
	if err := same("hashkv after restore", text("0"), renderHash(h, err), renderHash(h2, err2)); err != nil {
		return err
	}
	for _, id := range g.leases {
		a, err := r.etcd.LeaseTimeToLive(id, true)
		b, err2 := restored.LeaseTimeToLive(id, true)
		if err := same("lease timetolive after restore", text(fmt.Sprint(id)), renderTTL(a, err), renderTTL(b, err2)); err != nil {
			return err
		}
	}
	if err := same("leases after restore", text(""), renderLeases(r.etcd.Leases()), renderLeases(restored.Leases())); err != nil {
		return err
	}
	if err := same("stats after restore", text(""), renderCounters(r.etcd), renderCounters(restored)); err != nil {
		return err
	}
	r.ours.Close()
	r.ours = restored
	return nil
}

// watch creates a watcher (and sometimes a stream) on both systems.
func (r *oracleRun) watch() error {
	g := r.g
	live := 0
	for _, l := range r.watchers {
		if l {
			live++
		}
	}
	if live >= 24 {
		return r.cancel()
	}
	if r.streams == 0 || (r.streams < 3 && g.chance(0.1)) {
		buf := []int{1, 8, 256}[g.rng.Intn(3)]
		r.etcd.NewStream(r.streams, buf)
		r.ours.NewStream(r.streams, buf)
		r.streams++
	}
	stream := g.rng.Intn(r.streams)
	w := len(r.watchers)
	q := g.watchReq()
	err := r.etcd.Watch(stream, w, q)
	err2 := r.ours.Watch(stream, w, q)
	r.watchers = append(r.watchers, err == nil && err2 == nil)
	desc := fmt.Sprintf("watcher %d on stream %d: %s start=%d prevkv=%v noput=%v nodelete=%v",
		w, stream, (&pb.RangeRequest{Key: q.Key, RangeEnd: q.End}).String(), q.StartRev, q.PrevKV, q.NoPut, q.NoDelete)
	return same("watch", text(desc), renderWatchErr(err), renderWatchErr(err2))
}

// cancel settles every watcher, then cancels one (rarely one already gone).
func (r *oracleRun) cancel() error {
	if len(r.watchers) == 0 {
		return nil
	}
	if err := r.drain(); err != nil {
		return err
	}
	w := r.g.rng.Intn(len(r.watchers))
	if !r.watchers[w] && !r.g.chance(0.05) {
		return nil
	}
	recs := r.etcd.Records(w)
	desc := fmt.Sprintf("watcher %d (%d records so far, last: %s)", w, len(recs), strings.Join(recs[max(0, len(recs)-1):], ""))
	err := r.etcd.Cancel(w)
	err2 := r.ours.Cancel(w)
	r.watchers[w] = false
	return same("cancel", text(desc), renderWatchErr(err), renderWatchErr(err2))
}

// drain brings every watcher of both systems up to the current revision
// and compares each watcher's records.
func (r *oracleRun) drain() error {
	if err := r.etcd.Drain(); err != nil {
		return fmt.Errorf("oracle harness: %w", err)
	}
	if err := r.ours.Drain(); err != nil {
		return same("watch drain", text(""), "drained", err.Error())
	}
	for w := range r.watchers {
		a, b := r.etcd.Records(w), r.ours.Records(w)
		if err := sameRecords(w, a, b); err != nil {
			return err
		}
	}
	return nil
}

func sameRecords(w int, etcd, ours []string) error {
	for i := 0; i < max(len(etcd), len(ours)); i++ {
		var a, b string = "(none)", "(none)"
		if i < len(etcd) {
			a = etcd[i]
		}
		if i < len(ours) {
			b = ours[i]
		}
		if a != b {
			return same("watch events", text(fmt.Sprintf("watcher %d, record %d of %d (etcd) / %d (ours); before it: %s",
				w, i, len(etcd), len(ours), strings.Join(etcd[max(0, i-2):i], " | "))), a, b)
		}
	}
	return nil
}

// TestOracleEnumsMatchEtcd pins the conversion of this package's enums to
// etcd's, which the oracle does by value.
func TestOracleEnumsMatchEtcd(t *testing.T) {
	pairs := []struct {
		ours, etcd int32
		name       string
	}{
		{int32(SortNone), int32(pb.RangeRequest_NONE), "SortNone"},
		{int32(SortAscend), int32(pb.RangeRequest_ASCEND), "SortAscend"},
		{int32(SortDescend), int32(pb.RangeRequest_DESCEND), "SortDescend"},
		{int32(SortByKey), int32(pb.RangeRequest_KEY), "SortByKey"},
		{int32(SortByVersion), int32(pb.RangeRequest_VERSION), "SortByVersion"},
		{int32(SortByCreate), int32(pb.RangeRequest_CREATE), "SortByCreate"},
		{int32(SortByMod), int32(pb.RangeRequest_MOD), "SortByMod"},
		{int32(SortByValue), int32(pb.RangeRequest_VALUE), "SortByValue"},
		{int32(CompareVersion), int32(pb.Compare_VERSION), "CompareVersion"},
		{int32(CompareCreate), int32(pb.Compare_CREATE), "CompareCreate"},
		{int32(CompareMod), int32(pb.Compare_MOD), "CompareMod"},
		{int32(CompareValue), int32(pb.Compare_VALUE), "CompareValue"},
		{int32(CompareLease), int32(pb.Compare_LEASE), "CompareLease"},
		{int32(CompareEqual), int32(pb.Compare_EQUAL), "CompareEqual"},
		{int32(CompareGreater), int32(pb.Compare_GREATER), "CompareGreater"},
		{int32(CompareLess), int32(pb.Compare_LESS), "CompareLess"},
		{int32(CompareNotEqual), int32(pb.Compare_NOT_EQUAL), "CompareNotEqual"},
	}
	for _, p := range pairs {
		if p.ours != p.etcd {
			t.Errorf("%s = %d, etcd's = %d", p.name, p.ours, p.etcd)
		}
	}
}

// TestOracleProposalSizeLimit keeps the second mismatch TestOracle found:
// plain puts sized around etcd's request limit, held to etcd. Sizes are of
// the raft proposal before etcd adds its request header: up to
// MaxRequestBytes minus the largest header every etcd accepts; above
// MaxRequestBytes minus the smallest, every etcd refuses.
func TestOracleProposalSizeLimit(t *testing.T) {
	etcd, ours := newEtcdSystem(t), newOurSystem()
	defer etcd.Close()
	defer ours.Close()
	sizes := []int{
		MaxRequestBytes - maxProposalHeaderBytes - 100,
		MaxRequestBytes - maxProposalHeaderBytes,
		MaxRequestBytes - minProposalHeaderBytes + 1,
		MaxRequestBytes - 5,
		MaxRequestBytes,
		MaxRequestBytes + 1,
	}
	for _, size := range sizes {
		q := &PutRequest{Key: []byte("k")}
		q.Value = valueForRaftSize(q, size)
		a, err := etcd.Put(q)
		b, err2 := ours.Put(q)
		if e, o := renderPut(a, err), renderPut(b, err2); e != o {
			t.Errorf("put with a %d-byte proposal (limit %d):\netcd: %s\nours: %s", size, MaxRequestBytes, e, o)
		}
	}
}
