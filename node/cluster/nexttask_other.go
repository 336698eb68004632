//go:build !js

package cluster

// YieldTask does nothing natively: there is no browser event loop to hand
// the thread to (see the js build).
func YieldTask() {}
