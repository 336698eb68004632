package cluster

import (
	"errors"
	"fmt"
	"testing"

	"go.etcd.io/etcd/api/v3/mvccpb"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// watched collects a watch's events as "PUT k=v@rev" / "DELETE k@rev".
type watched struct {
	w      *Watch
	events []string
	resps  []mvcc.WatchResponse
	err    error
}

func (x *watched) take() {
	rs, err := x.w.Take(0)
	x.resps = append(x.resps, rs...)
	for _, r := range rs {
		for _, e := range r.Events {
			if e.Type == mvccpb.DELETE {
				x.events = append(x.events, fmt.Sprintf("DELETE %s@%d", e.Kv.Key, e.Kv.ModRevision))
			} else {
				x.events = append(x.events, fmt.Sprintf("PUT %s=%s@%d", e.Kv.Key, e.Kv.Value, e.Kv.ModRevision))
			}
		}
	}
	if err != nil {
		x.err = err
	}
}

func watchOf(t *testing.T, c *Cluster, member uint64, r mvcc.WatchRequest) *watched {
	t.Helper()
	w, err := c.Watch(member, WatchRequest{WatchRequest: r})
	if err != nil {
		t.Fatal(err)
	}
	c.Tick() // the watch is an action: it starts on the next tick
	return &watched{w: w}
}

func mustCall(t *testing.T, c *Cluster, member uint64, op Op) Result {
	t.Helper()
	r, err := call(t, c, member, op)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func revOf(r Result) int64 { return r.Header.Revision }

// A watch from now sees the puts and deletes of its key, in order, and
// nothing of other keys; a watch from an older revision catches up from
// history first.
func TestWatchKeyAndHistory(t *testing.T) {
	c := newTestCluster(t, Config{Members: 3, Seed: 1})
	l := waitLeader(t, c, 200)
	r0 := revOf(mustCall(t, c, l, put("a", "0")))
	now := watchOf(t, c, 2, mvcc.WatchRequest{Key: []byte("a")})
	r1 := revOf(mustCall(t, c, l, put("a", "1")))
	mustCall(t, c, l, put("b", "x"))
	del := Op{DeleteRange: &mvcc.DeleteRangeRequest{Key: []byte("a")}}
	r2 := revOf(mustCall(t, c, l, del))
	past := watchOf(t, c, 3, mvcc.WatchRequest{Key: []byte("a"), StartRev: r0})
	tickUntil(t, c, 50, "events delivered", func() bool {
		now.take()
		past.take()
		return len(now.events) == 2 && len(past.events) == 3
	})
	want := []string{fmt.Sprintf("PUT a=1@%d", r1), fmt.Sprintf("DELETE a@%d", r2)}
	if fmt.Sprint(now.events) != fmt.Sprint(want) {
		t.Errorf("watch from now: %q, want %q", now.events, want)
	}
	want = append([]string{fmt.Sprintf("PUT a=0@%d", r0)}, want...)
	if fmt.Sprint(past.events) != fmt.Sprint(want) {
		t.Errorf("watch from revision %d: %q, want %q", r0, past.events, want)
	}
}

// A member restarted resumes its watches from the first revision not
// delivered: the events written while it was down arrive, none twice, even
// when it catches up by a raft snapshot that replaces its store (etcd's
// TestV3WatchRestoreSnapshotUnsync).
func TestWatchSurvivesRestart(t *testing.T) {
	c := newTestCluster(t, Config{Members: 3, Seed: 2, SnapshotCount: 10, CatchUpCount: 5})
	waitLeader(t, c, 200)
	f := follower(t, c)
	x := watchOf(t, c, f, mvcc.WatchRequest{Key: []byte("k/"), End: []byte("k0")})
	other := uint64(1)
	for other == f {
		other++
	}
	var want []string
	for i := range 3 {
		r := mustCall(t, c, other, put(fmt.Sprintf("k/%d", i), "before"))
		want = append(want, fmt.Sprintf("PUT k/%d=before@%d", i, revOf(r)))
	}
	tickUntil(t, c, 50, "the first events", func() bool { x.take(); return len(x.events) == 3 })
	if err := c.Kill(f); err != nil {
		t.Fatal(err)
	}
	c.Tick()
	for i := range 30 {
		r := mustCall(t, c, other, put(fmt.Sprintf("k/%d", i%3), "while-down"))
		want = append(want, fmt.Sprintf("PUT k/%d=while-down@%d", i%3, revOf(r)))
	}
	if err := c.Restart(f); err != nil {
		t.Fatal(err)
	}
	r := mustCall(t, c, other, put("k/9", "after"))
	want = append(want, fmt.Sprintf("PUT k/9=after@%d", revOf(r)))
	tickUntil(t, c, 500, "every event", func() bool { x.take(); return len(x.events) >= len(want) })
	if n := len(eventsOf(c, "snapshot-restored")); n == 0 {
		t.Fatal("the restarted member did not restore a snapshot: the test does not test what it says")
	}
	for range 20 {
		c.Tick()
		x.take()
	}
	if fmt.Sprint(x.events) != fmt.Sprint(want) {
		t.Errorf("events across a restart:\n got %q\nwant %q", x.events, want)
	}
	if x.err != nil {
		t.Errorf("watch ended: %v", x.err)
	}
}

// A start revision below the compacted one gets etcd's compacted response
// and ends the watch.
func TestWatchCompactedStart(t *testing.T) {
	c := newTestCluster(t, Config{Members: 3, Seed: 3})
	l := waitLeader(t, c, 200)
	for i := range 5 {
		mustCall(t, c, l, put("a", fmt.Sprint(i)))
	}
	r := mustCall(t, c, l, put("a", "last"))
	mustCall(t, c, l, Op{Compact: revOf(r)})
	x := watchOf(t, c, l, mvcc.WatchRequest{Key: []byte("a"), StartRev: 2})
	tickUntil(t, c, 50, "the watch ended", func() bool { x.take(); return x.err != nil })
	if !errors.Is(x.err, mvcc.ErrCompacted) {
		t.Fatalf("ended with %v, want ErrCompacted", x.err)
	}
	if len(x.resps) != 1 || !x.resps[0].Canceled || x.resps[0].CompactRevision != revOf(r) {
		t.Fatalf("responses %+v, want one cancelled with CompactRevision %d", x.resps, revOf(r))
	}
}

// A client that does not take for a long time loses nothing: the store
// holds what the buffer cannot, and every event arrives in order.
func TestWatchSlowClientLosesNothing(t *testing.T) {
	c := newTestCluster(t, Config{Members: 3, Seed: 4})
	l := waitLeader(t, c, 200)
	x := watchOf(t, c, l, mvcc.WatchRequest{Key: []byte("s/"), End: []byte("s0")})
	n := 3 * WatchBuffer * 2
	writeKeys(t, c, "s/", n, 50, l)
	if len(x.w.buf) != WatchBuffer {
		t.Fatalf("buffered %d responses, want a full buffer (WatchBuffer %d)", len(x.w.buf), WatchBuffer)
	}
	tickUntil(t, c, 2000, "every event", func() bool { x.take(); return len(x.events) >= n })
	if len(x.events) != n {
		t.Fatalf("%d events, want %d", len(x.events), n)
	}
	for i, e := range x.events {
		if want := fmt.Sprintf("PUT s/%05d=value-%d@", i, i); len(e) < len(want) || e[:len(want)] != want {
			t.Fatalf("event %d is %q, want %s...", i, e, want)
		}
	}
}

// Cancel ends the watch; what was buffered is still taken first.
func TestWatchCancel(t *testing.T) {
	c := newTestCluster(t, Config{Members: 3, Seed: 5})
	l := waitLeader(t, c, 200)
	x := watchOf(t, c, l, mvcc.WatchRequest{Key: []byte("a")})
	mustCall(t, c, l, put("a", "1"))
	c.Tick()
	x.w.Cancel()
	x.take()
	if len(x.events) != 1 || !errors.Is(x.err, ErrWatchCanceled) {
		t.Fatalf("after cancel: events %q, err %v; want 1 event and ErrWatchCanceled", x.events, x.err)
	}
	mustCall(t, c, l, put("a", "2"))
	x.take()
	if len(x.events) != 1 {
		t.Fatalf("a cancelled watch got %q", x.events)
	}
}

// KeyHistory reads one member's store: a member cut off from the others
// shows its own, older history.
func TestKeyHistoryPerMember(t *testing.T) {
	c := newTestCluster(t, Config{Members: 3, Seed: 6})
	l := waitLeader(t, c, 200)
	f := follower(t, c)
	mustCall(t, c, l, put("h", "1"))
	converge(t, c, 200)
	c.Isolate(f)
	c.Tick()
	l = waitLeader(t, c, 400)
	mustCall(t, c, l, put("h", "2"))
	mustCall(t, c, l, Op{DeleteRange: &mvcc.DeleteRangeRequest{Key: []byte("h")}})
	hl, err := c.KeyHistory(l, []byte("h"), 0)
	if err != nil {
		t.Fatal(err)
	}
	hf, err := c.KeyHistory(f, []byte("h"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(hl.Revisions) != 3 || !hl.Revisions[0].Tombstone || string(hl.Revisions[1].Value) != "2" {
		t.Fatalf("the leader's history %+v", hl.Revisions)
	}
	if len(hf.Revisions) != 1 || string(hf.Revisions[0].Value) != "1" || hf.Revision >= hl.Revision {
		t.Fatalf("the isolated follower's history %+v at %d (leader at %d)", hf.Revisions, hf.Revision, hl.Revision)
	}
	c.Kill(f)
	c.Tick()
	if _, err := c.KeyHistory(f, []byte("h"), 0); !errors.Is(err, ErrMemberDown) {
		t.Fatalf("a down member: %v", err)
	}
}

// A watch's state: unsynced while it catches up, synced after, waiting
// while its member is down, synced again after the restart.
func TestWatchStateFollowsTheMember(t *testing.T) {
	c := newTestCluster(t, Config{Members: 3, Seed: 8})
	l := waitLeader(t, c, 200)
	f := follower(t, c)
	writeKeys(t, c, "s/", 3000, 100, l)
	converge(t, c, 400)
	x := watchOf(t, c, f, mvcc.WatchRequest{Key: []byte("s/"), End: []byte("s0"), StartRev: 1})
	seen := map[string]bool{x.w.State(): true}
	tickUntil(t, c, 200, "synced", func() bool { x.take(); seen[x.w.State()] = true; return x.w.State() == mvcc.WatchSynced })
	if !seen[mvcc.WatchUnsynced] {
		t.Errorf("states seen while catching up 3,000 revisions: %v, want unsynced among them", seen)
	}
	c.Kill(f)
	tickUntil(t, c, 5, "waiting", func() bool { return x.w.State() == WatchWaiting })
	c.Restart(f)
	tickUntil(t, c, 400, "synced again", func() bool { x.take(); return x.w.State() == mvcc.WatchSynced })
	x.w.Cancel()
	c.Tick()
	if st := x.w.State(); st != "" {
		t.Fatalf("cancelled: %q", st)
	}
}
