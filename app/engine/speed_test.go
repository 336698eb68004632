package engine_test

import (
	"context"
	"testing"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/app/engine/local"
)

// The driver's speed travels in the updates: the start's, then each
// SetSpeed's (clamped as the engine clamps it), whoever set it: on a
// shared cluster (serve -engine=native) one page's SetSpeed shows in
// another's.
func TestSpeedThroughTheProtocol(t *testing.T) {
	start := local.Shared(local.StartNative)
	a, _ := serve(t, "v1", start)
	b, _ := serve(t, "v1", start)
	ea, err := a.Start(context.Background(), engine.StartRequest{Members: 3, Seed: 9, Speed: 200})
	if err != nil {
		t.Fatal(err)
	}
	eb, err := b.Start(context.Background(), engine.StartRequest{Members: 3, Seed: 9, Speed: 50})
	if err != nil {
		t.Fatal(err)
	}
	sa, ok := ea.(engine.SpeedReporter)
	if !ok {
		t.Fatalf("%T is not a SpeedReporter", ea)
	}
	sb := eb.(engine.SpeedReporter)
	waitView(t, "the start's speed, 200", func() bool { return sa.Speed() == 200 && sb.Speed() == 200 })
	ea.SetSpeed(500)
	waitView(t, "page A's speed 500 in page A", func() bool { return sa.Speed() == 500 })
	waitView(t, "page A's speed 500 in page B", func() bool { return sb.Speed() == 500 })
	eb.SetSpeed(5)
	waitView(t, "page B's speed 5 in page A", func() bool { return sa.Speed() == 5 })
	eb.SetSpeed(1e9)
	waitView(t, "a speed past the fastest, clamped", func() bool { return sa.Speed() == engine.MaxSpeed })
}
