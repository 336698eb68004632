package cluster

import (
	"syscall/js"
	"time"
)

// minSleep is the shortest wait between two work slices. Under js/wasm
// it is 0: a driver with ticks due waits for a fresh browser task only
// (nextTask), long enough for the events queued meanwhile to run.
const minSleep = 0

// waitFor blocks until d has passed or wake fires, or returns a Step
// request that arrived first. late is how long after the browser task
// that woke it began this goroutine got the thread back (0 when neither a
// timer nor a task woke it). Under js/wasm it waits on a browser timer
// (setTimeout), not a Go timer: the Go runtime hands the thread back to
// the browser only when no goroutine can run and no Go timer is due, and
// with the engine's other goroutines busy, Go-timer waits of a millisecond
// kept the thread (the UI helper measured Long Tasks of 100-400 ms). A wait
// of d <= 0 is one fresh task (nextTask), which no timer clamping delays.
// The callbacks only close or fill a channel; they never block.
func waitFor(d time.Duration, wake <-chan struct{}, steps <-chan chan struct{}) (step chan struct{}, late time.Duration) {
	if d <= 0 {
		select {
		case at := <-nextTask():
			return nil, time.Since(at)
		case <-wake:
		case done := <-steps:
			return done, 0
		}
		return nil, 0
	}
	fired := make(chan struct{})
	var firedAt time.Time
	cb := js.FuncOf(func(js.Value, []js.Value) any {
		firedAt = time.Now()
		close(fired)
		return nil
	})
	defer cb.Release()
	id := js.Global().Call("setTimeout", cb, d.Milliseconds())
	select {
	case <-fired:
		return nil, time.Since(firedAt)
	case <-wake:
	case done := <-steps:
		js.Global().Call("clearTimeout", id)
		return done, 0
	}
	js.Global().Call("clearTimeout", id)
	return nil, 0
}
