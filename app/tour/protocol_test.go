package tour

import (
	"context"
	"testing"
	"time"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/app/engine/local"
)

// Over the engine protocol (the page's engine is a Client) Back judges
// the step on the cluster it shows: the client's views are the latest
// update's, which may still be the old branch's when Seek returns; its
// events (the step's own "settings" event, after the step's start) must
// not make the step done before its action is done again, nor hide the
// new branch's events from it.
func TestBackOverTheProtocol(t *testing.T) {
	tr, err := Parse("t.tour", []byte(`tour t
title T
step One
say A leader.
wait leader
step Two
say A setting.
do set unsafe-local-reads=1
wait event settings
step Three
say Then.
wait leader
`))
	if err != nil {
		t.Fatal(err)
	}
	ctx := ctxFor(t)
	e := protocolEngine(t, ctx, local.Start, engine.StartRequest{Members: 3, Seed: 9, Speed: engine.MaxSpeed, Memory: true})
	e.Play()
	r := New(e, tr)
	if err := r.Start(1); err != nil {
		t.Fatal(err)
	}
	for step := 1; step <= 2; step++ {
		if err := r.Do(ctx); err != nil {
			t.Fatal(err)
		}
		if err := r.WaitDone(ctx); err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		if err := r.Next(); err != nil {
			t.Fatal(err)
		}
	}
	for round := 1; round <= 3; round++ {
		if err := r.Back(ctx); err != nil {
			t.Fatal(err)
		}
		if r.Step() != 2 || r.Done() {
			t.Fatalf("round %d: after Back, step %d done=%v: the old branch's settings event counted (pending %q)", round, r.Step(), r.Done(), r.Pending())
		}
		if err := r.Do(ctx); err != nil {
			t.Fatal(err)
		}
		if err := r.WaitDone(ctx); err != nil {
			t.Fatalf("round %d: step 2 again: %v", round, err)
		}
		if err := r.Next(); err != nil {
			t.Fatal(err)
		}
	}
}

// protocolEngine starts a cluster through the engine protocol (a Client
// over a Pipe, served by start) and waits for its first leader.
func protocolEngine(t *testing.T, ctx context.Context, start engine.Starter, req engine.StartRequest) engine.Engine {
	t.Helper()
	a, b := engine.Pipe()
	sctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		engine.Serve(sctx, b, engine.ServerOptions{Kind: "test", Build: "v1", Start: start})
	}()
	t.Cleanup(func() { cancel(); <-done })
	c, err := engine.NewClient(ctx, func(context.Context) (engine.Conn, error) { return a, nil }, engine.ClientOptions{Build: "v1"})
	if err != nil {
		t.Fatal(err)
	}
	e, err := c.Start(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	e.Play()
	for {
		if _, ok := cluster_(e).leader(); ok {
			return e
		}
		select {
		case <-ctx.Done():
			t.Fatal("no leader")
		case <-time.After(time.Millisecond):
		}
	}
}

// A deep link over the protocol (the page's engine in its worker, or
// serve -engine=native's): FastForward runs the steps at the fastest
// speed, where the client's views lag the cluster by more than a few
// ticks; the tour's own kill not shown yet in them is not taken for a
// member someone else restarted (Differs), so the fast forward reaches
// its step. Five runs, on the native engine's Starter.
func TestFastForwardOverTheProtocol(t *testing.T) {
	tours, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	tr := Lookup(tours, "leader-failure")
	for run := 1; run <= 5; run++ {
		ctx := ctxFor(t)
		e := protocolEngine(t, ctx, local.Shared(local.StartNative), engine.StartRequest{Members: 5, Seed: int64(run), Speed: engine.DefaultSpeed})
		r := New(e, tr)
		if err := r.FastForward(ctx, 4); err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
	}
}
