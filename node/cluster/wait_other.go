//go:build !js

package cluster

import "time"

// minSleep is the shortest wait between two work slices: natively a
// driver behind schedule still sleeps a millisecond between slices.
const minSleep = time.Millisecond

// waitFor blocks until d has passed or wake fires, or returns a Step
// request that arrived first. Natively a Go timer is all it takes, and a
// wait is never late.
func waitFor(d time.Duration, wake <-chan struct{}, steps <-chan chan struct{}) (step chan struct{}, late time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-wake:
	case done := <-steps:
		return done, 0
	}
	return nil, 0
}
