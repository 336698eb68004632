//go:build !js

package durable

import "fmt"

// IDBOptions tunes OpenIndexedDB (see idb_js.go); natively it is unused.
type IDBOptions struct{ Relaxed bool }

// OpenIndexedDB is only available in the browser; natively it returns an
// error wrapping ErrUnavailable so callers fall back to NewMemory.
func OpenIndexedDB(name string, opt IDBOptions) (*DB, error) {
	return nil, fmt.Errorf("%w: IndexedDB exists only in the browser", ErrUnavailable)
}

// DeleteIndexedDB is only available in the browser.
func DeleteIndexedDB(name string) error {
	return fmt.Errorf("%w: IndexedDB exists only in the browser", ErrUnavailable)
}
