//go:build !js

package wsconn

import (
	"context"
	"fmt"

	"github.com/coder/websocket"

	"github.com/etcd-play/etcd-play/app/engine"
)

// Dial opens a WebSocket to the engine at url (ws:// or wss://; EngineURL
// gives the page's) and returns it as an engine.Conn. ctx bounds the
// handshake only; the connection lives until Close or until either side
// ends it. (In the browser: dial_js.go.)
// Frames from the engine may be up to DialMaxFrame bytes.
func Dial(ctx context.Context, url string) (engine.Conn, error) {
	ws, resp, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		if resp != nil && resp.StatusCode != 0 {
			return nil, fmt.Errorf("wsconn: dial %s: the server answered %s: %w", url, resp.Status, err)
		}
		return nil, fmt.Errorf("wsconn: dial %s: %w", url, err)
	}
	return newConn(ws, "the engine at "+url, DialMaxFrame, DefaultSendTimeout), nil
}
