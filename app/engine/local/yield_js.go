package local

import (
	"sync/atomic"
	"time"

	"github.com/etcd-play/etcd-play/node/cluster"
)

// yieldable: under js/wasm yieldTask hands the thread to the browser.
const yieldable = true

// yielded is when the engine last got the thread back from the browser
// (Unix nanoseconds; 0 before the first yield, so the first call yields).
var yielded atomic.Int64

func lastYield() time.Time { return time.Unix(0, yielded.Load()) }
func markYield()           { yielded.Store(time.Now().UnixNano()) }

// yieldTask hands the thread to the browser for one task
// (cluster.YieldTask: a posted message, which no timer clamping delays)
// and returns in a fresh one.
func yieldTask() { cluster.YieldTask() }
