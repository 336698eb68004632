package gcslice

import "time"

// TaskElapsed returns how long the current browser task has been running:
// since JavaScript last called into Go from its event loop (an event, a
// timer, an animation frame). Every goroutine that runs before Go hands the
// thread back shares that task, so a goroutine about to do a slice of work
// can see how much of the task others have used already. ok is false
// without the patched runtime (natively, or a build with the stock one).
func TaskElapsed() (d time.Duration, ok bool) {
	ns := taskElapsed()
	return time.Duration(ns), ns >= 0
}
