//go:build browser

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// timelineCards is what a card shows of its member that a replay must
// reproduce exactly: every dataset field taken from the member's own
// status. A down member's card shows what the page last saw of it while it
// was up (the page's memory, which depends on when the page looked), so of
// a down member only its state counts.
const timelineCards = `[...document.querySelectorAll('.card[data-member]')].map(c => c.dataset).map(c => c.state === "down" ? c.member + "/down" :
	[c.member, c.state, c.term, c.leader, c.revision, c.keys, c.hash, c.hashRevision, c.compactRevision, c.commit, c.lastIndex, c.snapshotIndex].join('/'))`

// pausedCards pauses the run (if playing) and returns the tick and what the
// cards show once the page shows that tick with a full status (hashes are
// taken at most every 250 ms: the page's values settle on the second equal
// read a few frames apart).
func (tb *tab) pausedCards() (uint64, []string) {
	tb.t.Helper()
	var paused bool
	tb.eval(`document.querySelector('[data-action="play"]') !== null`, &paused)
	if !paused {
		tb.clickAction("pause", 0)
		tb.waitJS(`document.querySelector('[data-action="play"]') !== null`, "the Play button (paused)")
	}
	var prev []string
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		var cs []string
		tb.eval(timelineCards, &cs)
		if prev != nil && reflect.DeepEqual(cs, prev) {
			return tb.now(), cs
		}
		prev = cs
		tb.run(chromedp.Sleep(400 * time.Millisecond)) // two full statuses apart, not a condition
	}
	tb.t.Fatal("the cards never settled while paused")
	return 0, nil
}

// waitCardsEqual waits until the cards show want at tick.
func (tb *tab) waitCardsEqual(tick uint64, want []string, what string) {
	tb.t.Helper()
	tb.waitJS(fmt.Sprintf(`+document.querySelector('[data-now]').dataset.now === %d && JSON.stringify(%s) === %q`,
		tick, timelineCards, mustJSON(want)), what)
}

func mustJSON(v []string) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, s := range v {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%q", s)
	}
	b.WriteByte(']')
	return b.String()
}

// seekTo moves the timeline's range input to tick as a person releasing
// it there would (input, then change).
func (tb *tab) seekTo(tick uint64) {
	tb.t.Helper()
	tb.waitJS(`(() => { const e = document.querySelector('input[type=range][data-timeline]'); return e && !e.disabled; })()`, "the timeline to be enabled")
	tb.eval(fmt.Sprintf(`(() => { const e = document.querySelector('input[type=range][data-timeline]'); e.focus(); e.value = %d;
		e.dispatchEvent(new Event('input', {bubbles: true})); e.dispatchEvent(new Event('change', {bubbles: true})); return true; })()`, tick), new(bool))
	tb.waitJS(fmt.Sprintf(`+document.querySelector('[data-now]').dataset.now === %d && document.querySelector('[data-timeline-busy="false"]') !== null`, tick),
		fmt.Sprintf("the page to show tick %d", tick))
}

