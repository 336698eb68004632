package gcslice

import (
	"runtime"
	"syscall/js"
	"testing"
	"time"
)

// node is a pointerful heap object: marking a long list of them is work
// the collector cannot skip.
type node struct {
	next *node
	pad  [2]uintptr
}

// TestCollectorYieldsToEventLoop runs one collection over a heap whose
// marking takes far longer than a slice, while a chain of zero-delay
// JavaScript timers counts how many times the event loop got the thread.
// The stock runtime marks in one piece: no timer runs until the cycle is
// over. The patched one hands the thread back after each slice. The test
// asserts the behaviour of the runtime the binary was built with (Enabled),
// and `make test` runs it both ways, so each half is shown to fail on the
// other runtime.
func TestCollectorYieldsToEventLoop(t *testing.T) {
	var head *node
	for range 2_000_000 {
		head = &node{next: head}
	}

	ticks := 0
	stop, stopped := false, make(chan struct{})
	setTimeout := js.Global().Get("setTimeout")
	var tick js.Func
	tick = js.FuncOf(func(js.Value, []js.Value) any {
		ticks++
		if stop {
			close(stopped)
		} else {
			setTimeout.Invoke(tick, 0)
		}
		return nil
	})
	defer tick.Release()
	ready := make(chan struct{})
	first := js.FuncOf(func(js.Value, []js.Value) any {
		close(ready)
		return nil
	})
	defer first.Release()
	setTimeout.Invoke(first, 0)
	<-ready // the event loop runs timers: the chain can start
	setTimeout.Invoke(tick, 0)

	before := ticks
	runtime.GC()
	during := ticks - before
	stop = true
	runtime.KeepAlive(head)
	<-stopped // the chain's last callback ran: tick may be released

	t.Logf("runtime patched: %v; timer callbacks during one collection: %d", Enabled, during)
	if Enabled && during < 3 {
		t.Fatalf("the patched runtime let the event loop run %d times during a collection of a 2M-object heap, want >= 3 (it should yield every 6 ms)", during)
	}
	if !Enabled && during > 1 {
		t.Fatalf("the stock runtime let the event loop run %d times during a collection, want <= 1: this test does not tell the runtimes apart", during)
	}
}

// TestTaskElapsed: with the patched runtime the task clock counts the
// time this task has run (at least the busy loop's), and starts again in
// the next task (after a timer); with the stock one it is unknown.
func TestTaskElapsed(t *testing.T) {
	if !Enabled {
		if _, ok := TaskElapsed(); ok {
			t.Fatal("TaskElapsed is known without the patched runtime")
		}
		return
	}
	time.Sleep(time.Millisecond) // a fresh task
	start := time.Now()
	for time.Since(start) < 5*time.Millisecond {
	}
	busy := time.Since(start)
	in, ok := TaskElapsed()
	if !ok || in < busy {
		t.Fatalf("TaskElapsed after a %v busy loop = %v, %v; want at least the loop", busy, in, ok)
	}
	time.Sleep(time.Millisecond) // the next task
	if next, _ := TaskElapsed(); next >= in {
		t.Fatalf("TaskElapsed in the next task = %v, not below the previous task's %v", next, in)
	}
}
