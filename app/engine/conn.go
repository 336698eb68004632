package engine

import "context"

// Conn carries the protocol's frames between a Client and a Server: in
// order, each whole (one Send is one Recv on the other side), never
// merged or split. Implementations: Pipe (in process, tests),
// app/engine/worker (a dedicated Web Worker's postMessage) and
// app/engine/wsconn (a WebSocket).
//
// Concurrency: Send may be called from several goroutines at once; Recv
// from one goroutine at a time.
type Conn interface {
	// Send queues one frame for the peer without waiting for it to read
	// it. It does not keep b after it returns.
	Send(b []byte) error
	// Recv blocks until the next frame arrives, ctx ends, or the
	// connection ends (then an error that says why: closed by the peer,
	// the worker crashed, the network went away).
	Recv(ctx context.Context) ([]byte, error)
	// Close ends the connection; the peer's Recv then fails. Idempotent.
	Close() error
}
