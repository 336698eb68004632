//go:build browser

package e2e

import (
	"testing"
	"time"
)

// The static site loads under its sub-path, the wasm takes over the
// pre-rendered page, and the version is visible.
func TestPageLoads(t *testing.T) {
	tb := newTab(t, time.Minute)
	var version string
	tb.eval(`document.querySelector('[data-version]').textContent`, &version)
	if version == "" {
		t.Fatal("no version shown")
	}
	t.Logf("shown: %q", version)
}
