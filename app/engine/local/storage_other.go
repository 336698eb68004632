//go:build !js

package local

// probeIndexedDB: natively there is nothing to probe (durable.OpenIndexedDB
// reports IndexedDB as unavailable).
func probeIndexedDB() error { return nil }

// opaqueOrigin: natively the engine has no origin (tests replace it).
var opaqueOrigin = func() bool { return false }
