//go:build !js

package wsconn

import (
	"context"
	"io"

	"github.com/coder/websocket"
)

// lostHow says how a native connection ends without a close message: the
// peer's process or the network went away.
const lostHow = "it ended without a close message"

// readFrame reads the next message, refusing (errTooBig) one longer than
// max bytes before holding more than max+1 of it in memory.
func readFrame(ws *websocket.Conn, max int64) (websocket.MessageType, []byte, error) {
	typ, r, err := ws.Reader(context.Background())
	if err != nil {
		return 0, nil, err
	}
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return 0, nil, err
	}
	if int64(len(b)) > max {
		return 0, nil, errTooBig
	}
	return typ, b, nil
}
