package cluster

import (
	"syscall/js"
	"time"
)

// waitFor blocks until d has passed or wake fires, or returns a Step
// request that arrived first. late is how long after the timer's callback
// ran this goroutine got the thread back (0 when the timer did not fire). Under js/wasm it waits on a browser timer
// (setTimeout), not a Go timer: the Go runtime hands the page's only thread
// back to the browser only when no goroutine can run and no Go timer is due,
// and with the page's other goroutines ticking, Go-timer waits of a
// millisecond kept the thread (the UI helper measured Long Tasks of
// 100-400 ms). The callback only closes a channel; it never blocks.
func waitFor(d time.Duration, wake <-chan struct{}, steps <-chan chan struct{}) (step chan struct{}, late time.Duration) {
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
