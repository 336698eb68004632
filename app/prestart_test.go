package app

import (
	"errors"
	"sync/atomic"
	"testing"

	"github.com/etcd-play/etcd-play/app/engine"
)

// TestPrestartedIsTakenOnce: the prestarted start runs once, with
// StartShared; the first take returns its result, later ones find none (so
// startEngine starts anew).
func TestPrestartedIsTakenOnce(t *testing.T) {
	var calls atomic.Int32
	failed := errors.New("the storage failed")
	pre := Prestart(func(mode engine.StartMode) (engine.Engine, error) {
		calls.Add(1)
		if mode != engine.StartShared {
			t.Errorf("mode %v, want StartShared", mode)
		}
		return nil, failed
	})
	if _, err, ok := pre.take(); !ok || err != failed {
		t.Fatalf("first take = %v, %v; want the start's error", err, ok)
	}
	if _, _, ok := pre.take(); ok {
		t.Fatal("second take found a start")
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("the start ran %d times, want 1", n)
	}
	var none *Prestarted
	if _, _, ok := none.take(); ok {
		t.Fatal("a nil Prestarted has a start")
	}
}
