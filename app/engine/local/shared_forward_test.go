package local

import (
	"context"
	"testing"
	"time"

	"github.com/etcd-play/etcd-play/app/engine"
)

// The native engine (Shared over StartNative) through the protocol, as
// serve -engine=native serves it: its timeline (a seek back, as a tour's
// Back does), its linearizability check, its watches and its key history
// answer, as the page's own engine's do; none is refused as missing.
func TestSharedEngineForwardsThroughTheProtocol(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a, b := engine.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		engine.Serve(ctx, b, engine.ServerOptions{Kind: "native", Build: "v1", Start: Shared(StartNative)})
	}()
	defer func() { cancel(); <-done }()
	c, err := engine.NewClient(ctx, func(context.Context) (engine.Conn, error) { return a, nil }, engine.ClientOptions{Build: "v1"})
	if err != nil {
		t.Fatal(err)
	}
	e, err := c.Start(ctx, engine.StartRequest{Members: 3, Seed: 9, Speed: engine.MaxSpeed})
	if err != nil {
		t.Fatal(err)
	}
	var l uint64
	for l == 0 {
		for _, m := range e.Status() {
			if m.State == "leader" {
				l = m.ID
			}
		}
		if ctx.Err() != nil {
			t.Fatal("no leader")
		}
		time.Sleep(time.Millisecond) // polling the client's view
	}
	w, err := e.(engine.Watcher).Watch(l, engine.WatchRequest{Key: []byte("k")})
	if err != nil {
		t.Fatalf("watch: %v", err)
	}
	if _, err := e.Put(ctx, l, []byte("k"), []byte("v")); err != nil {
		t.Fatalf("put: %v", err)
	}
	if rs, err := w.Next(ctx); err != nil || len(rs) == 0 {
		t.Fatalf("the watch: %v, %v", rs, err)
	}
	if _, err := e.(engine.Historian).KeyHistory(ctx, l, []byte("k"), 10); err != nil {
		t.Fatalf("key history: %v", err)
	}
	if v, err := e.(engine.Checker).CheckHistory(ctx); err != nil || v.Err != "" {
		t.Fatalf("check: %+v, %v", v, err)
	}
	tl := e.(engine.Timeliner)
	if !tl.Timeline().Recorded {
		t.Fatalf("the native run is not recorded: %+v", tl.Timeline())
	}
	e.Pause()
	back := e.Now() / 2
	if err := tl.Seek(ctx, back); err != nil {
		t.Fatalf("seek to tick %d: %v", back, err)
	}
	for e.Now() != back {
		if ctx.Err() != nil {
			t.Fatalf("the client shows tick %d after the seek to %d", e.Now(), back)
		}
		time.Sleep(time.Millisecond) // polling the client's view
	}
}
