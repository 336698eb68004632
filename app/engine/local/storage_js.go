package local

import (
	"fmt"
	"syscall/js"

	"github.com/etcd-play/etcd-play/node/durable"
)

// probeIndexedDB reports whether reading globalThis.indexedDB works. In
// some sandboxed frames the read throws a SecurityError; a plain
// js.Value.Get would let that exception unwind through the Go runtime
// (syscall/js does not catch exceptions of property reads, only of calls),
// so the read goes through Reflect.get, a call.
func probeIndexedDB() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: reading indexedDB: %v", durable.ErrUnavailable, r)
		}
	}()
	v := js.Global().Get("Reflect").Call("get", js.Global(), "indexedDB")
	if !v.Truthy() {
		return fmt.Errorf("%w: this browser has no indexedDB", durable.ErrUnavailable)
	}
	return nil
}

// opaqueOrigin reports whether the engine's global scope has an opaque
// origin (self.origin is "null"): a page in a frame sandboxed without
// allow-same-origin, where IndexedDB and Web Locks are refused. A variable
// so that tests can pretend.
var opaqueOrigin = func() bool {
	o := js.Global().Get("origin")
	return o.Type() == js.TypeString && o.String() == "null"
}
