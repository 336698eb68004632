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
// ({etcdplayWorker: "exit" | "close" | "progress" | "module", ...}, see
// web/engine-worker.js); the page's conn ignores "progress" and "module",
// which are for the page's head script (the wasm's download progress, and
// the compiled wasm, so that the page does not compile the same wasm
// again: app/site's earlyWasmScript).
//
// Failure: every way the worker can end reaches the page's Recv as an
// error wrapping ErrWorkerCrashed (the worker's error event, a failed
// load, the Go program exiting or panicking, a trap, running out of
// memory) or ErrPeerClosed (the worker's Go side closed its end); a
// message that cannot be read wraps ErrUnreadable. Recv returns the frames
// that arrived before the failure first.
package worker

import (
	"errors"
	"strconv"
	"strings"
)

var (
	// ErrWorkerCrashed: the engine's worker is gone or never started. The
	// error is a *CrashError saying what happened.
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
	controlKey      = "etcdplayWorker" // the field naming a control message
	controlExit     = "exit"           // {code, reason}: the Go program is over
	controlClose    = "close"          // the worker's Go side closed its end
	controlModule   = "module"         // {module}: the bootstrap's compiled wasm, for the page
	controlProgress = "progress"       // {loaded}: bytes of the wasm downloaded so far, for the page
	// inboxName is the global where the bootstrap keeps the MessageEvents
	// that arrived before Listen.
	inboxName = "etcdplayWorkerInbox"
)

// CrashError is how the engine's worker ended (errors.Is ErrWorkerCrashed).
type CrashError struct {
	// What happened, in one line for the page: "panic: ... (exit code
	// 2)", "fatal error: out of memory (exit code 2)", "the worker's
	// program exited with code 3", "Uncaught Error: ... (file:line)",
	// "loading .../app.wasm: HTTP 404 ...".
	What string
	// Detail is everything the worker reported (a panic's goroutine
	// traces), "" when What is all.
	Detail string
}

func (e *CrashError) Error() string { return ErrWorkerCrashed.Error() + ": " + e.What }
func (e *CrashError) Unwrap() error { return ErrWorkerCrashed }

// crashed is the CrashError of an exit report: code is the Go program's exit
// code (< 0: it never ran or trapped), reason what it wrote last to stderr
// or why it did not run.
func crashed(code int, reason string) *CrashError {
	reason = strings.TrimSpace(reason)
	first, _, _ := strings.Cut(reason, "\n")
	first = strings.TrimSpace(first)
	e := &CrashError{What: first}
	if first != reason {
		e.Detail = reason
	}
	switch {
	case code >= 0 && first == "":
		e.What = "the worker's program exited with code " + strconv.Itoa(code)
	case code >= 0:
		e.What += " (exit code " + strconv.Itoa(code) + ")"
	case first == "":
		e.What = "the worker stopped"
	}
	return e
}
