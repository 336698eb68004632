package tour

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/app/engine/local"
	nodecluster "github.com/etcd-play/etcd-play/node/cluster"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// The built-in tours, each run natively from start to end on the page's
// engine (app/engine/local, recorded, on the in-memory medium) started as
// the tour's url line asks: every step's actions, then a wait until its
// conditions hold. Then Back from the last step to the first: each Back
// must show the cluster exactly as it was when that step started (tick,
// states, terms, revisions, hashes).

// builtinNames are the tours issue 17 asks for, in the order.
var builtinNames = []string{"elections", "follower-failures", "leader-failure", "all-members-fail",
	"partition", "slow-follower", "watch-snapshot", "leases", "linearizability"}

// Every built-in tour parses, the nine named ones are there, in the
// issue's order, and each tells a story of 4 to 8 steps in which every
// step has a condition checked on the cluster.
func TestBuiltinToursParse(t *testing.T) {
	tours, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tr := range tours {
		names = append(names, tr.Name)
		if n := len(tr.Steps); n < 4 || n > 8 {
			t.Errorf("tour %s has %d steps, want 4 to 8", tr.Name, n)
		}
		for i, s := range tr.Steps {
			if len(s.Wait) == 0 {
				t.Errorf("tour %s, step %d (%s): no condition (wait)", tr.Name, i+1, s.Title)
			}
		}
	}
	if got, want := strings.Join(names, " "), strings.Join(builtinNames, " "); got != want {
		t.Fatalf("built-in tours %q, want %q", got, want)
	}
}

func TestBuiltinToursRun(t *testing.T) {
	tours, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range tours {
		t.Run(tr.Name, func(t *testing.T) { runBuiltin(t, tr, 0) })
	}
}

// A reader takes time over each step's text before clicking Do: the
// cluster plays on meanwhile (1,000 ticks are 50 s at the page's usual 20
// ticks a second). Every tour must still work (a lease granted in one
// step must outlive the reading of the next, ...).
func TestBuiltinToursSlowReader(t *testing.T) {
	tours, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range tours {
		t.Run(tr.Name, func(t *testing.T) { runBuiltin(t, tr, 1000) })
	}
}

// A deep link to a tour's last step (?tour=NAME&step=N) runs the steps
// before it at the fastest speed (FastForward); the last step then works.
func TestBuiltinToursDeepLink(t *testing.T) {
	tours, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range tours {
		t.Run(tr.Name, func(t *testing.T) {
			e := tourEngine(t, tr)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			r := New(e, tr)
			e.Play()
			last := len(tr.Steps)
			if err := r.FastForward(ctx, last); err != nil {
				t.Fatalf("fast forward to step %d: %v\n%s", last, err, clusterState(t, e))
			}
			if r.Step() != last {
				t.Fatalf("after the fast forward: step %d, want %d", r.Step(), last)
			}
			if err := r.Do(ctx); err != nil {
				t.Fatalf("step %d: %v", last, err)
			}
			if err := r.WaitDone(ctx); err != nil {
				t.Fatalf("step %d: %v\n%s", last, err, clusterState(t, e))
			}
		})
	}
}

// runBuiltin plays tr from its first step to its last, then goes Back
// step by step to its first, comparing each step's start. Before each
// step's actions the cluster runs readTicks ticks (a reader reading).
func runBuiltin(t *testing.T, tr *Tour, readTicks int) {
	e := tourEngine(t, tr)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	r := New(e, tr)
	if err := r.Start(1); err != nil {
		t.Fatal(err)
	}
	starts := make([]string, len(tr.Steps))
	for i := range tr.Steps {
		starts[i] = clusterState(t, e)
		begin := storyStart{seq: lastSeq(e), st: e.Status()}
		if r.Done() && len(tr.Steps[i].Do) > 0 {
			t.Fatalf("step %d (%s) is done before its actions: %s", i+1, tr.Steps[i].Title, starts[i])
		}
		for range readTicks {
			e.Step()
		}
		if d := r.Differs(); d != "" {
			t.Fatalf("step %d (%s) after %d ticks of reading: %s", i+1, tr.Steps[i].Title, readTicks, d)
		}
		if err := r.Do(ctx); err != nil {
			t.Fatalf("step %d (%s): %v", i+1, tr.Steps[i].Title, err)
		}
		// The tour may slow the page down for a reader (speed); the
		// test plays at the engine's fastest speed (time controls are
		// not part of the run).
		e.SetSpeed(engine.MaxSpeed)
		if err := r.WaitDone(ctx); err != nil {
			t.Fatalf("step %d (%s): %v\n%s", i+1, tr.Steps[i].Title, err, clusterState(t, e))
		}
		// Step pauses and returns once no tick runs but its own (Pause
		// alone may return while the driver finishes a tick): the state
		// the next step starts from is still.
		e.Step()
		t.Logf("step %d (%s) done at tick %d", i+1, tr.Steps[i].Title, e.Now())
		if check := storyChecks[tr.Name][i+1]; check != nil {
			if err := check(e, begin); err != nil {
				t.Fatalf("step %d (%s): the text says what the cluster did not do: %v", i+1, tr.Steps[i].Title, err)
			}
		}
		if i < len(tr.Steps)-1 {
			if err := r.Next(); err != nil {
				t.Fatalf("Next after step %d: %v", i+1, err)
			}
		}
	}
	if err := r.Rewind(ctx); err != nil {
		t.Fatalf("Rewind at the last step: %v", err)
	}
	checkStart(t, e, r, len(tr.Steps), starts)
	for step := len(tr.Steps) - 1; step >= 1; step-- {
		if err := r.Back(ctx); err != nil {
			t.Fatalf("Back to step %d: %v", step, err)
		}
		checkStart(t, e, r, step, starts)
	}
}

