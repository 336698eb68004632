//go:build browser

package e2e

import (
	"testing"
	"time"
)

// A key and value made of markup render as text everywhere they are shown,
// and nothing in them runs (no dialog opens, no element is created).
func TestMarkupKeyRendersAsText(t *testing.T) {
	tb := newTab(t, 90*time.Second)
	l := tb.waitLeader()
	const key = `<img src=x onerror=alert(1)>`
	const value = `<script>alert(2)</script><b onmouseover=alert(3)>bold</b>`

	if r := tb.write("put", l.Member, key, value, false); r.Status != "ok" {
		t.Fatalf("put: %s", r.Text)
	}
	r := tb.write("get", l.Member, key, "", false)
	if r.Status != "ok" || len(r.Keys) != 1 || r.Keys[0] != key || r.Values[0] != value {
		t.Fatalf("get shows %+v, want the key and value as text", r)
	}
	status, out := tb.consoleRun("get --prefix '<img'")
	if status != "ok" || out != key+"\n"+value {
		t.Fatalf("console get: %s %q", status, out)
	}
	// A binary value is shown escaped.
	if status, _ := tb.consoleRun(`put bin $'\x01\x02'`); status != "ok" {
		t.Fatalf("put binary: %s", status)
	}
	if status, out := tb.consoleRun("get bin"); status != "ok" || out != "bin\n\"\\x01\\x02\"" {
		t.Fatalf("get binary: %s %q", status, out)
	}

	var injected int
	tb.eval(`document.querySelectorAll('.playground img:not(.logo), .playground script, .playground b').length`, &injected)
	if injected != 0 {
		t.Errorf("%d elements were created from user data", injected)
	}
	// Give an injected onerror handler the chance to have fired: the
	// broken-image error event would already be queued by the time the
	// next animation frame runs.
	tb.waitJS(`new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`, "two animation frames")
	if n := tb.dialogCount(); n != 0 {
		t.Errorf("%d JavaScript dialogs opened", n)
	}
}
