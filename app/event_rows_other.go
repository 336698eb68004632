//go:build !js

package app

// Natively (tests) go-app draws the event log's rows (event_rows.go).
const domLogRows = false

// logRows holds nothing natively.
type logRows struct{}

// syncLogRows does nothing natively: go-app drew the rows.
func (p *playground) syncLogRows() {}
