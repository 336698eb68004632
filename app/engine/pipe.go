package engine

import (
	"context"
	"errors"
	"sync"
)

// Pipe returns the two ends of an in-process Conn: frames sent on one are
// received on the other, in order, each copied. Used by tests and by a
// page that runs its engine in its own process.
func Pipe() (Conn, Conn) {
	a, b := &pipeQueue{wake: make(chan struct{}, 1)}, &pipeQueue{wake: make(chan struct{}, 1)}
	done := &pipeDone{ch: make(chan struct{})}
	return &pipeEnd{in: a, out: b, done: done}, &pipeEnd{in: b, out: a, done: done}
}

// ErrClosed: the connection was closed.
var ErrClosed = errors.New("engine protocol: connection closed")

type pipeDone struct {
	once sync.Once
	ch   chan struct{}
}

// pipeQueue is an unbounded FIFO of frames (the Client and Server pace
// what they send; the queue never decides).
type pipeQueue struct {
	mu     sync.Mutex
	frames [][]byte
	wake   chan struct{} // buffered(1): frames were added
}

type pipeEnd struct {
	in, out *pipeQueue
	done    *pipeDone
}

func (p *pipeEnd) Send(b []byte) error {
	select {
	case <-p.done.ch:
		return ErrClosed
	default:
	}
	p.out.mu.Lock()
	p.out.frames = append(p.out.frames, append([]byte(nil), b...))
	p.out.mu.Unlock()
	select {
	case p.out.wake <- struct{}{}:
	default:
	}
	return nil
}

func (p *pipeEnd) Recv(ctx context.Context) ([]byte, error) {
	for {
		p.in.mu.Lock()
		if len(p.in.frames) > 0 {
			b := p.in.frames[0]
			p.in.frames = p.in.frames[1:]
			p.in.mu.Unlock()
			return b, nil
		}
		p.in.mu.Unlock()
		select {
		case <-p.in.wake:
		case <-p.done.ch:
			return nil, ErrClosed
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func (p *pipeEnd) Close() error {
	p.done.once.Do(func() { close(p.done.ch) })
	return nil
}
