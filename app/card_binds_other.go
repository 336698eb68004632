//go:build !js

package app

// Natively (tests) go-app draws every value of the cards (card_binds.go).
const domBinds = false

// cardBinder does nothing natively: go-app draws the values.
type cardBinder struct{}

func (b *cardBinder) drawn(string, *liveView) {}

func (b *cardBinder) between(*liveView) {}

func (b *cardBinder) polled() {}
