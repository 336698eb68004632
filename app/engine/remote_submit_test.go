package engine_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/app/engine/local"
)

// A call submitted through the Client before a Play is queued before the
// cluster plays on: the run's history records it at the tick it was
// submitted at (a tour's action in the past starts its branch there).
func TestClientSubmitQueuesBeforeTheNextRequest(t *testing.T) {
	c, _ := serve(t, "v1", local.Start)
	eng, err := c.Start(context.Background(), engine.StartRequest{Members: 3, Seed: 9, Speed: 1000, Memory: true})
	if err != nil {
		t.Fatal(err)
	}
	eng.Pause()
	for range 30 {
		eng.Step()
	}
	export := func() (f struct {
		Tick    uint64
		Actions []struct {
			Tick uint64
			Kind string
		}
	}) {
		t.Helper()
		data, err := eng.(engine.Timeliner).ExportHistory(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &f); err != nil {
			t.Fatal(err)
		}
		return f
	}
	at := export().Tick // the engine's own tick (the view's Now lags)
	sub, ok := eng.(engine.Submitter)
	if !ok {
		t.Fatal("the Client's engine is not a Submitter")
	}
	wait := sub.Submit(&engine.Request{Op: engine.OpPut, Member: 1, Key: []byte("k"), Value: []byte("v")})
	eng.Play()
	p := wait(context.Background())
	if p.Err != nil || p.Put == nil {
		t.Fatalf("the put: %+v", p)
	}
	eng.Pause()
	f := export()
	var calls []uint64
	for _, a := range f.Actions {
		if a.Kind == "call" {
			calls = append(calls, a.Tick)
		}
	}
	if len(calls) != 1 || calls[0] != at {
		t.Fatalf("the put was recorded at ticks %v, want [%d] (submitted while paused there)", calls, at)
	}
	if p := sub.Submit(&engine.Request{Op: engine.OpKill, Member: 1})(context.Background()); p.Err == nil {
		t.Fatal("Submit took a kill, which is not a client call")
	}
}
