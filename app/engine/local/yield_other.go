//go:build !js

package local

import "time"

// yieldable: natively there is no browser to yield to.
const yieldable = false

func lastYield() time.Time { return time.Time{} }
func markYield()           {}
func yieldTask()           {}
