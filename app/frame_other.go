//go:build !js

package app

import (
	"context"
	"time"
)

// waitFrame stands in for the browser's animation frame natively (tests):
// it waits one 60 Hz frame period.
func waitFrame(ctx context.Context) bool {
	t := time.NewTimer(time.Second / 60)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// yieldFor waits d (natively a Go timer is fine), returning early when wake
// fires; a Step request arriving meanwhile is served with tick. Natively
// nothing shares the thread, so it never reports being late.
func yieldFor(d time.Duration, wake <-chan struct{}, steps <-chan chan struct{}, tick func()) (late time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-wake:
	case done := <-steps:
		tick()
		close(done)
	}
	return 0
}
