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

// waitUntil blocks until t natively (tests) and reports whether it got
// there (false: ctx ended first).
func waitUntil(ctx context.Context, t time.Time) bool {
	tm := time.NewTimer(time.Until(t))
	defer tm.Stop()
	select {
	case <-tm.C:
		return true
	case <-ctx.Done():
		return false
	}
}