// storyStart is what a step's story check compares against: the event
// log's position and the members' views when the step started.
type storyStart struct {
	seq uint64
	st  []engine.MemberView
}

// storyChecks check claims a tour's text makes that its conditions do not
// state, once the step is done: by tour, then step (1-based).
var storyChecks = map[string]map[int]func(e engine.Engine, begin storyStart) error{
	"elections": {
		// Without a majority, PreVote keeps the terms where they were.
		5: func(e engine.Engine, begin storyStart) error {
			for _, m := range e.Status() {
				if was, _ := (clusterView{st: begin.st}).member(m.ID); m.Up() && m.Term != was.Term {
					return fmt.Errorf("member %d went from term %d to %d", m.ID, was.Term, m.Term)
				}
			}
			return nil
		},
	},
	"slow-follower": {
		// The numbers of etcd's test: a snapshot at 11, the log compacted to 6.
		2: func(e engine.Engine, begin storyStart) error { return snapshotSaved(e, begin, 11, 6) },
		// Caught up by entries: no snapshot sent.
		3: func(e engine.Engine, begin storyStart) error { return noEvent(e, begin, "snapshot-sent") },
		// Then 22 and 17, as the fifteen writes arrive one at a time.
		4: func(e engine.Engine, begin storyStart) error { return snapshotSaved(e, begin, 22, 17) },
	},
}

// snapshotSaved fails unless a member saved a snapshot at index and
// compacted its log through compacted since begin (node/ready.go's event).
func snapshotSaved(e engine.Engine, begin storyStart, index, compacted uint64) error {
	want := fmt.Sprintf("at index %d (", index)
	through := fmt.Sprintf("compacted through index %d", compacted)
	var saw []string
	for _, ev := range e.Events(begin.seq) {
		if ev.Kind == "snapshot-saved" {
			if strings.Contains(ev.Text, want) && strings.Contains(ev.Text, through) {
				return nil
			}
			saw = append(saw, ev.Text)
		}
	}
	return fmt.Errorf("no snapshot at %d compacting through %d; saw %q", index, compacted, saw)
}

// noEvent fails if the event log has an event of kind since begin.
func noEvent(e engine.Engine, begin storyStart, kind string) error {
	for _, ev := range e.Events(begin.seq) {
		if ev.Kind == kind {
			return fmt.Errorf("event %s: %s", kind, ev.Text)
		}
	}
	return nil
}

// checkStart checks that the cluster shows step's start (1-based), as
// starts recorded it, and that the runner is at that step.
func checkStart(t *testing.T, e engine.Engine, r *Runner, step int, starts []string) {
	t.Helper()
	want, got := starts[step-1], clusterState(t, e)
	if got != want {
		t.Fatalf("back at step %d:\n got %s\nwant %s", step, got, want)
	}
	if r.Step() != step {
		t.Fatalf("back at step %d: the runner is at step %d", step, r.Step())
	}
}

// tourEngine starts the engine the page starts for tr's url line
// (members, seed and raft settings), paused, its first leader elected.
func tourEngine(t *testing.T, tr *Tour) engine.Engine {
	t.Helper()
	q, err := url.ParseQuery(tr.URL)
	if err != nil {
		t.Fatal(err)
	}
	members, seed := engine.DefaultMembers, int64(engine.DefaultSeed)
	set := engine.DefaultPageSettings()
	for name, vs := range q {
		v := vs[0]
		switch name {
		case "members":
			members, err = strconv.Atoi(v)
		case "seed":
			seed, err = strconv.ParseInt(v, 10, 64)
		default:
			err = applySetting(&set, Setting{name, v})
		}
		if err != nil {
			t.Fatalf("tour %s: url %s: %v", tr.Name, name, err)
		}
	}
	if err := set.Validate(); err != nil {
		t.Fatal(err)
	}
	cfg := nodecluster.Config{Members: members, Seed: seed}.WithSettings(set)
	e, err := local.NewDurableEngine(cfg, engine.MaxSpeed, engine.StartInMemory)
	if err != nil {
		t.Fatal(err)
	}
	e.Pause()
	local.BootToLeader(e, 100)
	// ResetAll stops the engine's driver and its timeline's background
	// work (each engine would tick on at the fastest speed otherwise, and
	// slow every later test down).
	st, ok := e.(engine.Storage)
	if !ok {
		t.Fatalf("engine %T cannot be stopped", e)
	}
	t.Cleanup(func() {
		if err := st.ResetAll(); err != nil {
			t.Errorf("stopping the engine: %v", err)
		}
	})
	return e
}

// clusterState is what a step's start is compared by: the tick and every
// member's state, term, revision, applied index and HashKV at its
// revision, read from the cluster itself (Status refreshes its hashes at
// a bounded rate, so they may lag a fast run).
func clusterState(t *testing.T, e engine.Engine) string {
	t.Helper()
	hk, ok := e.(interface {
		HashKV(id uint64, rev int64) (mvcc.HashKVResult, error)
	})
	if !ok {
		t.Fatalf("engine %T has no HashKV", e)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "tick %d:", e.Now())
	for _, m := range e.Status() {
		fmt.Fprintf(&b, " %d:%s", m.ID, m.State)
		if !m.Up() {
			continue
		}
		h, err := hk.HashKV(m.ID, 0)
		if err != nil {
			t.Fatalf("HashKV of member %d: %v", m.ID, err)
		}
		fmt.Fprintf(&b, "/t%d/r%d/a%d/%08x", m.Term, m.Revision, m.Applied, h.Hash)
	}
	return b.String()
}
