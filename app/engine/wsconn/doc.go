// Package wsconn carries the engine protocol's frames over a WebSocket:
// Dial is the page's side, Handler the server's (serve -engine=native).
// Each frame is one binary WebSocket message, so the frames keep their
// order and bounds as engine.Conn requires.
//
// Natively both sides use github.com/coder/websocket (conn.go). In the
// browser Dial uses the browser's WebSocket through syscall/js
// (dial_js.go): the library's wasm build imports net/http, which links
// crypto/tls's package state into the page's wasm (about 0.4 MB gzipped)
// for a page that never makes an HTTP request from Go.
//
// Memory is bounded on both sides:
//   - Reading: natively one goroutine per connection reads the next
//     message only once Recv took the previous one, so a side that does
//     not call Recv stops reading from the socket and TCP's flow control
//     holds the sender back. In the browser the browser receives every
//     message and Dial's conn queues it; the protocol's client paces what
//     the engine sends (responses to its own requests, updates within
//     engine.UpdateWindow). A message longer than the reading side's limit
//     (Options.MaxFrame on the server, DialMaxFrame on the page) ends the
//     connection with close code 1009 and a reason naming the limit.
//   - Sending: natively Send writes the frame to the socket itself (no
//     queue). When the peer does not read, its socket buffers fill and
//     Send blocks; if a frame cannot be written within the send timeout
//     (Options.SendTimeout, DefaultSendTimeout), the connection is closed
//     and every Send and Recv fails with an error saying so. A slow reader
//     therefore costs the server the kernel's socket buffers and the
//     frames of the Sends blocked at that moment, never a growing queue.
//     (In the browser Send never blocks: the browser buffers.)
package wsconn

import (
	"errors"
	"time"
)

const (
	// DefaultMaxFrame bounds a frame the server reads from a page (bytes):
	// above etcd's default request limit (1.5 MiB), so a request etcd
	// would accept fits.
	DefaultMaxFrame = 2 << 20
	// DialMaxFrame bounds a frame the page reads from the engine (bytes).
	DialMaxFrame = 64 << 20
	// DefaultSendTimeout is how long a Send may wait for a peer that does
	// not read before the connection is closed.
	DefaultSendTimeout = 10 * time.Second
)

// ErrClosed is Recv's and Send's error after this side's Close.
var ErrClosed = errors.New("wsconn: the connection was closed by this side")
