//go:build js

package worker

import (
	"fmt"
	"syscall/js"

	"github.com/etcd-play/etcd-play/app/engine"
)

// InWorker reports whether this program runs in a dedicated worker's
// global scope (no document, no window): the engine's side. Under Node,
// or on the page, it is false.
func InWorker() bool {
	scope := js.Global().Get("DedicatedWorkerGlobalScope")
	return scope.Type() == js.TypeFunction && js.Global().InstanceOf(scope)
}

// Listen returns the worker's end of the connection to the page that
// started it: frames the page sent before (kept by the bootstrap) come
// first. Call it once, in a worker (InWorker). Its Close tells the page
// (whose Recv then fails with ErrPeerClosed); the worker keeps running.
func Listen() engine.Conn {
	self := js.Global()
	c := newConn(self)
	c.on("message", func(ev js.Value) { c.onMessage(ev.Get("data")) })
	c.on("messageerror", func(js.Value) {
		c.fail(fmt.Errorf("%w: messageerror (the browser could not deserialize a message from the page)", ErrUnreadable))
	})
	// No event can arrive between here and the end of Listen (JS runs
	// one thing at a time), so the inbox is complete and in order.
	if inbox := self.Get(inboxName); inbox.Type() == js.TypeObject {
		for i, n := 0, inbox.Length(); i < n; i++ {
			c.onMessage(inbox.Index(i).Get("data"))
		}
		self.Set(inboxName, js.Undefined())
	}
	self.Set("onmessage", js.Null())
	c.closeHook = func() {
		self.Call("postMessage", map[string]any{controlKey: controlClose})
	}
	return c
}

// Available reports whether the page can start a dedicated Web Worker
// from the site's script: the browser has Web Workers and the page's
// origin is not opaque (a frame sandboxed without allow-same-origin may
// not start a worker from its own site's URL: the constructor throws a
// SecurityError).
func Available() bool {
	if js.Global().Get("Worker").Type() != js.TypeFunction {
		return false
	}
	o := js.Global().Get("origin")
	return o.Type() != js.TypeString || o.String() != "null"
}
