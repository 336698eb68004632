//go:build js

package worker

import (
	"context"
	"fmt"
	"syscall/js"

	"github.com/etcd-play/etcd-play/app/engine"
)

// Dial starts a dedicated worker from scriptURL (the page's ScriptURL()) and
// returns the page's end of the connection. It does not wait for the
// worker to load: frames sent meanwhile wait in the worker (the bootstrap
// keeps them for Listen), and a worker that fails to load or crashes ends
// Recv with an ErrWorkerCrashed error saying what happened. Close
// terminates the worker. ctx is only checked before starting.
//
// The page's current engine worker is also globalThis.etcdplayEngineWorker
// (DebugGlobal): an automation hook, so that a test (or a curious person
// in the console) can reach the real worker, e.g. to make it fail.
func Dial(ctx context.Context, scriptURL string) (engine.Conn, error) {
	c, err := dial(ctx, scriptURL, js.Undefined())
	if err == nil {
		js.Global().Set(DebugGlobal, c.(*conn).port)
	}
	return c, err
}

// DebugGlobal names the page's global that holds its engine worker.
const DebugGlobal = "etcdplayEngineWorker"

// dial is Dial with the Worker constructor's options (tests name a blob:
// worker to pass it the bootstrap's parameters).
func dial(ctx context.Context, scriptURL string, options js.Value) (_ engine.Conn, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ctor := js.Global().Get("Worker")
	if ctor.Type() != js.TypeFunction {
		return nil, fmt.Errorf("worker: this browser has no Web Workers (starting %s)", scriptURL)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("worker: starting %s: %w", scriptURL, errorOf(r))
		}
	}()
	var w js.Value
	if options.IsUndefined() {
		w = ctor.New(scriptURL)
	} else {
		w = ctor.New(scriptURL, options)
	}
	c := newConn(w)
	c.on("message", func(ev js.Value) { c.onMessage(ev.Get("data")) })
	c.on("messageerror", func(js.Value) {
		c.fail(fmt.Errorf("%w: messageerror (the browser could not deserialize it)", ErrUnreadable))
	})
	c.on("error", func(ev js.Value) { c.fail(workerError(scriptURL, ev)) })
	c.closeHook = func() { w.Call("terminate") }
	return c, nil
}

// workerError describes the Worker's error event: an uncaught exception in
// the worker (an ErrorEvent: message, filename, lineno), or a script that
// did not load (a plain Event).
func workerError(scriptURL string, ev js.Value) error {
	msg := ev.Get("message")
	if msg.Type() != js.TypeString || msg.String() == "" {
		return &CrashError{What: "the worker's script " + scriptURL + " did not load (or failed before running)"}
	}
	what := msg.String()
	if f := ev.Get("filename"); f.Type() == js.TypeString && f.String() != "" {
		what += fmt.Sprintf(" (%s:%d)", f.String(), ev.Get("lineno").Int())
	}
	return &CrashError{What: what}
}
