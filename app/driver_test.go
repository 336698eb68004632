package app

import (
	"sync/atomic"
	"testing"
	"time"
)

func TestDriverPlayPauseStep(t *testing.T) {
	var ticks atomic.Int64
	d := newDriver(func() { ticks.Add(1) }, 1000)
	defer d.Close()
	if !d.Paused() {
		t.Fatal("a new driver must start paused")
	}
	d.Step()
	if got := ticks.Load(); got != 1 {
		t.Fatalf("Step while paused ran %d ticks, want 1", got)
	}

	d.Play()
	deadline := time.Now().Add(10 * time.Second)
	for ticks.Load() < 20 {
		if time.Now().After(deadline) {
			t.Fatalf("playing at 1000 ticks/s: only %d ticks in 10 s", ticks.Load())
		}
		time.Sleep(time.Millisecond) // polling a counter the driver goroutine advances
	}

	// Step pauses: once it returned, the driver runs no tick of its own, so
	// two more Steps add exactly two.
	d.Step()
	if !d.Paused() {
		t.Fatal("Step must leave the driver paused")
	}
	before := ticks.Load()
	d.Step()
	d.Step()
	if got := ticks.Load() - before; got != 2 {
		t.Fatalf("two Steps ran %d ticks", got)
	}
}

func TestClampSpeed(t *testing.T) {
	for _, tt := range []struct{ in, want float64 }{{0, defaultSpeed}, {-1, defaultSpeed}, {5, 5}, {1e9, maxSpeed}} {
		if got := clampSpeed(tt.in); got != tt.want {
			t.Errorf("clampSpeed(%g) = %g, want %g", tt.in, got, tt.want)
		}
	}
}
