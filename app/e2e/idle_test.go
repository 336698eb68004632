//go:build browser

package e2e

import (
	"strings"
	"testing"
	"time"
)

// A fresh page left alone at the top speed for 2,000 ticks: the event log
// holds no compaction (there is no history to drop) and nothing that failed
// or erred. Before the compactor only submitted real revisions, every 20
// ticks logged "compacts history up to revision 0" and its failure.
func TestIdlePageLogsNoErrors(t *testing.T) {
	tb := newTab(t, 180*time.Second)
	tb.waitLeader()
	var top string
	tb.eval(`[...document.querySelectorAll('#speed option')].map(o => o.value).sort((a, b) => b - a)[0]`, &top)
	tb.choose("#speed", top)
	var start uint64
	tb.eval(`+document.querySelector('.clock').dataset.now`, &start)
	tb.waitJS(`+document.querySelector('.clock').dataset.now >= `+itoa(start+2000), "2,000 ticks to pass at the top speed ("+top+" ticks/s)")

	// Every event the page shows: the log's filters are as a fresh page
	// has them (all kinds, no text).
	var filtered bool
	tb.eval(`document.querySelector('#log-kind').selectedIndex !== 0 || document.querySelector('#log-text').value !== ""`, &filtered)
	if filtered {
		t.Fatal("the event log is filtered on a fresh page")
	}
	var evs []struct{ Kind, Text, Class string }
	tb.eval(`[...document.querySelectorAll('.log li')].map(li => ({kind: li.dataset.kind, text: li.textContent, class: li.className}))`, &evs)
	if len(evs) == 0 {
		t.Fatal("the event log is empty: not even the first election shows, so the check proves nothing")
	}
	for _, e := range evs {
		low := strings.ToLower(e.Text)
		if e.Kind == "compaction" || strings.Contains(e.Class, "failed") || strings.Contains(low, "fail") || strings.Contains(low, "error") {
			t.Errorf("idle page logged %s event %q", e.Kind, e.Text)
		}
	}
	t.Logf("%d events after 2,000 idle ticks at %s ticks/s", len(evs), top)
}
