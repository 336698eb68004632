package engine_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"go.etcd.io/etcd/api/v3/mvccpb"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/app/engine/local"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// startWatching starts a 3-member cluster through the protocol and waits
// for a leader.
func startWatching(t *testing.T) (*engine.Client, engine.Engine, engine.Watcher) {
	t.Helper()
	c, _ := serve(t, "v1", local.Start)
	eng, err := c.Start(context.Background(), engine.StartRequest{Members: 3, Seed: 7, Speed: 1000})
	if err != nil {
		t.Fatal(err)
	}
	waitView(t, "a leader", func() bool { return leader(eng.Status()) != 0 })
	w, ok := eng.(engine.Watcher)
	if !ok {
		t.Fatal("the engine over the protocol is not a Watcher")
	}
	return c, eng, w
}

// collect reads s until it has n events or ended, for at most 20 s.
func collect(t *testing.T, s engine.WatchStream, n int) (evs []string, resps []engine.WatchResponse, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for len(evs) < n {
		rs, err := s.Next(ctx)
		for _, r := range rs {
			resps = append(resps, r)
			for _, e := range r.Events {
				if e.Type == mvccpb.DELETE {
					evs = append(evs, fmt.Sprintf("DELETE %s", e.Kv.Key))
				} else {
					evs = append(evs, fmt.Sprintf("PUT %s=%s", e.Kv.Key, e.Kv.Value))
				}
			}
		}
		if err != nil {
			return evs, resps, err
		}
	}
	return evs, resps, nil
}

// A watch over the protocol streams a prefix's events (more than one
// update carries) in order, none lost, from now and, for another watch,
// from history; Cancel ends it.
func TestWatchOverTheProtocol(t *testing.T) {
	_, eng, wr := startWatching(t)
	ctx := context.Background()
	p, err := eng.Put(ctx, 1, []byte("w/first"), []byte("0"))
	if err != nil {
		t.Fatal(err)
	}
	now, err := wr.Watch(2, engine.WatchRequest{Key: []byte("w/"), End: []byte("w0"), PrevKV: true})
	if err != nil {
		t.Fatal(err)
	}
	// The watch starts at the engine's next tick: wait for one after it.
	for start := eng.Now(); eng.Now() < start+2; {
		time.Sleep(time.Millisecond)
	}
	n := 3 * engine.MaxUpdateWatchResponses
	var want []string
	for i := range n {
		k, v := fmt.Sprintf("w/%04d", i%7), fmt.Sprint(i)
		if _, err := eng.Put(ctx, uint64(1+i%3), []byte(k), []byte(v)); err != nil {
			t.Fatal(err)
		}
		want = append(want, "PUT "+k+"="+v)
	}
	if _, err := eng.Delete(ctx, 1, mvcc.DeleteRangeRequest{Key: []byte("w/0000")}); err != nil {
		t.Fatal(err)
	}
	want = append(want, "DELETE w/0000")
	got, resps, err := collect(t, now, len(want))
	if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("watch from now: err %v\n got %d events %.300q\nwant %d events %.300q", err, len(got), got, len(want), want)
	}
	last := resps[len(resps)-1].Events
	if prev := last[len(last)-1].PrevKv; prev == nil || string(prev.Value) != fmt.Sprint((n-1)/7*7) {
		t.Fatalf("the delete's previous key-value: %+v, want the value %d", prev, (n-1)/7*7)
	}
	past, err := wr.Watch(3, engine.WatchRequest{Key: []byte("w/"), End: []byte("w0"), StartRev: p.Header.Revision})
	if err != nil {
		t.Fatal(err)
	}
	got, _, err = collect(t, past, len(want)+1)
	if err != nil || fmt.Sprint(got) != fmt.Sprint(append([]string{"PUT w/first=0"}, want...)) {
		t.Fatalf("watch from revision %d: err %v, got %d events %.300q", p.Header.Revision, err, len(got), got)
	}
	now.Cancel()
	if _, _, err := collect(t, now, 1); !errors.Is(err, engine.ErrWatchCanceled) {
		t.Fatalf("after Cancel: %v, want ErrWatchCanceled", err)
	}
}

