package tour

import (
	"testing"

	"github.com/etcd-play/etcd-play/app/engine"
)

// A step whose first action is a client call, done again after a rewind
// to its start (Back does the same for the step before), goes
// out before the cluster plays: the new branch starts with it at the
// step's start, and what the old run did there (a kill, queued at that
// very tick) is not replayed first.
func TestRunnerCallAfterBackStartsTheBranch(t *testing.T) {
	tr, err := Parse("t.tour", []byte(`tour t
title T
step One
say A write.
do put a 1
wait write-ok
step Two
say Another write.
do put b 2
wait write-ok
`))
	if err != nil {
		t.Fatal(err)
	}
	e := newEngine(t, 5)
	ctx := ctxFor(t)
	r := New(e, tr)
	if err := r.Start(1); err != nil {
		t.Fatal(err)
	}
	doAndWait(t, ctx, r, e)
	if err := r.Next(); err != nil {
		t.Fatal(err)
	}
	// The old run: member 5 is killed at the very tick step two starts,
	// before its write.
	if err := e.Kill(5); err != nil {
		t.Fatal(err)
	}
	e.Step()
	doAndWait(t, ctx, r, e)
	if m, _ := memberView(e, 5); m.State != "down" {
		t.Fatalf("member 5 is %s in the old run", m.State)
	}
	if err := r.Rewind(ctx); err != nil { // to step two's start
		t.Fatal(err)
	}
	doAndWait(t, ctx, r, e) // step two again: its write first
	if m, _ := memberView(e, 5); m.State == "down" {
		t.Fatal("the old run's kill was replayed before the step's write")
	}
	tv := e.(engine.Timeliner).Timeline()
	if len(tv.Branches) < 2 {
		t.Fatalf("no new branch: %+v", tv)
	}
}
