//go:build !js

package app

// yieldTask does nothing natively: TaskElapsed is unknown there, so
// yieldLongTask never calls it.
func yieldTask() {}
