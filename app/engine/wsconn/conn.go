//go:build !js

package wsconn

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/etcd-play/etcd-play/app/engine"
)

// conn is an engine.Conn over one WebSocket.
//
// Invariant: ended is closed exactly once, after why is set; why never
// changes afterwards (the first reason wins).
type conn struct {
	ws          *websocket.Conn
	peer        string // names the other side in errors: "the engine at ws://...", "the client 127.0.0.1:5000"
	maxFrame    int64
	sendTimeout time.Duration

	frames chan []byte // the reader's next frame, taken by Recv (unbuffered: backpressure)

	endOnce   sync.Once
	why       error
	how       closing // how the WebSocket is closed: decided with why, by the first end
	ended     chan struct{}
	closeOnce sync.Once
	// goodbye, when set, gives Close's close code and reason (the
	// server's: going away while it shuts down); nil: 1000 and no reason.
	goodbye func() (websocket.StatusCode, string)
}

var _ engine.Conn = (*conn)(nil)

// newConn wraps ws and starts its reader goroutine, which runs until the
// connection ends.
func newConn(ws *websocket.Conn, peer string, maxFrame int64, sendTimeout time.Duration) *conn {
	ws.SetReadLimit(-1) // readFrame applies maxFrame with a clear reason
	c := &conn{ws: ws, peer: peer, maxFrame: maxFrame, sendTimeout: sendTimeout,
		frames: make(chan []byte), ended: make(chan struct{})}
	go c.readLoop()
	return c
}

// readLoop reads one message at a time and hands it to Recv. It reads with
// a background context on purpose: the library closes the connection when
// a read's context ends, and Recv's context ending must not.
func (c *conn) readLoop() {
	for {
		typ, b, err := readFrame(c.ws, c.maxFrame)
		switch {
		case errors.Is(err, errTooBig):
			c.finish(fmt.Errorf("wsconn: %s sent a frame over the limit of %d bytes; the connection was closed", c.peer, c.maxFrame),
				closing{code: websocket.StatusMessageTooBig, reason: fmt.Sprintf("frame over the limit of %d bytes", c.maxFrame)})
			return
		case err != nil: // closed by the peer (the library answered its close) or lost
			c.finish(c.explain(err), closing{now: true})
			return
		case typ != websocket.MessageBinary:
			c.finish(fmt.Errorf("wsconn: %s sent a text message; the protocol's frames are binary", c.peer),
				closing{code: websocket.StatusUnsupportedData, reason: "binary frames only"})
			return
		}
		select {
		case c.frames <- b:
		case <-c.ended:
			return
		}
	}
}

var errTooBig = errors.New("frame too big")

// explain says why a read or write on the connection failed.
func (c *conn) explain(err error) error {
	var ce websocket.CloseError
	switch {
	case errors.As(err, &ce):
		reason := ce.Reason
		if reason == "" {
			reason = "no reason given"
		}
		return fmt.Errorf("wsconn: %s closed the connection (%d %v: %s): %w", c.peer, int(ce.Code), ce.Code, reason, err)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed):
		return fmt.Errorf("wsconn: the connection to %s was lost (%s): %w", c.peer, lostHow, err)
	default:
		return fmt.Errorf("wsconn: the connection to %s failed: %w", c.peer, err)
	}
}

// closing says how the WebSocket is closed: at once, without a close
// handshake (now: the connection is lost, or the peer does not read), or
// with a close code and reason for the peer.
type closing struct {
	now    bool
	code   websocket.StatusCode
	reason string
}

// finish ends the connection and closes the WebSocket. The first call
// decides both why (what Recv and Send return) and how it is closed: a
// later call, e.g. the handler's Close after serve saw the reader's
// oversized-frame error, neither changes the reason nor sends its own close
// code in its place. A close with a code waits for the close handshake
// (bounded by the library: a few seconds for a peer that does not answer).
func (c *conn) finish(why error, how closing) {
	c.endOnce.Do(func() {
		c.why, c.how = why, how
		close(c.ended)
	})
	c.closeOnce.Do(func() {
		if c.how.now {
			c.ws.CloseNow()
			return
		}
		c.ws.Close(c.how.code, c.how.reason)
	})
}

// Send implements engine.Conn: one binary message; see the package doc for
// what happens when the peer does not read.
func (c *conn) Send(b []byte) error {
	select {
	case <-c.ended:
		return c.why
	default:
	}
	// The time-out is this package's, not the write's context: the library
	// closes the connection when a write's context ends, and the reader
	// would then report that close before Send could say why.
	stuck := time.AfterFunc(c.sendTimeout, func() {
		// A peer that does not read would not answer the close handshake.
		c.finish(fmt.Errorf("wsconn: %s read nothing for %v; the connection was closed", c.peer, c.sendTimeout), closing{now: true})
	})
	err := c.ws.Write(context.Background(), websocket.MessageBinary, b)
	stuck.Stop()
	if err != nil {
		c.finish(c.explain(err), closing{now: true})
		return c.why
	}
	return nil
}

// Recv implements engine.Conn. Frames that arrived before the peer closed
// are all returned before the error saying it closed.
//
// Frames that arrived come before the end, and the end's reason before a
// ctx that ended with it (the handler's ctx is cancelled when the
// connection ends: its reason, e.g. an oversized frame, is the news).
func (c *conn) Recv(ctx context.Context) ([]byte, error) {
	select {
	case b := <-c.frames:
		return b, nil
	case <-c.ended:
		select {
		case b := <-c.frames:
			return b, nil
		default:
		}
		return nil, c.why
	case <-ctx.Done():
		select {
		case <-c.ended:
			return nil, c.why
		default:
		}
		return nil, ctx.Err()
	}
}

// Close implements engine.Conn: a normal closure (code 1000; the server's
// says why, see HandlerWith), after which this side's Recv and Send return
// ErrClosed. On a connection that had already ended they keep returning
// why it ended, and the peer gets the close code that end chose (see
// finish). It waits for the close handshake.
func (c *conn) Close() error {
	how := closing{code: websocket.StatusNormalClosure}
	if c.goodbye != nil {
		how.code, how.reason = c.goodbye()
	}
	c.finish(ErrClosed, how)
	return nil
}
