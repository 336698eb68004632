//go:build js

package wsconn

import (
	"context"
	"fmt"
	"sync"
	"syscall/js"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/app/engine/internal/framequeue"
)

// Close codes this side sends (RFC 6455, section 7.4.1).
const (
	codeNormal        = 1000
	codeUnsupported   = 1003
	codeMessageTooBig = 1009
	codeAbnormal      = 1006 // never sent: the browser reports it for a connection lost without a close frame
	maxCloseReason    = 123  // bytes: a close reason must fit a control frame
)

var (
	jsWebSocket   = js.Global().Get("WebSocket")
	jsArrayBuffer = js.Global().Get("ArrayBuffer")
	jsUint8Array  = js.Global().Get("Uint8Array")
)

// Dial opens the browser's WebSocket to url (ws:// or wss://; EngineURL
// gives the page's) and returns it as an engine.Conn once it is open.
// ctx bounds the opening only; the connection lives until Close or until
// either side ends it. Frames from the engine may be up to DialMaxFrame
// bytes.
func Dial(ctx context.Context, url string) (engine.Conn, error) {
	c, err := open(url)
	if err != nil {
		return nil, fmt.Errorf("wsconn: dial %s: %w", url, err)
	}
	select {
	case <-c.opened:
		return c, nil
	case <-c.ended:
		c.release()
		return nil, fmt.Errorf("wsconn: dial %s: %w", url, c.queue.Err())
	case <-ctx.Done():
		c.finish(ctx.Err(), codeNormal, "dial timed out")
		return nil, fmt.Errorf("wsconn: dial %s: %w", url, ctx.Err())
	}
}

// jsConn is an engine.Conn over the browser's WebSocket.
//
// The socket's event handlers run in JS event callbacks and never block:
// onmessage pushes to queue, onclose ends it. Invariant: ended is closed
// exactly once, by the call that set the queue's reason (the first reason
// wins). Frames queued before the end stay readable.
type jsConn struct {
	ws     js.Value
	peer   string // "the engine at ws://..."
	opened chan struct{}
	ended  chan struct{}
	queue  *framequeue.Queue
	funcs  []js.Func // the socket's handlers, released after the close event

	mu       sync.Mutex
	released bool // funcs were released
}

var _ engine.Conn = (*jsConn)(nil)

// open creates the socket and its handlers; a URL the browser refuses
// (bad scheme, a blocked port) is an error at once.
func open(url string) (c *jsConn, err error) {
	defer func() {
		if r := recover(); r != nil {
			c, err = nil, fmt.Errorf("the browser refused the URL: %v", r)
		}
	}()
	ws := jsWebSocket.New(url)
	ws.Set("binaryType", "arraybuffer")
	c = &jsConn{ws: ws, peer: "the engine at " + url,
		opened: make(chan struct{}), ended: make(chan struct{}), queue: framequeue.New()}
	c.on("open", func(js.Value) { close(c.opened) })
	c.on("message", c.onMessage)
	// An error event is always followed by a close event, which says more.
	c.on("close", func(ev js.Value) {
		c.end(c.closedBy(ev.Get("code").Int(), ev.Get("reason").String()))
		c.release()
	})
	return c, nil
}

// on sets the socket's handler for the event type name.
func (c *jsConn) on(name string, handle func(ev js.Value)) {
	f := js.FuncOf(func(this js.Value, args []js.Value) any {
		handle(args[0])
		return nil
	})
	c.ws.Set("on"+name, f)
	c.funcs = append(c.funcs, f)
}

// release drops the handlers once the socket can fire no more events.
func (c *jsConn) release() {
	c.mu.Lock()
	done := c.released
	c.released = true
	c.mu.Unlock()
	if done {
		return
	}
	for _, name := range []string{"open", "message", "close"} {
		c.ws.Set("on"+name, js.Null())
	}
	for _, f := range c.funcs {
		f.Release()
	}
}

// onMessage queues a binary frame; a text message or one over DialMaxFrame
// ends the connection with a close code saying why.
func (c *jsConn) onMessage(ev js.Value) {
	data := ev.Get("data")
	if !data.InstanceOf(jsArrayBuffer) {
		c.finish(fmt.Errorf("wsconn: %s sent a text message; the protocol's frames are binary", c.peer),
			codeUnsupported, "binary frames only")
		return
	}
	if n := data.Get("byteLength").Int(); n > DialMaxFrame {
		c.finish(fmt.Errorf("wsconn: %s sent a frame over the limit of %d bytes; the connection was closed", c.peer, DialMaxFrame),
			codeMessageTooBig, fmt.Sprintf("frame over the limit of %d bytes", DialMaxFrame))
		return
	}
	u8 := jsUint8Array.New(data)
	b := make([]byte, u8.Length())
	js.CopyBytesToGo(b, u8)
	c.queue.Push(b)
}

// closedBy says why the socket closed, from its close event.
func (c *jsConn) closedBy(code int, reason string) error {
	if code == codeAbnormal {
		return fmt.Errorf("wsconn: the connection to %s was lost (no close frame: the server stopped or the network failed)", c.peer)
	}
	if reason == "" {
		reason = "no reason given"
	}
	return fmt.Errorf("wsconn: %s closed the connection (%d: %s)", c.peer, code, reason)
}

// end records why the conn ended (the first reason wins).
func (c *jsConn) end(why error) {
	if c.queue.End(why) {
		close(c.ended)
	}
}

// finish ends the conn with why and closes the socket with code and
// reason (the browser sends the close frame; the close event follows).
func (c *jsConn) finish(why error, code int, reason string) {
	c.end(why)
	if len(reason) > maxCloseReason {
		reason = reason[:maxCloseReason]
	}
	c.ws.Call("close", code, reason)
}

// Send implements engine.Conn: one binary message, buffered by the browser.
func (c *jsConn) Send(b []byte) (err error) {
	if err := c.queue.Err(); err != nil {
		return err
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("wsconn: sending a %d-byte frame to %s: %v", len(b), c.peer, r)
		}
	}()
	u8 := jsUint8Array.New(len(b))
	js.CopyBytesToJS(u8, b)
	c.ws.Call("send", u8)
	return nil
}

// Recv implements engine.Conn: the next frame, or, once every frame that
// arrived before the end is read, why the connection ended.
func (c *jsConn) Recv(ctx context.Context) ([]byte, error) { return c.queue.Recv(ctx) }

// Close implements engine.Conn: a normal closure (code 1000), after which
// this side's Recv and Send return ErrClosed; on a connection that had
// already ended they keep returning why it ended. Idempotent.
func (c *jsConn) Close() error {
	c.queue.Discard()
	c.finish(ErrClosed, codeNormal, "")
	return nil
}
