package mvcc

import (
	"fmt"
	"reflect"
	"testing"

	"go.etcd.io/etcd/api/v3/mvccpb"
)

// evSummary is an event in a comparable form: "PUT k=v@mod" or "DELETE k@mod",
// with "(prev v)" when a PrevKv is attached.
func evSummary(ev Event) string {
	s := ""
	if ev.Type == mvccpb.PUT {
		s = fmt.Sprintf("PUT %s=%s@%d", ev.Kv.Key, ev.Kv.Value, ev.Kv.ModRevision)
	} else {
		s = fmt.Sprintf("DELETE %s@%d", ev.Kv.Key, ev.Kv.ModRevision)
	}
	if ev.PrevKv != nil {
		s += fmt.Sprintf(" (prev %s)", ev.PrevKv.Value)
	}
	return s
}

// drain returns the responses already in the channel, without blocking.
func drain(ws *WatchStream) []WatchResponse {
	var out []WatchResponse
	for {
		select {
		case r, ok := <-ws.Chan():
			if !ok {
				return out
			}
			out = append(out, r)
		default:
			return out
		}
	}
}

func summarizeResps(rs []WatchResponse) []string {
	var out []string
	for _, r := range rs {
		s := fmt.Sprintf("w%d r%d:", r.WatchID, r.Revision)
		for _, ev := range r.Events {
			s += " " + evSummary(ev)
		}
		if r.CompactRevision != 0 || r.Canceled {
			s += fmt.Sprintf(" compacted %d canceled %v", r.CompactRevision, r.Canceled)
		}
		out = append(out, s)
	}
	return out
}

func mustWatch(t *testing.T, ws *WatchStream, r WatchRequest) int64 {
	t.Helper()
	id, err := ws.Watch(r)
	if err != nil {
		t.Fatalf("watch %+v: %v", r, err)
	}
	return id
}

func TestWatchSynced(t *testing.T) {
	s := New()
	ws := s.NewWatchStream(16)
	mustWatch(t, ws, WatchRequest{Key: []byte("a")})                                                  // 0
	mustWatch(t, ws, WatchRequest{Key: []byte("a"), End: []byte("b"), PrevKV: true})                  // 1: prefix a
	mustWatch(t, ws, WatchRequest{Key: []byte("a"), End: []byte{0}, NoPut: true})                     // 2: from a, deletes only
	mustWatch(t, ws, WatchRequest{Key: []byte("b"), NoDelete: true, StartRev: 5})                     // 3: future start
	mustPut(t, s, "a", "1")                                                                           // 2
	mustPut(t, s, "ab", "2")                                                                          // 3
	mustPut(t, s, "b", "early")                                                                       // 4: before w3's start
	if _, err := s.Txn(&TxnRequest{Success: []RequestOp{del("a", "b"), put("b", "3")}}); err != nil { // 5
		t.Fatal(err)
	}
	got := summarizeResps(drain(ws))
	want := []string{
		"w0 r2: PUT a=1@2",
		"w1 r2: PUT a=1@2",
		"w1 r3: PUT ab=2@3",
		"w0 r5: DELETE a@5",
		"w1 r5: DELETE a@5 (prev 1) DELETE ab@5 (prev 2)",
		"w2 r5: DELETE a@5 DELETE ab@5",
		"w3 r5: PUT b=3@5",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("responses\n got %q\nwant %q", got, want)
	}
	if s.SyncWatchers() {
		t.Fatal("SyncWatchers reports work with every watcher synced")
	}
}

