package local

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/node/cluster"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// runDigest is what two runs must agree on: every member's full status
// (hashes included) and the whole event log.
func runDigest(c *cluster.Cluster) string {
	return fmt.Sprintf("now %d\n%+v\n%+v", c.Now(), c.Status(), c.Events(0))
}

// newRecordedEngine is the page's engine (durable storage; natively on the
// in-memory medium), paused: the test steps it.
func newRecordedEngine(t testing.TB, seed int64) *durableEngine {
	t.Helper()
	eng, err := NewDurableEngine(cluster.Config{Members: 5, Seed: seed}, 10, engine.StartInMemory)
	if err != nil {
		t.Fatal(err)
	}
	e := eng.(*durableEngine)
	e.Pause()
	t.Cleanup(func() { e.driver.Close() })
	return e
}

// stepTo steps e until its tick is n.
func stepTo(t testing.TB, e engine.Engine, n uint64) {
	t.Helper()
	for e.Now() < n {
		e.Step()
	}
	if e.Now() != n {
		t.Fatalf("stepped to tick %d, want %d", e.Now(), n)
	}
}

// put queues a put through member (as Submit does: Cluster.Do) and steps
// until it is answered, checking the call itself between steps (no
// goroutine waits for it, so the steps are as deterministic as the run).
func put(t *testing.T, e *durableEngine, member uint64, k, v string) {
	t.Helper()
	call := e.Cluster.Do(member, cluster.Op{Put: &mvcc.PutRequest{Key: []byte(k), Value: []byte(v)}})
	for i := 0; i < 500 && !call.Answered(); i++ {
		e.Step()
	}
	if !call.Answered() {
		t.Fatalf("put %s via %d: no answer in 500 ticks", k, member)
	}
	if _, err := call.Result(); err != nil {
		t.Fatalf("put %s via %d: %v", k, member, err)
	}
}

// buildRun drives e through faults and writes to tick 400 and returns the
// digests at ticks 150 and 400.
func buildRun(t *testing.T, e *durableEngine) (mid, end string) {
	t.Helper()
	stepTo(t, e, e.Now()+30)
	put(t, e, 1, "a", "1")
	if err := e.Kill(2); err != nil {
		t.Fatal(err)
	}
	put(t, e, 3, "b", "2")
	e.Partition([]uint64{1, 2}, []uint64{3, 4, 5})
	stepTo(t, e, 150)
	mid = runDigest(e.Cluster)
	e.HealAll()
	if err := e.Restart(2); err != nil {
		t.Fatal(err)
	}
	put(t, e, 4, "c", "3")
	e.SetDrop(1, 3, 0.5)
	stepTo(t, e, 400)
	return mid, runDigest(e.Cluster)
}

