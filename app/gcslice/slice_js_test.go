package gcslice

import (
	"runtime"
	"runtime/metrics"
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

// TestCollectorKeepsPaceInALongTask allocates about 550 MB of garbage, with
// a few MB live, in one task that never hands the thread back to the event
// loop (as a test under Node does, or a long computation in the page), and
// samples the heap's size. Then the collector's background workers run at
// most at the scheduling points a program passes (js/wasm has no
// preemption); the patched runtime keeps them out of a task past its budget
// altogether. The heap must stay near its live size either way: marking is
// the assists' to finish (runtime_gcslice_js.go.txt). Before they could, a
// cycle ran on while everything allocated meanwhile survived it, the next
// goal doubled, and the wasm tests of node/mvcc ran out of 4 GB in CI.
//
// With scheduling points both runtimes must keep pace. Without any, the
// stock one does not (a background worker is its only way to end a cycle
// early): the test asserts that too, to show it tells the runtimes apart.
func TestCollectorKeepsPaceInALongTask(t *testing.T) {
	for _, tc := range []struct {
		name  string
		yield bool
	}{{"scheduling points", true}, {"no scheduling point", false}} {
		t.Run(tc.name, func(t *testing.T) {
			base, peak := allocateGarbage(tc.yield)
			grew := int64(peak) - int64(base)
			t.Logf("runtime patched: %v; heap objects %d MB at the start, peak %d MB", Enabled, base>>20, peak>>20)
			const limit = 128 << 20
			if (Enabled || tc.yield) && grew > limit {
				t.Fatalf("the heap grew by %d MB over its %d MB start while the task allocated garbage: the collector did not keep pace (want < %d MB)", grew>>20, base>>20, limit>>20)
			}
			if !Enabled && !tc.yield && grew <= limit {
				t.Fatalf("the stock runtime kept the heap within %d MB (grew %d MB) with no scheduling point: this test does not tell the runtimes apart", limit>>20, grew>>20)
			}
		})
	}
}

// allocateGarbage keeps ~5 MB live while it allocates 1M short-lived
// pointerful objects and 1M 512-byte buffers, passing a scheduling point
// every 1000 if yield, and returns the heap's object bytes at the start and
// the largest of its samples (one per 1000).
func allocateGarbage(yield bool) (base, peak uint64) {
	var live *node
	for range 200_000 {
		live = &node{next: live}
	}
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	base = sample[0].Value.Uint64()

	ring := make([]*node, 20_000) // short-lived pointers the write barrier sees
	var sink []byte
	for i := range 1_000_000 {
		ring[i%len(ring)] = &node{}
		sink = make([]byte, 512)
		if i%1000 == 0 {
			if yield {
				runtime.Gosched() // a scheduling point, not a new task
			}
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
		}
	}
	runtime.KeepAlive(live)
	runtime.KeepAlive(sink)
	runtime.KeepAlive(ring)
	return base, peak
}
