// Package worker is the engine protocol's Web Worker transport: the page
// runs the cluster in a dedicated worker (the site's own app.wasm, started
// by web/engine-worker.js) and talks to it over postMessage.
//
//   - The page calls Dial(ctx, ScriptURL()) and gets an engine.Conn; its
//     Close terminates the worker.
//   - The worker's Go program checks InWorker() before it starts anything
//     of the page, and serves the protocol over Listen().
//
// Frames travel as transferred ArrayBuffers (one postMessage per frame, no
// copy on the way: the sender's bytes are copied once into a fresh
// ArrayBuffer, which moves to the receiver). Anything that is not an
// ArrayBuffer is a control message from the bootstrap or the Go side
// ({etcdplayWorker: "exit" | "close", ...}, see web/engine-worker.js).
//
// Failure: every way the worker can end reaches the page's Recv as an
// error wrapping ErrWorkerCrashed (the worker's error event, a failed
// load, the Go program exiting or panicking, a trap, running out of
// memory) or ErrPeerClosed (the worker's Go side closed its end); a
// message that cannot be read wraps ErrUnreadable. Recv returns the frames
// that arrived before the failure first.
package worker

import "errors"

var (
	// ErrWorkerCrashed: the engine's worker is gone or never started; the
	// error's text says what happened ("the engine crashed: panic: ...").
	ErrWorkerCrashed = errors.New("the engine crashed")
	// ErrPeerClosed: the other side closed the connection.
	ErrPeerClosed = errors.New("the engine's worker closed the connection")
	// ErrUnreadable: a message from the other side could not be read
	// (messageerror, or neither a frame nor a control message).
	ErrUnreadable = errors.New("a message from the engine's worker could not be read")
	// ErrClosed: this side closed the connection (Send or Recv after Close).
	ErrClosed = errors.New("the worker connection is closed")
	// ErrNotBrowser: Dial and Listen exist only in js/wasm.
	ErrNotBrowser = errors.New("web workers exist only in the browser (js/wasm)")
)

// The control messages' names, shared with web/engine-worker.js.
const (
	controlKey   = "etcdplayWorker" // the field naming a control message
	controlExit  = "exit"           // {code, reason}: the Go program is over
	controlClose = "close"          // the worker's Go side closed its end
	// inboxName is the global where the bootstrap keeps the MessageEvents
	// that arrived before Listen.
	inboxName = "etcdplayWorkerInbox"
)