// A compacted start revision gets etcd's compacted response, then the
// watch ends with mvcc.ErrCompacted; bad requests are refused at once;
// a lost connection ends every watch.
func TestWatchEndsOverTheProtocol(t *testing.T) {
	c, eng, wr := startWatching(t)
	ctx := context.Background()
	var rev int64
	for i := range 5 {
		p, err := eng.Put(ctx, 1, []byte("c"), []byte(fmt.Sprint(i)))
		if err != nil {
			t.Fatal(err)
		}
		rev = p.Header.Revision
	}
	if _, err := eng.Compact(ctx, 1, rev); err != nil {
		t.Fatal(err)
	}
	s, err := wr.Watch(1, engine.WatchRequest{Key: []byte("c"), StartRev: 2})
	if err != nil {
		t.Fatal(err)
	}
	_, resps, err := collect(t, s, 1)
	if !errors.Is(err, mvcc.ErrCompacted) || len(resps) != 1 || !resps[0].Canceled || resps[0].CompactRevision != rev {
		t.Fatalf("compacted start: responses %+v, err %v; want one cancelled at %d, then ErrCompacted", resps, err, rev)
	}
	if _, err := wr.Watch(1, engine.WatchRequest{Key: []byte("b"), End: []byte("a")}); !errors.Is(err, mvcc.ErrEmptyWatcherRange) {
		t.Fatalf("an empty range: %v, want ErrEmptyWatcherRange", err)
	}
	if _, err := wr.Watch(9, engine.WatchRequest{Key: []byte("a")}); err == nil {
		t.Fatal("a watch on member 9 of 3 was accepted")
	}
	open, err := wr.Watch(1, engine.WatchRequest{Key: []byte("a")})
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if _, _, err := collect(t, open, 1); !errors.Is(err, engine.ErrDisconnected) {
		t.Fatalf("after the connection closed: %v, want ErrDisconnected", err)
	}
}

// A key's history over the protocol: newest first, tombstones included,
// the limit honoured with More.
func TestKeyHistoryOverTheProtocol(t *testing.T) {
	_, eng, _ := startWatching(t)
	ctx := context.Background()
	for _, v := range []string{"1", "2"} {
		if _, err := eng.Put(ctx, 1, []byte("h"), []byte(v)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := eng.Delete(ctx, 1, mvcc.DeleteRangeRequest{Key: []byte("h")}); err != nil {
		t.Fatal(err)
	}
	hs, ok := eng.(engine.Historian)
	if !ok {
		t.Fatal("the engine over the protocol is not a Historian")
	}
	var h engine.KeyHistory
	waitView(t, "member 2 applied the delete", func() bool {
		var err error
		h, err = hs.KeyHistory(ctx, 2, []byte("h"), 0)
		return err == nil && len(h.Revisions) == 3
	})
	r := h.Revisions
	if !r[0].Tombstone || string(r[1].Value) != "2" || string(r[2].Value) != "1" || r[1].Version != 2 || h.More {
		t.Fatalf("history %+v", h)
	}
	if h2, err := hs.KeyHistory(ctx, 2, []byte("h"), 2); err != nil || len(h2.Revisions) != 2 || !h2.More {
		t.Fatalf("limit 2: %+v %v", h2, err)
	}
	if _, err := hs.KeyHistory(ctx, 9, []byte("h"), 0); err == nil {
		t.Fatal("member 9 of 3 answered")
	}
}

// A watch's state over the protocol: synced once it caught up, waiting
// while its member is down, synced again after the restart, "" after
// Cancel. (Unsynced and victim are the store's: node/cluster's tests.)
func TestWatchStateOverTheProtocol(t *testing.T) {
	_, eng, wr := startWatching(t)
	s, err := wr.Watch(2, engine.WatchRequest{Key: []byte("st")})
	if err != nil {
		t.Fatal(err)
	}
	st, ok := s.(engine.WatchStater)
	if !ok {
		t.Fatal("a watch over the protocol is not a WatchStater")
	}
	state := func() bool { eng.Status(); return true } // a read acknowledges the latest update
	waitView(t, "synced", func() bool { return state() && st.State() == engine.WatchSynced })
	if err := eng.Kill(2); err != nil {
		t.Fatal(err)
	}
	waitView(t, "waiting", func() bool { return state() && st.State() == engine.WatchWaiting })
	if err := eng.Restart(2); err != nil {
		t.Fatal(err)
	}
	waitView(t, "synced again", func() bool { return state() && st.State() == engine.WatchSynced })
	s.Cancel()
	if got := st.State(); got != "" {
		t.Fatalf("cancelled: %q", got)
	}
}
