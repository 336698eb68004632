package local

import (
	"sync/atomic"
	"syscall/js"
	"time"
)

// yieldable: under js/wasm yieldTask hands the thread to the browser.
const yieldable = true

// yielded is when the engine last got the thread back from the browser
// (Unix nanoseconds; 0 before the first yield, so the first call yields).
var yielded atomic.Int64

func lastYield() time.Time { return time.Unix(0, yielded.Load()) }
func markYield()           { yielded.Store(time.Now().UnixNano()) }

// yieldTask blocks until a zero-delay browser timer has fired: the Go
// runtime hands the thread back to the browser meanwhile (no goroutine of
// the caller's can run), and the caller goes on in a new task.
func yieldTask() {
	fired := make(chan struct{})
	cb := js.FuncOf(func(js.Value, []js.Value) any {
		close(fired)
		return nil
	})
	defer cb.Release()
	js.Global().Call("setTimeout", cb, 0)
	<-fired
}
