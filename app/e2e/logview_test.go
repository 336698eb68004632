//go:build browser

package e2e

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// logEntry is one entry row of the log view: its data-* hooks.
type logEntry struct {
	Member      uint64 `json:"logMember,string"`
	Index       uint64 `json:"index,string"`
	Term        uint64 `json:"term,string"`
	Kind        string `json:"kind"`
	Committed   string `json:"committed"`
	Applied     string `json:"applied"`
	Overwritten string `json:"overwritten"`
}

// logEntries reads the log view's rows matching the CSS selector sel
// (within .log-entry).
func (tb *tab) logEntries(sel string) []logEntry {
	tb.t.Helper()
	var es []logEntry
	tb.eval(fmt.Sprintf(`[...document.querySelectorAll(%q)].map(e => ({...e.dataset}))`, ".log-entry"+sel), &es)
	return es
}

// showLogs opens the log view and waits for every member's column.
func (tb *tab) showLogs() {
	tb.t.Helper()
	tb.clickAction("show-logs", 0)
	tb.waitJS(`document.querySelectorAll('.log-column[data-last]').length === document.querySelectorAll('.card[data-member]').length &&
		document.querySelectorAll('.log-entry').length > 0`, "every member's log column")
}

// A leader change overwrites an uncommitted entry, and the log view shows
// it: the leader, isolated, takes a put it cannot commit (the cluster
// paused meanwhile, so that the put reaches it before it steps down); the
// majority elects a new leader, whose entries take that index; after the
// old leader rejoins, its column shows the put as overwritten (struck
// through, data-overwritten) next to the new term's entry at the same
// index, committed, and focusing it shows the decoded request. axe-core
// finds nothing on the page with the view showing all that.
func TestLogViewShowsOverwrittenEntry(t *testing.T) {
	tb := newTab(t, 3*time.Minute)
	old := tb.waitLeader()
	tb.showLogs()
	if n := len(tb.logEntries(fmt.Sprintf(`[data-log-member="%d"][data-overwritten="true"]`, old.Member))); n != 0 {
		t.Fatalf("%d overwritten entries before any fault", n)
	}

	tb.clickAction("pause", 0)
	tb.waitJS(`document.querySelector('[data-action="play"]') !== null`, "the cluster to pause")
	tb.clickAction("isolate", old.Member)
	tb.choose("#client-member", strconv.FormatUint(old.Member, 10))
	tb.typeInto("#write-key", "logview/lost")
	tb.typeInto("#write-value", "<b>never</b>")
	tb.clickAction("put", 0)
	tb.clickAction("play", 0)

	lostSel := fmt.Sprintf(`[data-log-member="%d"][data-kind="put"][data-committed="false"][data-overwritten="false"]`, old.Member)
	tb.waitJS(fmt.Sprintf(`document.querySelector(%q) !== null`, ".log-entry"+lostSel), "the isolated leader's uncommitted put in its log")
	lost := tb.logEntries(lostSel)[0]
	t.Logf("member %d appended the put at index %d in term %d, uncommitted", old.Member, lost.Index, lost.Term)

	nu := tb.waitLeader(old.Member)
	t.Logf("the majority elected member %d in term %d", nu.Member, nu.Term)
	tb.clickAction("rejoin", old.Member)

	over := fmt.Sprintf(`[data-log-member="%d"][data-index="%d"][data-term="%d"][data-overwritten="true"]`, old.Member, lost.Index, lost.Term)
	tb.waitJS(fmt.Sprintf(`document.querySelector(%q) !== null`, ".log-entry"+over), "the old leader's put shown as overwritten")
	var now logEntry
	tb.waitJS(fmt.Sprintf(`[...document.querySelectorAll('.log-entry[data-log-member="%d"][data-index="%d"][data-overwritten="false"]')].some(e => e.dataset.term !== "%d" && e.dataset.committed === "true")`,
		old.Member, lost.Index, lost.Term), "a later term's committed entry at the same index")
	for _, e := range tb.logEntries(fmt.Sprintf(`[data-log-member="%d"][data-index="%d"][data-overwritten="false"]`, old.Member, lost.Index)) {
		now = e
	}
	if now.Term <= lost.Term {
		t.Fatalf("index %d now holds term %d, not later than the overwritten %d", lost.Index, now.Term, lost.Term)
	}
	o := tb.logEntries(over)[0]
	if o.Kind != "put" || o.Committed != "false" || o.Applied != "false" {
		t.Fatalf("the overwritten row: %+v", o)
	}
	t.Logf("index %d: the put of term %d overwritten by a %s entry of term %d", lost.Index, lost.Term, now.Kind, now.Term)

	tb.click(".log-entry" + over)
	var detail string
	tb.waitJS(`document.querySelector('.log-detail').textContent.includes('overwritten')`, "the overwritten entry's detail")
	tb.eval(`document.querySelector('.log-detail').textContent`, &detail)
	if !strings.Contains(detail, `put "logview/lost" = "<b>never</b>"`) {
		t.Fatalf("detail %q does not show the decoded put as text", detail)
	}
	var bold int
	tb.eval(`document.querySelectorAll('.log-view b').length`, &bold)
	if bold != 0 {
		t.Fatal("the value's markup was rendered as markup")
	}

	tb.axeCheck(axeSource(t), "log view", "after an overwrite")
}

