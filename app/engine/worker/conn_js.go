//go:build js

package worker

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"syscall/js"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/app/engine/internal/framequeue"
)

// conn is an engine.Conn over a postMessage port: the page's Worker object
// (Dial) or the worker's own global scope (Listen).
//
// JS event handlers (on) only push to queue or end it: they never block.
type conn struct {
	port js.Value // has postMessage; its events feed the queue
	// closeHook runs once on Close, before the handlers are released
	// (terminate the worker, or tell the page).
	closeHook func()
	queue     *framequeue.Queue

	mu     sync.Mutex
	closed bool      // Close was called
	funcs  []js.Func // the event handlers, released on Close
	remove []func()  // removes the handlers from port
}

var _ engine.Conn = (*conn)(nil)

var (
	jsArrayBuffer = js.Global().Get("ArrayBuffer")
	jsUint8Array  = js.Global().Get("Uint8Array")
)

func newConn(port js.Value) *conn {
	return &conn{port: port, queue: framequeue.New()}
}

// on adds handle as port's listener for the event type name.
func (c *conn) on(name string, handle func(ev js.Value)) {
	f := js.FuncOf(func(this js.Value, args []js.Value) any {
		handle(args[0])
		return nil
	})
	c.port.Call("addEventListener", name, f)
	c.funcs = append(c.funcs, f)
	c.remove = append(c.remove, func() { c.port.Call("removeEventListener", name, f) })
}

// onMessage handles one message's data: a frame (ArrayBuffer) is queued;
// the bootstrap's progress and module are skipped; another control
// message or anything else ends the conn. Runs in a JS event handler: must
// not block.
func (c *conn) onMessage(data js.Value) {
	if data.InstanceOf(jsArrayBuffer) {
		u8 := jsUint8Array.New(data)
		b := make([]byte, u8.Length())
		js.CopyBytesToGo(b, u8)
		c.queue.Push(b)
		return
	}
	if err := controlError(data); err != nil {
		c.fail(err)
	}
}

// controlError is the error a non-frame message means: nil for the
// bootstrap's progress and module, which are for the page's head script,
// not the protocol.
func controlError(data js.Value) error {
	if data.Type() != js.TypeObject || data.Get(controlKey).Type() != js.TypeString {
		return fmt.Errorf("%w: a %s, neither a frame (ArrayBuffer) nor a control message", ErrUnreadable, describe(data))
	}
	switch kind := data.Get(controlKey).String(); kind {
	case controlExit:
		code, reason := -1, ""
		if v := data.Get("code"); v.Type() == js.TypeNumber {
			code = v.Int()
		}
		if v := data.Get("reason"); v.Type() == js.TypeString {
			reason = v.String()
		}
		return crashed(code, reason)
	case controlClose:
		return ErrPeerClosed
	case controlProgress, controlModule:
		return nil
	default:
		return fmt.Errorf("%w: an unknown control message %q", ErrUnreadable, kind)
	}
}

// describe names a JS value's kind for an error message.
func describe(v js.Value) string {
	if v.Type() == js.TypeObject {
		if c := v.Get("constructor"); c.Type() == js.TypeFunction {
			return c.Get("name").String() + " object"
		}
	}
	return v.Type().String()
}

// fail ends the conn with err unless it already ended. Frames queued
// before stay readable. Safe in a JS event handler.
func (c *conn) fail(err error) { c.queue.End(err) }

// Send posts a copy of b as one transferred ArrayBuffer.
func (c *conn) Send(b []byte) (err error) {
	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	if closed {
		return ErrClosed
	}
	if err := c.queue.Err(); err != nil {
		return err
	}
	u8 := jsUint8Array.New(len(b))
	js.CopyBytesToJS(u8, b)
	buf := u8.Get("buffer")
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("worker: posting a %d-byte frame: %v", len(b), r)
		}
	}()
	c.port.Call("postMessage", buf, []any{buf})
	return nil
}

// Recv returns the next frame, or why the conn ended once every frame
// received before that is read; ErrClosed after Close.
func (c *conn) Recv(ctx context.Context) ([]byte, error) {
	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	if closed {
		return nil, ErrClosed
	}
	return c.queue.Recv(ctx)
}

// Close runs the close hook and stops listening. Idempotent.
func (c *conn) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	c.mu.Unlock()
	c.queue.Discard()
	c.queue.End(ErrClosed)
	if c.closeHook != nil {
		c.closeHook()
	}
	for _, r := range c.remove {
		r()
	}
	for _, f := range c.funcs {
		f.Release()
	}
	c.funcs, c.remove = nil, nil
	return nil
}

// errorOf is the JS exception a recovered syscall/js panic carries, or the
// panic itself.
func errorOf(r any) error {
	var jsErr js.Error
	if e, ok := r.(error); ok && errors.As(e, &jsErr) {
		return jsErr
	}
	return fmt.Errorf("%v", r)
}
