//go:build !js

package local

// yieldTask does nothing natively: TaskElapsed is unknown there, so
// yieldLongTask never calls it.
func yieldTask() {}
