//go:build browser

package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// typeLine types into the console's input as a person does: focus it, type
// the keys (no select-all first: whatever the input still holds stays), and
// press Enter. It returns the sequence number of the entry the command made.
func (tb *tab) typeLine(line string) int {
	tb.t.Helper()
	var before int
	tb.eval(consoleLastSeq, &before)
	tb.eval(`document.querySelector('#console-input').focus(), true`, new(bool))
	tb.run(chromedp.SendKeys("#console-input", line+"\r", chromedp.ByQuery))
	seq := before + 1
	tb.waitJS(fmt.Sprintf(`(() => { const e = document.querySelector('.console-entry[data-seq="%d"]'); return e !== null && e.dataset.status !== "pending"; })()`, seq),
		fmt.Sprintf("console command %q to finish", line))
	return seq
}

// consoleEntry is what entry seq shows: its command line and output.
func (tb *tab) consoleEntry(seq int) (cmd, status, out string) {
	tb.t.Helper()
	var res struct{ Cmd, Status, Out string }
	tb.eval(fmt.Sprintf(`(() => { const e = document.querySelector('.console-entry[data-seq="%d"]');
		return {cmd: e.querySelector('.cmd').textContent, status: e.dataset.status, out: e.querySelector('.out').textContent}; })()`, seq), &res)
	return res.Cmd, res.Status, res.Out
}

// Typing one command after another: the input is empty after each Enter
// (the second command is not "put a 1get a"), the newest answer is in view
// inside the console's output however many came before, the output lists
// newest first (as the key results and the event log do), the endpoint
// help names works, and clear empties the output.
func TestConsoleTyping(t *testing.T) {
	tb := newTab(t, 120*time.Second)
	tb.waitLeader()

	seq := tb.typeLine("put a 1")
	if cmd, status, out := tb.consoleEntry(seq); cmd != "$ etcdctl put a 1" || status != "ok" || out != "OK" {
		t.Fatalf("first command: %q %s %q", cmd, status, out)
	}
	tb.waitJS(`document.querySelector('#console-input').value === ""`, "the console input to be cleared after Enter")
	seq = tb.typeLine("get a")
	if cmd, status, out := tb.consoleEntry(seq); cmd != "$ etcdctl get a" || status != "ok" || out != "a\n1" {
		t.Fatalf("second command ran as %q (%s, %q), want \"$ etcdctl get a\" answering \"a\\n1\"", cmd, status, out)
	}

	// Enough commands to overflow the output: the newest entry is in view
	// inside it each time.
	for i := range 12 {
		seq = tb.typeLine(fmt.Sprintf("put k%d v%d", i, i))
		tb.waitJS(fmt.Sprintf(`(() => { const o = document.querySelector('.console-output'); const e = document.querySelector('.console-entry[data-seq="%d"]');
			const r = e.getBoundingClientRect(), ro = o.getBoundingClientRect();
			return r.bottom <= ro.bottom + 1 && r.top >= ro.top - 1; })()`, seq),
			fmt.Sprintf("console entry %d (put k%d) to be scrolled into view", seq, i))
	}
	var overflowed bool
	tb.eval(`(() => { const o = document.querySelector('.console-output'); return o.scrollHeight > o.clientHeight; })()`, &overflowed)
	if !overflowed {
		t.Errorf("the console output never overflowed: the in-view check proved nothing")
	}
	var says bool
	tb.eval(`document.querySelector('.panel.console').innerText.includes('newest first')`, &says)
	if !says {
		t.Errorf("the console does not say its order on screen")
	}
	var order []int
	tb.eval(`[...document.querySelectorAll('.console-entry')].map(e => +e.dataset.seq)`, &order)
	for i := 1; i < len(order); i++ {
		if order[i] >= order[i-1] {
			t.Fatalf("console entries in order %v, want newest first", order)
		}
	}

	// help's example of --endpoints names a member that exists.
	seq = tb.typeLine("help")
	_, _, help := tb.consoleEntry(seq)
	i := strings.Index(help, "--endpoints=")
	if i < 0 {
		t.Fatalf("help does not mention --endpoints: %q", help)
	}
	ep := strings.FieldsFunc(help[i:], func(r rune) bool { return r == ' ' || r == ')' || r == '\n' || r == ':' || r == ',' })[0]
	seq = tb.typeLine("get a " + ep)
	if _, status, out := tb.consoleEntry(seq); status != "ok" || out != "a\n1" {
		t.Errorf("help suggests %s; get a %s answers %s %q", ep, ep, status, out)
	}

	tb.run(chromedp.SendKeys("#console-input", "clear\r", chromedp.ByQuery))
	tb.waitJS(`document.querySelectorAll('.console-entry').length === 0`, "clear to empty the console output")
	tb.waitJS(`document.querySelector('#console-input').value === ""`, "the console input to be cleared after clear")
}
