// Package framequeue is the receiving half the protocol's browser
// transports share (app/engine/worker's postMessage conn, app/engine/wsconn's
// WebSocket in the browser): the browser delivers each frame to a JS event
// handler, which must not block, so the handler pushes it here and the
// conn's Recv takes it.
//
// The queue is unbounded: the protocol's client paces what the engine
// sends (responses to its own requests, updates within
// engine.UpdateWindow).
package framequeue

import (
	"context"
	"sync"
)

// Queue holds frames received and not yet read, and why the connection
// ended. Push and End never block (safe in a JS event handler); Recv is
// called by one goroutine at a time.
//
// Invariant: once err is set it never changes (the first reason wins), and
// no frame is pushed after it; frames pushed before it are read first.
type Queue struct {
	mu     sync.Mutex
	frames [][]byte
	err    error
	wake   chan struct{} // cap 1: a frame was pushed or err was set
}

// New returns an empty, open queue.
func New() *Queue { return &Queue{wake: make(chan struct{}, 1)} }

// Push appends a frame unless the queue has ended (then b is dropped).
func (q *Queue) Push(b []byte) {
	q.mu.Lock()
	if q.err == nil {
		q.frames = append(q.frames, b)
	}
	q.mu.Unlock()
	q.signal()
}

// End records why the connection ended and reports whether this call set
// it (false: it had already ended, and the first reason stays).
func (q *Queue) End(err error) bool {
	q.mu.Lock()
	first := q.err == nil
	if first {
		q.err = err
	}
	q.mu.Unlock()
	q.signal()
	return first
}

// Discard drops the frames not yet read (the conn was closed by its side:
// nothing more is read).
func (q *Queue) Discard() {
	q.mu.Lock()
	q.frames = nil
	q.mu.Unlock()
}

// Err is why the connection ended, or nil while it is open.
func (q *Queue) Err() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.err
}

func (q *Queue) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// Recv returns the next frame; once the queue ended and every frame pushed
// before that was read, why it ended; or ctx's error if ctx ends first.
func (q *Queue) Recv(ctx context.Context) ([]byte, error) {
	for {
		q.mu.Lock()
		if len(q.frames) > 0 {
			b := q.frames[0]
			q.frames[0] = nil
			q.frames = q.frames[1:]
			q.mu.Unlock()
			return b, nil
		}
		err := q.err
		q.mu.Unlock()
		if err != nil {
			return nil, err
		}
		select {
		case <-q.wake:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}