// Seek shows any recorded tick exactly as it was; playing on from the past
// replays the recorded future to the same end; an action in the past makes
// a new branch, and switching back shows the old end as it was.
func TestTimelineSeekPlayOnAndBranch(t *testing.T) {
	e := newRecordedEngine(t, 3)
	mid, end := buildRun(t, e)
	ctx := context.Background()
	if tv := e.Timeline(); !tv.Recorded || tv.End != 400 || tv.Actions < 6 {
		t.Fatalf("timeline %+v: want a recorded run to tick 400 with its actions", tv)
	}
	for _, tick := range []uint64{150, 400, 0, 150} {
		if err := e.Seek(ctx, tick); err != nil {
			t.Fatalf("seek %d: %v", tick, err)
		}
		if e.Now() != tick {
			t.Fatalf("seek %d: at tick %d", tick, e.Now())
		}
		switch got := runDigest(e.Cluster); tick {
		case 150:
			if got != mid {
				t.Fatalf("tick 150 after a seek differs from the run:\n%s", firstLineDiff(mid, got))
			}
		case 400:
			if got != end {
				t.Fatalf("tick 400 after a seek differs from the run:\n%s", firstLineDiff(end, got))
			}
		}
	}
	if tv := e.Timeline(); !tv.Replaying || tv.Rewinds != 4 || tv.Checkpoints < 1 {
		t.Fatalf("timeline at tick 150 of 400: %+v", tv)
	}
	// Play on: the recorded future replays by itself.
	stepTo(t, e, 400)
	if got := runDigest(e.Cluster); got != end {
		t.Fatalf("playing on from tick 150 differs from the run:\n%s", firstLineDiff(end, got))
	}
	if n := len(e.Timeline().Branches); n != 1 {
		t.Fatalf("%d branches after playing on without acting", n)
	}
	// Act in the past: a new branch.
	if err := e.Seek(ctx, 150); err != nil {
		t.Fatal(err)
	}
	if err := e.Kill(5); err != nil {
		t.Fatal(err)
	}
	stepTo(t, e, 200)
	tv := e.Timeline()
	if len(tv.Branches) != 2 || tv.Branch != 2 || tv.Branches[1].From != 150 || tv.Replaying {
		t.Fatalf("after acting at tick 150: %+v", tv)
	}
	branch2 := runDigest(e.Cluster)
	if err := e.SwitchBranch(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if got := runDigest(e.Cluster); got != end {
		t.Fatalf("branch 1's end differs from the run:\n%s", firstLineDiff(end, got))
	}
	if err := e.SwitchBranch(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if got := runDigest(e.Cluster); got != branch2 {
		t.Fatalf("branch 2's end differs from what it was:\n%s", firstLineDiff(branch2, got))
	}
	if err := e.SwitchBranch(ctx, 3); err == nil {
		t.Fatal("switching to a branch that does not exist succeeded")
	}
}

// An exported history and a link load into another engine as the same run
// at the same tick; a bad one is refused with a reason and changes nothing.
func TestTimelineExportLoadAndRefuse(t *testing.T) {
	e := newRecordedEngine(t, 5)
	_, end := buildRun(t, e)
	ctx := context.Background()
	file, err := e.ExportHistory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	link, err := e.ShareLink(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("history: %d bytes of JSON, a link of %d characters", len(file), len(link))
	for _, tc := range []struct {
		name string
		data []byte
		link bool
	}{{"file", file, false}, {"link", []byte(link), true}} {
		other := newRecordedEngine(t, 9) // another seed: the history's replaces it
		stepTo(t, other, 20)
		if err := other.LoadHistory(ctx, tc.data, tc.link); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := runDigest(other.Cluster); got != end {
			t.Fatalf("%s: the loaded run differs:\n%s", tc.name, firstLineDiff(end, got))
		}
		if !other.Paused() {
			t.Fatalf("%s: a loaded run plays", tc.name)
		}
	}
	before := runDigest(e.Cluster)
	for _, bad := range []struct {
		data string
		link bool
	}{
		{`{"version":1,"members":5`, false},
		{`{"version":99,"members":5,"seed":1,"tick":0,"end":0,"actions":[]}`, false},
		{"<script>alert(1)</script>", true},
		{strings.Repeat("A", 100), true},
		{link[:len(link)/2], true},
	} {
		err := e.LoadHistory(ctx, []byte(bad.data), bad.link)
		if err == nil {
			t.Fatalf("%.40q loaded", bad.data)
		}
		t.Logf("%.40q: %v", bad.data, err)
		if got := runDigest(e.Cluster); got != before {
			t.Fatalf("a refused history changed the run:\n%s", firstLineDiff(before, got))
		}
	}
}

func firstLineDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return fmt.Sprintf("line %d:\n  want %.600s\n  got  %.600s", i+1, la[i], lb[i])
		}
	}
	return fmt.Sprintf("%d lines, want %d", len(lb), len(la))
}

// A check's verdict taken after the tick a seek shows no longer describes
// the run: the engine replaces it by one that says so.
func TestTimelineSeekForgetsALaterVerdict(t *testing.T) {
	e := newRecordedEngine(t, 6)
	buildRun(t, e)
	v, err := e.CheckHistory(context.Background())
	if err != nil || !v.OK {
		t.Fatalf("check: %+v, %v", v, err)
	}
	if err := e.Seek(context.Background(), 400); err != nil {
		t.Fatal(err)
	}
	if last, _ := e.LastVerdict(); last.Seq != v.Seq {
		t.Fatalf("a verdict taken at tick %d was replaced after a seek to tick 400, not earlier", v.Tick)
	}
	if err := e.Seek(context.Background(), 100); err != nil {
		t.Fatal(err)
	}
	last, ok := e.LastVerdict()
	if !ok || last.Seq <= v.Seq || last.OK || !strings.Contains(last.Err, "check again") {
		t.Fatalf("after a seek to tick 100, before the check at tick %d: %+v", v.Tick, last)
	}
}
