package engine

import (
	"context"
	"fmt"
)

// The Client's Submitter: Submit sends the request at once (requests reach
// the engine in the order they are sent, and the engine queues a client
// call on receipt, before it handles the next request), and the returned
// function waits for the answer. So a call submitted before a Play is
// queued before the cluster plays on: a tour's action in the past starts
// its branch there (app/tour).

var _ Submitter = (*remote)(nil)

func (r *remote) Submit(q *Request) func(ctx context.Context) *Response {
	switch q.Op {
	case OpPut, OpGet, OpDelete, OpCompact, OpCall:
	default:
		err := fmt.Errorf("engine: request %d is not a client call", q.Op)
		return func(context.Context) *Response { return &Response{Err: err} }
	}
	q2 := *q
	id, ch, err := r.c.send(&q2, true)
	return func(ctx context.Context) *Response {
		if err != nil {
			return &Response{Err: err}
		}
		select {
		case p := <-ch:
			return p
		case <-ctx.Done():
			r.c.mu.Lock()
			delete(r.c.pending, id)
			r.c.mu.Unlock()
			r.c.send(&Request{Op: OpCancel, N: int64(id)}, false)
			return &Response{Err: ctx.Err()}
		}
	}
}