func TestWatchHistoryAndCompaction(t *testing.T) {
	s := New()
	mustPut(t, s, "k", "1")   // 2
	mustPut(t, s, "x", "x")   // 3
	mustPut(t, s, "k", "2")   // 4
	mustDelete(t, s, "k", "") // 5
	ws := s.NewWatchStream(16)
	mustWatch(t, ws, WatchRequest{Key: []byte("k"), StartRev: 3, PrevKV: true}) // 0
	if r := drain(ws); len(r) != 0 {
		t.Fatalf("history delivered before SyncWatchers: %v", summarizeResps(r))
	}
	if s.SyncWatchers() {
		t.Fatal("more work after one sync")
	}
	mustPut(t, s, "k", "3") // 6: now synced
	got := summarizeResps(drain(ws))
	want := []string{"w0 r5: PUT k=2@4 (prev 1) DELETE k@5 (prev 2)", "w0 r6: PUT k=3@6"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}

	if _, err := s.Compact(5); err != nil {
		t.Fatal(err)
	}
	id := mustWatch(t, ws, WatchRequest{Key: []byte("k"), StartRev: 4})   // compacted start
	okID := mustWatch(t, ws, WatchRequest{Key: []byte("k"), StartRev: 5}) // the compaction revision is still readable
	s.SyncWatchers()
	got = summarizeResps(drain(ws))
	want = []string{"w1 r0: compacted 5 canceled true", "w2 r6: DELETE k@5 PUT k=3@6"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	// Cancelling the compacted watcher succeeds once, as in etcd.
	if err := ws.Cancel(id); err != nil {
		t.Fatalf("cancel of the compacted watcher: %v", err)
	}
	wantErr(t, ws.Cancel(id), ErrWatcherNotExist)
	if err := ws.Cancel(okID); err != nil {
		t.Fatal(err)
	}
	mustPut(t, s, "k", "4")
	if r := drain(ws); len(r) != 1 || r[0].WatchID != 0 {
		t.Fatalf("after cancel: %v", summarizeResps(r))
	}
}

// A watcher whose channel is full never blocks the writer; SyncWatchers
// later delivers every event once, in order.
func TestWatchSlowWatcherCatchesUp(t *testing.T) {
	s := New()
	ws := s.NewWatchStream(2)
	mustWatch(t, ws, WatchRequest{Key: []byte("k"), End: []byte("l")})
	const n = 2500
	for i := 0; i < n; i++ {
		mustPut(t, s, fmt.Sprintf("k%d", i%7), fmt.Sprint(i))
	}
	var revs []int64
	responses := 0
	for {
		rs := drain(ws)
		responses += len(rs)
		for _, r := range rs {
			for _, ev := range r.Events {
				revs = append(revs, ev.Kv.ModRevision)
			}
		}
		if !s.SyncWatchers() && len(rs) == 0 {
			break
		}
	}
	if len(revs) != n {
		t.Fatalf("got %d events, want %d", len(revs), n)
	}
	for i, r := range revs {
		if r != int64(i)+2 {
			t.Fatalf("event %d has revision %d, want %d", i, r, i+2)
		}
	}
	if responses >= n {
		t.Fatalf("%d responses for %d revisions: catch-up did not batch", responses, n)
	}
	// Synced again: the next write arrives directly.
	mustPut(t, s, "k0", "again")
	if r := drain(ws); len(r) != 1 || r[0].Revision != n+2 {
		t.Fatalf("after catch-up: %v", summarizeResps(r))
	}
}

func TestWatchCatchUpBatchesAtMostMaxRevs(t *testing.T) {
	s := New()
	for i := 0; i < watchBatchMaxRevs+10; i++ {
		mustPut(t, s, "k", "v")
	}
	ws := s.NewWatchStream(8)
	mustWatch(t, ws, WatchRequest{Key: []byte("k"), StartRev: 1})
	if !s.SyncWatchers() {
		t.Fatal("first sync should leave work")
	}
	if s.SyncWatchers() {
		t.Fatal("second sync should finish")
	}
	rs := drain(ws)
	if len(rs) != 2 || len(rs[0].Events) != watchBatchMaxRevs || len(rs[1].Events) != 10 {
		t.Fatalf("batches: %d responses", len(rs))
	}
}

func TestWatchErrorsAndClose(t *testing.T) {
	s := New()
	ws := s.NewWatchStream(0)
	_, err := ws.Watch(WatchRequest{Key: []byte("b"), End: []byte("a")})
	wantErr(t, err, ErrEmptyWatcherRange)
	_, err = ws.Watch(WatchRequest{Key: []byte("b"), StartRev: -1})
	wantErr(t, err, ErrCompacted)
	wantErr(t, ws.Cancel(7), ErrWatcherNotExist)
	mustWatch(t, ws, WatchRequest{Key: []byte("a")})
	ws.Close()
	ws.Close()
	if _, ok := <-ws.Chan(); ok {
		t.Fatal("channel open after Close")
	}
	_, err = ws.Watch(WatchRequest{Key: []byte("a")})
	wantErr(t, err, ErrWatchStreamClosed)
	mustPut(t, s, "a", "1") // must not send on the closed channel
}

// Catch-up reads a bounded number of stored revisions per SyncWatchers
// call, even when they hold no event for the watcher.
func TestSyncWatchersBoundsScanning(t *testing.T) {
	s := New()
	for i := 0; i < maxScanPerSync+100; i++ {
		mustPut(t, s, "other", "v")
	}
	mustPut(t, s, "k", "1")
	ws := s.NewWatchStream(8)
	mustWatch(t, ws, WatchRequest{Key: []byte("k"), StartRev: 2})
	if !s.SyncWatchers() {
		t.Fatal("one call scanned the whole backlog")
	}
	if r := drain(ws); len(r) != 0 {
		t.Fatalf("unexpected responses %v", summarizeResps(r))
	}
	if s.SyncWatchers() {
		t.Fatal("second call should finish")
	}
	if got := summarizeResps(drain(ws)); !reflect.DeepEqual(got, []string{fmt.Sprintf("w0 r%d: PUT k=1@%d", s.Rev(), s.Rev())}) {
		t.Fatalf("got %q", got)
	}
}

// State follows a watcher from unsynced (a start revision in the past)
// through victim (its channel full) to synced, and is "" once cancelled.
func TestWatchState(t *testing.T) {
	s := New()
	for i := range 5 {
		mustPut(t, s, "a", fmt.Sprint(i))
	}
	ws := s.NewWatchStream(1)
	id, err := ws.Watch(WatchRequest{Key: []byte("a"), StartRev: 2})
	if err != nil {
		t.Fatal(err)
	}
	if st := ws.State(id); st != WatchUnsynced {
		t.Fatalf("a watch from the past is %q, want unsynced", st)
	}
	s.SyncWatchers() // one response fills the channel of 1
	mustPut(t, s, "a", "more")
	if st := ws.State(id); st != WatchVictim {
		t.Fatalf("with its channel full after a write, %q, want victim", st)
	}
	<-ws.Chan()
	s.SyncWatchers()
	if st := ws.State(id); st != WatchSynced {
		t.Fatalf("after its channel drained and a sync, %q, want synced", st)
	}
	ws.Cancel(id)
	if st := ws.State(id); st != "" {
		t.Fatalf("cancelled, %q, want \"\"", st)
	}
}