// The view is windowed: a column shows its member's newest 24 entries;
// scrolling its list to the end shows 24 more, and so does "Older
// entries", until the window reaches the log's first stored entry (then
// the button goes).
func TestLogViewOlderEntries(t *testing.T) {
	tb := newTab(t, 3*time.Minute)
	l := tb.waitLeader()
	for sel, v := range map[string]string{"#stress-rate": "10", "#stress-count": "60", "#stress-keys": "10"} {
		tb.typeInto(sel, v)
		tb.run(chromedp.KeyEvent("\t"))
	}
	tb.clickAction("stress", 0)
	tb.waitJS(`document.querySelector('.stress-result') !== null && document.querySelector('.stress-result').dataset.running === "false"`, "60 puts")
	tb.showLogs()
	m := l.Member
	rows := fmt.Sprintf(`document.querySelectorAll('.log-entry[data-log-member="%d"]').length`, m)
	var col struct {
		First uint64 `json:"first,string"`
		Last  uint64 `json:"last,string"`
	}
	tb.waitJS(rows+` === 24`, "the newest 24 entries")
	tb.eval(fmt.Sprintf(`({...document.querySelector('.log-column[data-log-column="%d"]').dataset})`, m), &col)
	if col.Last-col.First+1 <= 48 {
		t.Fatalf("the log holds %d..%d: too short to page through", col.First, col.Last)
	}
	var low uint64
	tb.eval(fmt.Sprintf(`Math.min(...[...document.querySelectorAll('.log-entry[data-log-member="%d"]')].map(e => +e.dataset.index))`, m), &low)
	if low != col.Last-23 {
		t.Fatalf("the window's oldest entry is %d, want %d (last %d)", low, col.Last-23, col.Last)
	}

	tb.eval(fmt.Sprintf(`(() => { const u = document.querySelector('ul.log-entries[data-member="%d"]'); u.scrollTop = u.scrollHeight; return true; })()`, m), new(bool))
	tb.waitJS(rows+` === 48`, "48 entries after scrolling to the end")

	tb.clickAction("log-older", m)
	want := min(72, col.Last-col.First+1)
	tb.waitJS(fmt.Sprintf(`%s === %d`, rows, want), fmt.Sprintf("%d entries after Older entries", want))
	if want < 72 {
		tb.waitJS(fmt.Sprintf(`document.querySelector('[data-action="log-older"][data-member="%d"]').hidden`, m), "the button to go once the window reaches the first entry")
	}
}
