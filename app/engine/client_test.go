package engine_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/app/engine/local"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// serve starts a server over one end of a pipe with starter, and a client
// on the other; both end with the test.
func serve(t *testing.T, build string, start engine.Starter) (*engine.Client, engine.Conn) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	a, b := engine.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		engine.Serve(ctx, b, engine.ServerOptions{Kind: "native", Build: "v1", Start: start})
	}()
	t.Cleanup(func() { cancel(); <-done })
	c, err := engine.NewClient(ctx, func(context.Context) (engine.Conn, error) { return a, nil }, engine.ClientOptions{Build: build})
	if err != nil {
		t.Fatal(err)
	}
	return c, b
}

// waitView polls cond over the client's reads until it holds (10 s).
func waitView(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func leader(st []engine.MemberView) uint64 {
	for _, m := range st {
		if m.State == "leader" {
			return m.ID
		}
	}
	return 0
}

// A real cluster driven through the protocol: the page's calls and their
// answers, the pushed status, links, events and a stress run's progress.
func TestClientDrivesARealCluster(t *testing.T) {
	c, _ := serve(t, "v1", local.Start)
	eng, err := c.Start(context.Background(), engine.StartRequest{Members: 3, Seed: 9, Speed: 200})
	if err != nil {
		t.Fatal(err)
	}
	if got := eng.Members(); len(got) != 3 {
		t.Fatalf("members %v", got)
	}
	if h := c.Hello(); h.Kind != "native" || h.Protocol != engine.Version {
		t.Fatalf("hello %+v", h)
	}
	waitView(t, "a leader", func() bool { return leader(eng.Status()) != 0 })
	ctx := context.Background()
	if _, err := eng.Put(ctx, 1, []byte("k"), []byte("v")); err != nil {
		t.Fatal(err)
	}
	r, err := eng.Get(ctx, 2, mvcc.RangeRequest{Key: []byte("k")}, false)
	if err != nil || len(r.KVs) != 1 || string(r.KVs[0].Value) != "v" {
		t.Fatalf("get: %+v %v", r, err)
	}
	if _, err := eng.Get(ctx, 1, mvcc.RangeRequest{Key: []byte("k"), Rev: 1000}, true); !errors.Is(err, mvcc.ErrFutureRev) {
		t.Fatalf("get at a future revision: %v, want mvcc.ErrFutureRev", err)
	}
	l := leader(eng.Status())
	if err := eng.Kill(l); err != nil {
		t.Fatal(err)
	}
	waitView(t, "the old leader down", func() bool {
		for _, m := range eng.Status() {
			if m.ID == l {
				return m.State == "down"
			}
		}
		return false
	})
	waitView(t, "links", func() bool { return len(eng.Links()) == 6 })
	waitView(t, "a kill event", func() bool {
		for _, e := range eng.Events(0) {
			if e.Kind == "fault" {
				return true
			}
		}
		return false
	})
	run := eng.Stress(engine.StressConfig{Rate: 5, Count: 50, Keys: 5, ValueSize: 8})
	waitView(t, "the stress run done", func() bool { p := run.Progress(); return !p.Running && p.Done == 50 })
	eng.Pause()
	waitView(t, "an update saying paused", eng.Paused)
	eng.Step() // answered after the pause took effect (requests are handled in order)
	// Paused, the clock stops: two updates in a row agree (the first
	// ones may have been taken before the pause).
	now := freshNow(t, c, eng)
	for i := 0; ; i++ {
		again := freshNow(t, c, eng)
		if again == now {
			break
		}
		if i == 10 {
			t.Fatalf("paused, the clock still moves: %d then %d", now, again)
		}
		now = again
	}
	eng.Step()
	// The first update after the step may have been taken before it.
	for got := freshNow(t, c, eng); got != now+1; got = freshNow(t, c, eng) {
		if got != now {
			t.Fatalf("after a step the clock is %d, want %d", got, now+1)
		}
	}
	eng.Play()
	waitView(t, "an update saying playing", func() bool { return !eng.Paused() })
	if _, ok := eng.(engine.Storage); !ok {
		t.Fatal("an engine with storage is not a Storage over the protocol")
	}
}

// A client of another build is refused: the page reloads.
func TestHandshakeRefusesAnotherBuild(t *testing.T) {
	a, b := engine.Pipe()
	go engine.Serve(context.Background(), b, engine.ServerOptions{Kind: "worker", Build: "v2", Start: local.Start})
	_, err := engine.NewClient(context.Background(), func(context.Context) (engine.Conn, error) { return a, nil }, engine.ClientOptions{Build: "v1"})
	if !errors.Is(err, engine.ErrVersion) {
		t.Fatalf("err %v, want ErrVersion", err)
	}
}

// Start's errors keep their identity; a storage failure's ResetStored
// asks the engine, which runs the failure's own Reset.
func TestStartErrorsCrossTheWire(t *testing.T) {
	reset := make(chan string, 1)
	fail := true
	c, _ := serve(t, "v1", func(req engine.StartRequest) (engine.Engine, error) {
		if fail {
			return nil, &engine.StorageFailure{Name: "etcd-play", Err: errors.New("QuotaExceededError"),
				Reset: func() error { reset <- "etcd-play"; return nil }}
		}
		return nil, engine.ErrOpenElsewhere
	})
	_, err := c.Start(context.Background(), engine.StartRequest{})
	var sf *engine.StorageFailure
	if !errors.As(err, &sf) || sf.Name != "etcd-play" {
		t.Fatalf("err %#v", err)
	}
	if err := sf.ResetStored(); err != nil {
		t.Fatal(err)
	}
	if got := <-reset; got != "etcd-play" {
		t.Fatal(got)
	}
	fail = false
	if _, err := c.Start(context.Background(), engine.StartRequest{}); !errors.Is(err, engine.ErrOpenElsewhere) {
		t.Fatalf("err %v, want ErrOpenElsewhere", err)
	}
}

// When the connection is lost, calls in flight and new calls fail with
// ErrDisconnected at once, and Connection says so.
func TestDisconnectFailsCallsAtOnce(t *testing.T) {
	c, server := serve(t, "v1", local.Start)
	eng, err := c.Start(context.Background(), engine.StartRequest{Members: 3, Seed: 2, Speed: 100})
	if err != nil {
		t.Fatal(err)
	}
	eng.Pause()
	inFlight := make(chan error, 1)
	go func() {
		_, err := eng.Put(context.Background(), 1, []byte("k"), []byte("v")) // waits for a tick that will not come
		inFlight <- err
	}()
	// Whether the put was sent before the loss or after, it ends at once.
	server.Close()
	select {
	case err := <-inFlight:
		if !errors.Is(err, engine.ErrDisconnected) {
			t.Fatalf("put in flight: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a put in flight still waits 5 s after the connection was lost")
	}
	if err := c.Connection(); !errors.Is(err, engine.ErrDisconnected) {
		t.Fatalf("Connection: %v", err)
	}
	if err := eng.Kill(1); !errors.Is(err, engine.ErrDisconnected) {
		t.Fatalf("kill while disconnected: %v", err)
	}
}

// freshNow returns the clock of an update taken after the call: it reads
// (acknowledging the update it holds) and waits for the next one.
func freshNow(t *testing.T, c *engine.Client, eng engine.Engine) uint64 {
	t.Helper()
	_, next := c.Updates()
	eng.Now()
	select {
	case <-next:
	case <-time.After(10 * time.Second):
		t.Fatal("no update within 10 s")
	}
	return eng.Now()
}

// Polling Paused alone keeps the updates coming: once the updates the
// engine may send unacknowledged (UpdateWindow) are all taken before the
// pause, only Paused's own acknowledgements bring the one that says so.
// (CI once timed out in TestClientDrivesARealCluster waiting this way.)
func TestPausedAloneAcknowledges(t *testing.T) {
	c, _ := serve(t, "v1", local.Start)
	eng, err := c.Start(context.Background(), engine.StartRequest{Members: 3, Seed: 3, Speed: 200})
	if err != nil {
		t.Fatal(err)
	}
	eng.Now() // acknowledges whatever came with the start
	// Take the whole window without reading: the engine sends no more.
	first, _ := c.Updates()
	waitView(t, "a full window of updates", func() bool {
		n, _ := c.Updates()
		return n >= first+engine.UpdateWindow
	})
	eng.Pause()
	waitView(t, "an update saying paused", eng.Paused)
	eng.Play()
	waitView(t, "an update saying playing", func() bool { return !eng.Paused() })
}
