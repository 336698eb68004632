package app

import (
	"context"
	"syscall/js"
	"time"
)

// waitFrame blocks until the browser's next animation frame and reports
// whether it came (false: ctx ended first). On a visible page a frame that
// does not come within frameFallbackMs is not waited for: a compositor
// that stopped sending frames to a visible page (seen in headless
// Chromium) must not freeze the cards; the page then refreshes at that
// pace, and its changes show whenever frames return.
//
// Why not a Go timer: under js/wasm the Go runtime hands the thread back to
// the browser only when no goroutine is runnable and no Go timer is due. A
// goroutine that waits for a JavaScript callback is neither, so the refresh
// loop never keeps the runtime busy on its own, and it stops while the tab
// is hidden (browsers pause animation frames there; the fallback is only
// armed while the page is visible).
func waitFrame(ctx context.Context) bool {
	fired := make(chan struct{})
	done := false
	cb := js.FuncOf(func(js.Value, []js.Value) any {
		if !done { // the frame and the fallback may both fire: JS runs one at a time
			done = true
			close(fired)
		}
		return nil
	})
	defer cb.Release()
	global := js.Global()
	id := global.Call("requestAnimationFrame", cb)
	timer := js.Null()
	if doc := global.Get("document"); doc.Truthy() && doc.Get("visibilityState").String() == "visible" {
		timer = global.Call("setTimeout", cb, frameFallbackMs)
	}
	ok := false
	select {
	case <-fired:
		ok = true
	case <-ctx.Done():
		done = true // a callback still to come does nothing
	}
	global.Call("cancelAnimationFrame", id)
	if !timer.IsNull() {
		global.Call("clearTimeout", timer)
	}
	return ok
}

// frameFallbackMs is how long waitFrame waits for a frame on a visible
// page: six frames at 60 Hz.
const frameFallbackMs = 100

// waitUntil blocks until t, and on a hidden page until it is visible again
// (browsers pause animation frames there: waitFrame waits for the next),
// and reports whether it got there (false: ctx ended first). While the page
// is visible it waits with a timer, not for animation frames: a refresh
// period a little under two frames would otherwise round up to two or
// three of them, as frames come late under load.
func waitUntil(ctx context.Context, t time.Time) bool {
	for {
		d := time.Until(t)
		if doc := js.Global().Get("document"); doc.Truthy() && doc.Get("visibilityState").String() != "visible" {
			if !waitFrame(ctx) {
				return false
			}
			continue
		}
		if d <= 0 {
			return true
		}
		tm := time.NewTimer(d)
		select {
		case <-tm.C:
		case <-ctx.Done():
			tm.Stop()
			return false
		}
	}
}