// A run with kills, a partition, dropped messages and writes, shared by
// link and opened in a new tab, shows the same cards (hashes included) at
// the same tick, paused.
func TestTimelineShareLink(t *testing.T) {
	tb := newTab(t, 150*time.Second)
	l := tb.waitLeader()
	if r := tb.write("put", 1, "share/a", "1", false); r.Status != "ok" {
		t.Fatalf("put: %s", r.Text)
	}
	f := l.Member%5 + 1
	tb.clickAction("kill", f)
	tb.waitCard(f, `c.state === "down"`)
	if r := tb.write("put", l.Member, "share/b", "2", false); r.Status != "ok" {
		t.Fatalf("put with a member down: %s", r.Text)
	}
	tb.clickAction("isolate", l.Member)
	tb.waitLeader(l.Member)
	tb.clickAction("heal", 0)
	tb.clickAction("restart", f)
	tb.waitCard(f, `c.state !== "down"`)
	// A message dropped by hand, paused (messages_view.go).
	tb.clickAction("pause", 0)
	tb.waitJS(`document.querySelector('[data-action="play"]') !== null`, "paused")
	tb.waitJS(`document.querySelector('.view .msg[data-msg-type]') !== null`, "messages drawn while paused")
	var id string
	tb.eval(`document.querySelector('.view .msg[data-msg-type]').dataset.msgId`, &id)
	tb.click(fmt.Sprintf(`.view .msg[data-msg-id="%s"]`, id))
	tb.waitJS(`document.querySelector('[data-notice]').dataset.notice.startsWith('drop ')`, "the drop sent")
	tb.clickAction("step", 0)
	tb.clickAction("play", 0)
	if r := tb.write("put", f, "share/c", "3", false); r.Status != "ok" {
		t.Fatalf("put after restart: %s", r.Text)
	}
	tick, want := tb.pausedCards()
	tb.clickAction("share", 0)
	tb.waitJS(`document.querySelector('[data-share-url]') !== null`, "the share link")
	var link string
	tb.eval(`document.querySelector('[data-share-url]').dataset.shareUrl`, &link)
	t.Logf("tick %d, link of %d characters", tick, len(link))
	if !strings.Contains(link, "#h=") {
		t.Fatalf("the link %q carries no history", link)
	}

	other := blankTab(t, 120*time.Second)
	other.run(chromedp.Navigate(link))
	other.waitJS(`document.querySelector('.playground[data-ready="true"]') !== null`, "the wasm to mount the shared page")
	other.waitCardsEqual(tick, want, fmt.Sprintf("the shared run to show tick %d with the sharer's cards", tick))
	other.waitJS(`document.querySelector('[data-action="play"]') !== null`, "the shared run to open paused")
}

// Scrub back, act (a new branch), switch back: the first branch's end
// shows the same cards as before.
func TestTimelineScrubAndBranch(t *testing.T) {
	tb := newTab(t, 150*time.Second)
	l := tb.waitLeader()
	for i := 0; i < 3; i++ {
		if r := tb.write("put", l.Member, fmt.Sprintf("scrub/%d", i), "v", false); r.Status != "ok" {
			t.Fatalf("put: %s", r.Text)
		}
	}
	tb.clickAction("kill", l.Member)
	tb.waitLeader(l.Member)
	end, want := tb.pausedCards()
	mid := end / 2
	tb.seekTo(mid)
	tb.seekTo(end)
	tb.waitCardsEqual(end, want, "the end of the run again after going back and forth")
	tb.seekTo(mid)
	// Acting in the past starts a new branch.
	tb.clickAction("play", 0)
	if r := tb.write("put", 2, "scrub/branch", "new", false); r.Status != "ok" {
		t.Fatalf("put on the new branch: %s", r.Text)
	}
	tb.waitJS(`document.querySelectorAll('[data-action="switch-branch"] option').length === 2`, "a second branch")
	tb.choose(`[data-action="switch-branch"]`, "1")
	tb.waitCardsEqual(end, want, "branch 1's end with its cards")
}

// A hostile link and a corrupted history file are refused with a message,
// and the run goes on as it was.
func TestTimelineHostileInput(t *testing.T) {
	tb := blankTab(t, 120*time.Second)
	tb.run(chromedp.Navigate(siteURL + "#h=AAAA%3Cscript%3Ealert(1)%3C%2Fscript%3E"))
	tb.waitJS(`document.querySelector('.playground[data-ready="true"]') !== null`, "the wasm to mount the page")
	tb.waitJS(`(() => { const e = document.querySelector('[data-timeline-error]'); return e && e.textContent.includes('could not be opened'); })()`,
		"the page to say the link could not be opened")
	tb.waitLeader()
	if tb.dialogCount() != 0 {
		t.Fatal("the link's text ran as script")
	}
	if r := tb.write("put", 1, "hostile/a", "1", false); r.Status != "ok" {
		t.Fatalf("the run does not go on after a bad link: %s", r.Text)
	}
	tick, want := tb.pausedCards()

	bad := filepath.Join(t.TempDir(), "history.json")
	if err := os.WriteFile(bad, []byte(`{"version":1,"members":5,"seed":1,"actions":[{"tick":3,"kind":"kill","member":9}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tb.run(chromedp.SetUploadFiles(`input[data-action="import-history"]`, []string{bad}, chromedp.ByQuery))
	tb.waitJS(`(() => { const e = document.querySelector('[data-timeline-error]'); return e && e.textContent.includes('was not loaded'); })()`,
		"the page to refuse the corrupted file")
	tb.waitCardsEqual(tick, want, "the run as it was before the corrupted file")
}
