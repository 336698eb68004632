package engine

import (
	"context"
	"time"
)

// The client's side of watches (watch.go): a watch is registered under
// its request's ID before the request leaves, so that responses in an
// update that overtakes the answer are kept; apply files each update's
// responses under their watch; Next takes them, which acknowledges the
// update as any read of the view does.

// clientWatch is one watch's unread responses and end. Guarded by Client.mu.
type clientWatch struct {
	resps []WatchResponse
	err   error  // why it ended; nil while it runs
	state string // as of the latest update that said (WatchStater)
}

// Watch implements Watcher over the connection.
func (r *remote) Watch(member uint64, req WatchRequest) (WatchStream, error) {
	c := r.c
	cw := &clientWatch{}
	var id uint64
	_, ch, err := c.sendWith(&Request{Op: OpWatch, Member: member, Watch: req}, true, func(n uint64) {
		id = n
		if c.v.watches == nil {
			c.v.watches = map[uint64]*clientWatch{}
		}
		c.v.watches[n] = cw
	})
	if err != nil {
		return nil, err
	}
	p := <-ch // the engine answers at once: the watch is only queued
	if p.Err != nil {
		c.mu.Lock()
		delete(c.v.watches, id)
		c.mu.Unlock()
		return nil, p.Err
	}
	return &remoteWatch{c: c, id: id, w: cw}, nil
}

// applyWatches files an update's watch responses. Client.mu held.
func (c *Client) applyWatches(ws []WatchUpdate) {
	for _, wu := range ws {
		cw := c.v.watches[wu.ID]
		if cw == nil || cw.err != nil {
			continue // cancelled here, or overflowed: the rest is not wanted
		}
		if wu.State != "" {
			cw.state = wu.State
		}
		cw.resps = append(cw.resps, wu.Responses...)
		if len(cw.resps) > MaxClientWatchResponses {
			cw.resps, cw.err = nil, ErrWatchOverflow
			go c.post(&Request{Op: OpWatchCancel, N: int64(wu.ID)})
			continue
		}
		if wu.Err != nil {
			cw.err = wu.Err
		}
	}
}

// endWatches ends every watch with err (the connection is lost). Client.mu
// held.
func (c *Client) endWatches(err error) {
	for _, cw := range c.v.watches {
		if cw.err == nil {
			cw.err = err
		}
	}
}

// remoteWatch is a watch opened over the connection.
type remoteWatch struct {
	c  *Client
	id uint64
	w  *clientWatch
}

func (w *remoteWatch) Next(ctx context.Context) ([]WatchResponse, error) {
	for {
		var (
			next <-chan struct{}
			err  error
		)
		take := func(v *view) []WatchResponse {
			next = v.updated
			if rs := w.w.resps; len(rs) > 0 {
				w.w.resps = nil
				return rs
			}
			if err = w.w.err; err != nil {
				delete(v.watches, w.id)
			}
			return nil
		}
		// Found something: acknowledge the update at once (the reader
		// is ready for more). Found nothing: acknowledge only if no
		// other read did within watchAckPace, so that a watch alone
		// keeps the updates coming without asking for them back to back
		// (under js/wasm, a client and an engine in one program would
		// then never let the engine's clock run).
		if rs := peekView(w.c, take); len(rs) > 0 || err != nil {
			readView(w.c, func(*view) bool { return true })
			return rs, err
		}
		pace := time.NewTimer(watchAckPace)
		select {
		case <-next:
		case <-pace.C:
			readView(w.c, func(*view) bool { return true })
		case <-ctx.Done():
			pace.Stop()
			return nil, ctx.Err()
		}
		pace.Stop()
	}
}

// watchAckPace is how long a watch with nothing to read waits for another
// reader to acknowledge the latest update before it does (a frame).
const watchAckPace = 16 * time.Millisecond

// peekView returns f's result over the view without acknowledging an
// update.
func peekView[T any](c *Client, f func(v *view) T) T {
	c.mu.Lock()
	defer c.mu.Unlock()
	return f(&c.v)
}

// State implements WatchStater: the state the engine last reported, ""
// once the watch ended.
func (w *remoteWatch) State() string {
	return peekView(w.c, func(*view) string {
		if w.w.err != nil {
			return ""
		}
		return w.w.state
	})
}

func (w *remoteWatch) Cancel() {
	w.c.mu.Lock()
	ended := w.w.err != nil
	if !ended {
		w.w.err = ErrWatchCanceled
	}
	w.c.notifyLocked()
	w.c.mu.Unlock()
	if !ended {
		w.c.post(&Request{Op: OpWatchCancel, N: int64(w.id)})
	}
}
