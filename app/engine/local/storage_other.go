//go:build !js

package local

// probeIndexedDB: natively there is nothing to probe (durable.OpenIndexedDB
// reports IndexedDB as unavailable).
func probeIndexedDB() error { return nil }
