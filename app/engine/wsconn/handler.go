//go:build !js

package wsconn

import (
	"context"
	"net/http"
	"time"

	"github.com/coder/websocket"

	"github.com/etcd-play/etcd-play/app/engine"
)

// Options configure HandlerWith; zero fields take the defaults.
type Options struct {
	// OriginPatterns are the page origins accepted besides the server's
	// own host (websocket.AcceptOptions.OriginPatterns: host patterns as
	// path.Match takes them, e.g. "localhost:*"). By default only a page
	// served from the same host (the Origin header's host equals the
	// request's Host) may connect; a request without an Origin header (not
	// from a browser) is accepted too. A page from another origin gets
	// HTTP 403.
	OriginPatterns []string
	// MaxFrame bounds a frame read from the page, in bytes
	// (DefaultMaxFrame); a longer one ends the connection with close code
	// 1009.
	MaxFrame int64
	// SendTimeout bounds how long a Send waits for a page that does not
	// read (DefaultSendTimeout); then the connection is closed.
	SendTimeout time.Duration
}

// Handler is HandlerWith(serve, Options{}).
func Handler(serve func(ctx context.Context, c engine.Conn)) http.Handler {
	return HandlerWith(serve, Options{})
}

// HandlerWith accepts a WebSocket (refusing another origin, see Options),
// wraps it as an engine.Conn, and calls serve with it on the request's
// goroutine. serve's ctx ends when the connection ends or the request's
// context does (an http.Server whose BaseContext is cancelled on
// shutdown). The connection is closed when serve returns (or closes it):
// code 1000 "the engine's session ended", or 1001 "the server is shutting
// down" once the request's context ended.
func HandlerWith(serve func(ctx context.Context, c engine.Conn), o Options) http.Handler {
	if o.MaxFrame <= 0 {
		o.MaxFrame = DefaultMaxFrame
	}
	if o.SendTimeout <= 0 {
		o.SendTimeout = DefaultSendTimeout
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{OriginPatterns: o.OriginPatterns})
		if err != nil {
			return // Accept answered: 403 for another origin, 4xx for a request that is not a WebSocket
		}
		c := newConn(ws, "the client "+r.RemoteAddr, o.MaxFrame, o.SendTimeout)
		c.goodbye = func() (websocket.StatusCode, string) {
			if r.Context().Err() != nil {
				return websocket.StatusGoingAway, "the server is shutting down"
			}
			return websocket.StatusNormalClosure, "the engine's session ended"
		}
		ctx, cancel := context.WithCancel(r.Context())
		defer cancel()
		go func() {
			select {
			case <-c.ended:
				cancel()
			case <-ctx.Done():
			}
		}()
		serve(ctx, c)
		c.Close() // if serve did not
	})
}
