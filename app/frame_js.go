package app

import (
	"context"
	"syscall/js"
	"time"
)

// waitFrame blocks until the browser's next animation frame and reports
// whether it came (false: ctx ended first).
//
// Why not a Go timer: under js/wasm the Go runtime hands the thread back to
// the browser only when no goroutine is runnable and no Go timer is due. A
// goroutine that waits for a JavaScript callback is neither, so the refresh
// loop never keeps the runtime busy on its own, and it stops while the tab
// is hidden (browsers pause animation frames there).
func waitFrame(ctx context.Context) bool {
	fired := make(chan struct{})
	cb := js.FuncOf(func(js.Value, []js.Value) any {
		close(fired)
		return nil
	})
	defer cb.Release()
	id := js.Global().Call("requestAnimationFrame", cb)
	select {
	case <-fired:
		return true
	case <-ctx.Done():
		js.Global().Call("cancelAnimationFrame", id)
		return false
	}
}

// yieldFor waits d on a browser timer (so the browser runs in between; see
// driver), returning early when wake fires. A Step request arriving
// meanwhile is served with tick. It returns how long ago the timer fired
// when it did: more than a few milliseconds means other goroutines already
// used the browser task that woke us (0 otherwise).
func yieldFor(d time.Duration, wake <-chan struct{}, steps <-chan chan struct{}, tick func()) (late time.Duration) {
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
		return time.Since(firedAt)
	case <-wake:
		js.Global().Call("clearTimeout", id)
	case done := <-steps:
		js.Global().Call("clearTimeout", id)
		tick()
		close(done)
	}
	return 0
}
