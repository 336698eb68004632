package cluster

import (
	"syscall/js"
	"time"
)

// waitFor blocks until d has passed or wake fires, or returns a Step
// request that arrived first. Under js/wasm it waits on a browser timer
// (setTimeout), not a Go timer: the Go runtime hands the page's only thread
// back to the browser only when no goroutine can run and no Go timer is due,
// and with the page's other goroutines ticking, Go-timer waits of a
// millisecond kept the thread (the UI helper measured Long Tasks of
// 100-400 ms). The callback only closes a channel; it never blocks.
func waitFor(d time.Duration, wake <-chan struct{}, steps <-chan chan struct{}) chan struct{} {
	fired := make(chan struct{})
	cb := js.FuncOf(func(js.Value, []js.Value) any {
		close(fired)
		return nil
	})
	defer cb.Release()
	id := js.Global().Call("setTimeout", cb, max(d.Milliseconds(), 1))
	select {
	case <-fired:
		return nil
	case <-wake:
	case done := <-steps:
		js.Global().Call("clearTimeout", id)
		return done
	}
	js.Global().Call("clearTimeout", id)
	return nil
}
