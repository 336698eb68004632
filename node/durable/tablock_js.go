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
	var refused js.Value // the request's rejection, read once done is closed
	stolen = js.FuncOf(func(this js.Value, args []js.Value) any {
		if len(args) > 0 {
			refused = args[0]
		}
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
	var res js.Value
	select {
	case res = <-granted:
	case <-done:
		// The request settled. When callback ran (ifAvailable and held
		// elsewhere) it sent to granted before the request settled; when
		// it did not, the browser refused the request (a rejected request
		// never calls callback).
		select {
		case res = <-granted:
		default:
			executor.Release()
			callback.Release()
			return nil, fmt.Errorf("navigator.locks.request failed: %s", describeJS(refused))
		}
	}
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

// describeJS is a JavaScript value (an exception or a rejection) as text.
func describeJS(v js.Value) string {
	if v.IsUndefined() || v.IsNull() {
		return "no reason given"
	}
	if v.Type() == js.TypeObject {
		if m := v.Get("message"); m.Type() == js.TypeString {
			return v.Get("name").String() + ": " + m.String()
		}
	}
	return js.Global().Call("String", v).String()
}
