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

// waitTask stands in for a browser task of its own natively: it returns at
// once unless ctx ended.
func waitTask(ctx context.Context) bool { return ctx.Err() == nil }
