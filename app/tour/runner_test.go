package tour

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/app/engine/local"
	"github.com/etcd-play/etcd-play/node/cluster"
)

// newEngine is the page's engine (recorded, on the in-memory medium) with
// its first leader elected, paused, at the fastest speed.
func newEngine(t *testing.T, members int) engine.Engine {
	t.Helper()
	eng, err := local.NewDurableEngine(cluster.Config{Members: members, Seed: 1}, engine.MaxSpeed, engine.StartInMemory)
	if err != nil {
		t.Fatal(err)
	}
	eng.Pause()
	local.BootToLeader(eng, 100)
	return eng
}

func testTour(t *testing.T) *Tour {
	t.Helper()
	data, err := os.ReadFile("testdata/test-leader.tour")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := Parse("test-leader.tour", data)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// hashes is what Back must restore: every member's state, term, revision
// and hash.
func hashes(e engine.Engine) string {
	var b strings.Builder
	for _, m := range e.Status() {
		fmt.Fprintf(&b, "%d:%s/%d/%d/%08x ", m.ID, m.State, m.Term, m.Revision, m.Hash)
	}
	return b.String()
}

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// doAndWait performs the current step and waits until it is done, then
// pauses the cluster.
func doAndWait(t *testing.T, ctx context.Context, r *Runner, e engine.Engine) {
	t.Helper()
	if err := r.Do(ctx); err != nil {
		t.Fatalf("step %d: %v", r.Step(), err)
	}
	if err := r.WaitDone(ctx); err != nil {
		t.Fatalf("step %d: %v", r.Step(), err)
	}
	e.Step() // pauses; returns once no tick runs but its own
}

// The test tour from start to end: its leader is killed, a new one is
// elected in a higher term, a write succeeds and reaches every member, the
// old leader returns and the members converge. Back from step 3 and
// Rewind at step 2 show step 2's start exactly (tick, states, hashes), and
// doing step 2 again from there works (a new branch).
func TestRunnerLeaderFailureWithBack(t *testing.T) {
	e := newEngine(t, 5)
	ctx := ctxFor(t)
	r := New(e, testTour(t))
	if err := r.Start(1); err != nil {
		t.Fatal(err)
	}
	if r.Done() {
		// Step 1 waits for a leader, which BootToLeader elected: done at once.
	} else {
		t.Fatalf("step 1 is not done: pending %v", r.Pending())
	}
	if err := r.Next(); err != nil {
		t.Fatal(err)
	}
	start2, _ := r.StartTick(2)
	at2 := hashes(e)
	oldLeader := leaderID(e)
	if r.Done() {
		t.Fatal("step 2 is done before its action")
	}
	if err := r.Next(); err == nil || !strings.Contains(err.Error(), "a leader other than member") {
		t.Fatalf("Next before step 2 is done: %v", err)
	}
	doAndWait(t, ctx, r, e)
	if st, _ := memberView(e, oldLeader); st.State != "down" {
		t.Fatalf("the old leader %d is %s after step 2", oldLeader, st.State)
	}
	if l := leaderID(e); l == oldLeader || l == 0 {
		t.Fatalf("leader after step 2: %d (was %d)", l, oldLeader)
	}
	// Rewind: step 2's start exactly.
	if err := r.Rewind(ctx); err != nil {
		t.Fatal(err)
	}
	if e.Now() != start2 || hashes(e) != at2 || r.Step() != 2 || r.Done() {
		t.Fatalf("after Rewind: tick %d (want %d), step %d, done %v\n got %s\nwant %s", e.Now(), start2, r.Step(), r.Done(), hashes(e), at2)
	}
	doAndWait(t, ctx, r, e)
	if err := r.Next(); err != nil {
		t.Fatal(err)
	}
	doAndWait(t, ctx, r, e) // step 3: the write
	// Back from step 3: step 2's start.
	if err := r.Back(ctx); err != nil {
		t.Fatal(err)
	}
	if e.Now() != start2 || hashes(e) != at2 || r.Step() != 2 {
		t.Fatalf("after Back: tick %d (want %d), step %d\n got %s\nwant %s", e.Now(), start2, r.Step(), hashes(e), at2)
	}
	if !e.Paused() {
		t.Fatal("the cluster plays after Back")
	}
	// Do step 2 again from the past, then the rest.
	doAndWait(t, ctx, r, e)
	for r.Step() < len(r.Tour().Steps) {
		if err := r.Next(); err != nil {
			t.Fatal(err)
		}
		doAndWait(t, ctx, r, e)
	}
	if tl := e.(engine.Timeliner).Timeline(); len(tl.Branches) < 2 {
		t.Fatalf("doing a step again after Back made no new branch: %+v", tl)
	}
}

// A deep link: FastForward runs steps 1..N-1 with their conditions and
// starts step N.
func TestRunnerFastForward(t *testing.T) {
	e := newEngine(t, 5)
	ctx := ctxFor(t)
	r := New(e, testTour(t))
	if err := r.FastForward(ctx, 4); err != nil {
		t.Fatal(err)
	}
	if r.Step() != 4 {
		t.Fatalf("at step %d after a fast forward to 4", r.Step())
	}
	for s := 1; s <= 4; s++ {
		if _, ok := r.StartTick(s); !ok {
			t.Fatalf("step %d has no start", s)
		}
	}
	if down := downCount(e); down != 1 {
		t.Fatalf("%d members down at step 4's start, want the old leader", down)
	}
	doAndWait(t, ctx, r, e)
	if err := r.FastForward(ctx, 9); err == nil {
		t.Fatal("a fast forward past the last step succeeded")
	}
}

// A reader who kills another member during a step is told what differs;
// rewinding to the step's start clears it.
func TestRunnerDiffers(t *testing.T) {
	e := newEngine(t, 5)
	ctx := ctxFor(t)
	r := New(e, testTour(t))
	if err := r.FastForward(ctx, 2); err != nil {
		t.Fatal(err)
	}
	e.Pause()
	if d := r.Differs(); d != "" {
		t.Fatalf("differs at the step's start: %s", d)
	}
	var other uint64
	for _, m := range e.Status() {
		if m.State == "follower" {
			other = m.ID
			break
		}
	}
	if err := e.Kill(other); err != nil {
		t.Fatal(err)
	}
	e.Play()
	want := fmt.Sprintf("Member %d is down, but this step expects it running", other)
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(r.Differs(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("Differs: %q, want %q", r.Differs(), want)
		}
		time.Sleep(time.Millisecond)
	}
	e.Pause()
	if err := r.Rewind(ctx); err != nil {
		t.Fatal(err)
	}
	if d := r.Differs(); d != "" {
		t.Fatalf("differs after Rewind: %s", d)
	}
	if m, _ := memberView(e, other); m.State == "down" {
		t.Fatalf("member %d is still down after Rewind", other)
	}
}

func leaderID(e engine.Engine) uint64 {
	l, _ := cluster_(e).leader()
	return l.ID
}

func cluster_(e engine.Engine) clusterView { return clusterView{st: e.Status(), links: e.Links()} }

func memberView(e engine.Engine, id uint64) (engine.MemberView, bool) { return cluster_(e).member(id) }

func downCount(e engine.Engine) int { return len(cluster_(e).down()) }
