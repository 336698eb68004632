package cluster

import (
	"bytes"
	"testing"

	"github.com/etcd-play/etcd-play/node/durable"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// scriptRun is a recorded run with faults and writes spread over 400
// ticks, on the page's storage stack.
func scriptRun(t *testing.T) (func() Config, *Cluster) {
	t.Helper()
	cfg := func() Config {
		return Config{Members: 5, Seed: 11, NewStorage: OnDisk(durable.NewMemory(nil))}
	}
	c, err := New(cfg())
	if err != nil {
		t.Fatal(err)
	}
	for tick := uint64(0); tick < 400; tick++ {
		switch tick {
		case 50, 120, 260, 330:
			c.Do(1+tick%5, Op{Put: &mvcc.PutRequest{Key: []byte("k"), Value: []byte{byte(tick)}}})
		case 100:
			c.Kill(2)
		case 180:
			c.Isolate(3)
		case 220:
			c.HealAll()
			c.Restart(2)
		case 300:
			c.Stress(StressConfig{Rate: 5, Count: 200, Keys: 20, ValueSize: 8})
		}
		c.Tick()
	}
	return cfg, c
}

// replayTo replays c's history to tick and returns the replay and the
// actions recorded from tick on.
func replayTo(t *testing.T, cfg func() Config, c *Cluster, tick uint64) (*Cluster, []Action) {
	t.Helper()
	hist := c.History()
	r, err := Replay(cfg(), hist, tick)
	if err != nil {
		t.Fatal(err)
	}
	var rest []Action
	for _, a := range hist {
		if a.Tick >= tick {
			rest = append(rest, a)
		}
	}
	return r, rest
}

// A cluster replayed to tick 150 and handed the rest of the history as a
// script plays on to the recorded run, byte for byte, and never diverges.
func TestScriptPlaysTheRecordedFuture(t *testing.T) {
	cfg, c := scriptRun(t)
	r, rest := replayTo(t, cfg, c, 150)
	if len(rest) < 4 {
		t.Fatalf("only %d actions after tick 150: the run exercised too little", len(rest))
	}
	r.Script(rest, c.Now())
	for r.Now() < c.Now() {
		r.Tick()
	}
	if got, want := runDigest(r), runDigest(c); !bytes.Equal(got, want) {
		t.Fatalf("the scripted replay differs:\n%s", firstDifference(want, got))
	}
	if n, _ := r.Diverged(); n != 0 {
		t.Fatalf("the script diverged %d times with no action of a person", n)
	}
}

// An action queued before the script's end ends the script there: the
// later recorded actions are not applied, and Diverged says when.
func TestScriptEndsAtAPersonsAction(t *testing.T) {
	cfg, c := scriptRun(t)
	r, rest := replayTo(t, cfg, c, 150)
	r.Script(rest, c.Now())
	for r.Now() < 170 {
		r.Tick()
	}
	r.Kill(4)
	for r.Now() < c.Now() {
		r.Tick()
	}
	n, at := r.Diverged()
	if n != 1 || at != 170 {
		t.Fatalf("Diverged() = %d at tick %d, want 1 at tick 170", n, at)
	}
	for _, a := range r.History() {
		if a.Tick > 170 {
			t.Fatalf("a recorded action ran after the divergence: %+v", a)
		}
	}
}
