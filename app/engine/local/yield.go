package local

import "time"

// yieldAfter is how long the engine may keep the thread before its tick
// hands it back between two members' rounds.
const yieldAfter = 6 * time.Millisecond

// yieldLongTask is the engine's cluster.Config.Yield: called by Tick before
// each member's round. In the browser (the engine's Web Worker) it waits
// for a fresh task (yieldTask) once the engine has kept the thread
// yieldAfter since it last got it back, so that the worker's event loop
// runs in between: the page's requests, IndexedDB's callbacks and the
// driver's timers are not held up by a whole tick. A member's round is
// one step of raft, its disk write and its apply: under the heaviest
// stress 5-10 ms each, so a tick of five members spreads over several
// tasks. Natively it does nothing.
func yieldLongTask() {
	if !yieldable {
		return
	}
	if time.Since(lastYield()) >= yieldAfter {
		yieldTask()
		markYield()
	}
}

// yieldReplayAfter is yieldAfter for the timeline's replays (timeline.go):
// a seek makes the page wait for it whatever the engine does meanwhile,
// so a replay keeps the thread longer and loses less to the browser's
// minimum timer delay.
const yieldReplayAfter = 30 * time.Millisecond

// yieldReplay is the replay clusters' cluster.Config.Yield.
func yieldReplay() {
	if !yieldable {
		return
	}
	if time.Since(lastYield()) >= yieldReplayAfter {
		yieldTask()
		markYield()
	}
}
