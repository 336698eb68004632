package local

import "syscall/js"

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
