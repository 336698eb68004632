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
//
// The first Dial adopts the worker the page's head already started for
// scriptURL (EarlyGlobal: the site starts it before the page's wasm
// loads, so that both compile at once), with what it posted meanwhile.
func Dial(ctx context.Context, scriptURL string) (engine.Conn, error) {
	c, err := adoptEarly(ctx, scriptURL)
	if c == nil && err == nil {
		c, err = dial(ctx, scriptURL, js.Undefined())
	}
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
	return attach(w, scriptURL), nil
}

// adoptEarly takes over the worker the page's head started for scriptURL,
// once: it returns nil, nil when there is none (or it was for another
// URL), and the page then starts its own.
func adoptEarly(ctx context.Context, scriptURL string) (_ engine.Conn, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	early := js.Global().Get(EarlyGlobal)
	if !early.Truthy() {
		return nil, nil
	}
	js.Global().Delete(EarlyGlobal)
	w := early.Get("worker")
	if early.Get("url").String() != scriptURL || !w.Truthy() {
		if w.Truthy() {
			w.Call("terminate")
		}
		return nil, nil
	}
	for _, name := range []string{"onmessage", "onmessageerror", "onerror"} {
		w.Set(name, js.Null())
	}
	c := attach(w, scriptURL)
	evs := early.Get("events")
	for i := 0; i < evs.Length(); i++ {
		c.dispatch(scriptURL, evs.Index(i))
	}
	return c, nil
}

// attach returns the page's end of the connection over worker w.
func attach(w js.Value, scriptURL string) *conn {
	c := newConn(w)
	c.on("message", func(ev js.Value) { c.dispatch(scriptURL, ev) })
	c.on("messageerror", func(ev js.Value) { c.dispatch(scriptURL, ev) })
	c.on("error", func(ev js.Value) { c.dispatch(scriptURL, ev) })
	c.closeHook = func() { w.Call("terminate") }
	return c
}

// dispatch handles one event of the page's worker by its type.
func (c *conn) dispatch(scriptURL string, ev js.Value) {
	switch ev.Get("type").String() {
	case "message":
		c.onMessage(ev.Get("data"))
	case "messageerror":
		c.fail(fmt.Errorf("%w: messageerror (the browser could not deserialize it)", ErrUnreadable))
	case "error":
		c.fail(workerError(scriptURL, ev))
	}
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
