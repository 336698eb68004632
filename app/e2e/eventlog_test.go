//go:build browser

package e2e

import (
	"strings"
	"testing"
	"time"
)

// A new event's row is added above the others, which stay as they were:
// the log does not rewrite its rows for each new event (the page's
// longest task under a stress when it did). Its filters still pick the
// rows, and clearing them brings every row back.
func TestEventLogAddsRowsOnTop(t *testing.T) {
	tb := newTab(t, time.Minute)
	l := tb.waitLeader()
	tb.waitJS(`document.querySelectorAll('.log li').length > 0`, "the first events in the log")
	// Mark the row on top, the newest event.
	var marked string
	tb.eval(`(() => { const li = document.querySelector('.log li'); window.__topRow = li; return li.textContent; })()`, &marked)
	if r := tb.write("put", l.Member, "log-row", "v", false); r.Status != "ok" {
		t.Fatalf("put: %+v", r)
	}
	tb.waitJS(`document.querySelector('.log li').textContent.includes('log-row')`, "the put's event on top of the log")
	var got struct {
		Kept     bool
		Text     string
		Position int
	}
	tb.eval(`(() => { const li = window.__topRow, rows = [...document.querySelectorAll('.log li')];
		return {kept: li.isConnected, text: li.textContent, position: rows.indexOf(li)}; })()`, &got)
	if !got.Kept || got.Text != marked || got.Position < 1 {
		t.Fatalf("the row that was on top (%q) is now %+v: rewritten, not kept below the new one", marked, got)
	}

	tb.choose("#log-kind", "client")
	tb.waitJS(`[...document.querySelectorAll('.log li')].length > 0 && [...document.querySelectorAll('.log li')].every(li => li.dataset.kind === 'client')`,
		"only client rows under the client filter")
	var texts []string
	tb.eval(`[...document.querySelectorAll('.log li')].map(li => li.textContent)`, &texts)
	if !strings.Contains(texts[0], "log-row") {
		t.Fatalf("the client filter's newest row is %q; want the put", texts[0])
	}
	// The first choice, "all" (its value is empty).
	tb.eval(`(() => { const e = document.querySelector('#log-kind'); e.selectedIndex = 0; e.dispatchEvent(new Event('change', {bubbles: true})); return true; })()`, new(bool))
	tb.waitJS(`[...document.querySelectorAll('.log li')].some(li => li.dataset.kind !== 'client')`, "every kind back without the filter")
}
