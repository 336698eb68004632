//go:build js

package durable

import (
	"fmt"
	"syscall/js"
)

// LockTab takes the Web Lock name for this tab, or fails with ErrLocked when
// another tab holds it; with steal it takes the lock over and the other
// tab's Lost channel closes. Without the Web Locks API (an insecure http
// origin, old browsers) it returns an error wrapping ErrUnavailable.
// It (and Release) waits for the browser: do not call it from a js.FuncOf
// callback.
func LockTab(name string, steal bool) (*TabLock, error) {
	var locks js.Value
	if nav := js.Global().Get("navigator"); nav.Truthy() { // Node 20 has none
		locks = nav.Get("locks")
	}
	if !locks.Truthy() {
		return nil, fmt.Errorf("%w: the Web Locks API is not available", ErrUnavailable)
	}
	l := &TabLock{lost: make(chan struct{})}
	granted := make(chan js.Value, 1) // the held promise's resolve, or null
	var resolve js.Value
	// The executor runs synchronously inside new Promise (in granted's
	// callback below); it only keeps resolve.
	executor := js.FuncOf(func(this js.Value, args []js.Value) any {
		resolve = args[0]
		return nil
	})
	callback := js.FuncOf(func(this js.Value, args []js.Value) any {
		if args[0].IsNull() { // ifAvailable and held elsewhere
			granted <- js.Null()
			return nil
		}
		// Holding the returned promise holds the lock; resolving it
		// releases the lock.
		p := js.Global().Get("Promise").New(executor)
		granted <- resolve
		return p
	})
	// done is closed once the lock is no longer held by this tab: the
	// request's promise settles on release, or rejects (AbortError) when
	// another tab steals the lock.
	done := make(chan struct{})
	var settled, stolen js.Func
	settled = js.FuncOf(func(this js.Value, args []js.Value) any {
		close(done)
		go func() { settled.Release(); stolen.Release() }()
		return nil
	})
	stolen = js.FuncOf(func(this js.Value, args []js.Value) any {
		l.markLost()
		close(done)
		go func() { settled.Release(); stolen.Release() }()
		return nil
	})
	opts := map[string]any{"ifAvailable": true}
	if steal {
		opts = map[string]any{"steal": true}
	}
	var req js.Value
	if err := jsTry(func() { req = locks.Call("request", name, js.ValueOf(opts), callback) }); err != nil {
		executor.Release()
		callback.Release()
		settled.Release()
		stolen.Release()
		return nil, fmt.Errorf("%w: navigator.locks.request: %v", ErrUnavailable, err)
	}
	req.Call("then", settled, stolen)
	res := <-granted
	executor.Release()
	callback.Release()
	if res.IsNull() {
		return nil, ErrLocked
	}
	l.release = func() {
		res.Invoke()
		<-done // the browser has released it: another LockTab can take it
	}
	return l, nil
}
