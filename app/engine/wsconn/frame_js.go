//go:build js

package wsconn

import (
	"context"

	"github.com/coder/websocket"
)

// lostHow: in the browser the library reports every end of the connection
// alike (the close event's code and reason are not passed on).
const lostHow = "closed by the server or the network; the browser does not say which"

// readFrame reads the next message; the browser has already received it
// whole, so a message longer than max bytes is refused (errTooBig) after
// the fact.
func readFrame(ws *websocket.Conn, max int64) (websocket.MessageType, []byte, error) {
	typ, b, err := ws.Read(context.Background())
	if err != nil {
		return 0, nil, err
	}
	if int64(len(b)) > max {
		return 0, nil, errTooBig
	}
	return typ, b, nil
}
