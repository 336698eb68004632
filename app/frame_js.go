package app

import (
	"context"
	"syscall/js"
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
