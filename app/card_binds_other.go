//go:build !js

package app

// Natively (tests) go-app draws every value of the cards (card_binds.go).
const domBinds = false

// cardBinder holds nothing natively.
type cardBinder struct{}

// syncCards does nothing natively: go-app drew the values.
func (p *playground) syncCards() {}
