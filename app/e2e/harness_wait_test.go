//go:build browser

package e2e

import (
	"strings"
	"testing"
	"time"
)

// waitJS waits through a TypeError (an element not drawn yet) and fails at
// once on any other exception.
func TestWaitJSWaitsForAbsentElements(t *testing.T) {
	tb := blankTab(t, time.Minute)
	tb.eval(`(() => { setTimeout(() => { const e = document.createElement('p'); e.id = 'late'; e.dataset.x = '1'; document.body.appendChild(e); }, 300); return true; })()`, new(bool))
	tb.waitJS(`document.querySelector('#late').dataset.x === "1"`, "the element added 300 ms later")
	var kept string
	tb.eval(`window.__etcdplayWaitErr || ""`, &kept)
	if !strings.Contains(kept, "TypeError") {
		t.Errorf("window.__etcdplayWaitErr = %q, want the TypeError the first polls met", kept)
	}
	start := time.Now()
	err := tb.pollJS(`undefinedName.dataset.x === "1"`, 10*time.Second)
	if err == nil || !strings.Contains(err.Error(), "ReferenceError") {
		t.Errorf("polling an expression that throws a ReferenceError: %v, want that error", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the ReferenceError took %v to fail the wait, want it at the first poll", d)
	}
}
