package local

import (
	"time"

	"github.com/etcd-play/etcd-play/app/gcslice"
)

// yieldAfter is how long a browser task may have run before the engine's
// tick hands the thread back between two members' rounds.
const yieldAfter = 6 * time.Millisecond

// yieldLongTask is the page's cluster.Config.Yield: called by Tick before
// each member's round, it waits for a fresh browser task (yieldTask) when
// the current one has run yieldAfter, by the runtime's task clock
// (gcslice.TaskElapsed; unknown natively, where it does nothing). A member's
// round is one step of raft, its disk write and its apply: under the
// heaviest stress, 5-10 ms each in the browser, so a tick of five members
// spread over several tasks leaves the browser room between them.
func yieldLongTask() {
	if el, ok := gcslice.TaskElapsed(); ok && el >= yieldAfter {
		yieldTask()
	}
}
