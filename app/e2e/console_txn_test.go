//go:build browser

package e2e

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// enterLine types line into the console and presses Enter, without waiting
// for an answer (a txn's lines after the first make no new entry).
func (tb *tab) enterLine(line string) {
	tb.t.Helper()
	tb.eval(`document.querySelector('#console-input').focus(), true`, new(bool))
	tb.run(chromedp.SendKeys("#console-input", line+"\r", chromedp.ByQuery))
	tb.waitJS(`document.querySelector('#console-input').value === ""`, fmt.Sprintf("the console to take %q", line))
}

// waitEntry waits until entry seq has status (or, with status "", any
// status but pending and input) and returns what it shows.
func (tb *tab) waitEntry(seq int, status string) (cmd, st, out string) {
	tb.t.Helper()
	cond := `e.dataset.status !== "pending" && e.dataset.status !== "input"`
	if status != "" {
		cond = fmt.Sprintf(`e.dataset.status === %q`, status)
	}
	tb.waitJS(fmt.Sprintf(`(() => { const e = document.querySelector('.console-entry[data-seq="%d"]'); return e !== null && %s; })()`, seq, cond),
		fmt.Sprintf("console entry %d to be %q", seq, status))
	return tb.consoleEntry(seq)
}

// A multi-line txn typed into the real console, one line per Enter, with
// etcdctl's prompts while it reads; then a lease granted, a key put with
// it, and the lease's time to live listing the key.
func TestConsoleTxnAndLease(t *testing.T) {
	tb := newTab(t, 120*time.Second)
	tb.waitLeader()
	if status, out := tb.consoleRun("put k1 v1"); status != "ok" || out != "OK" {
		t.Fatalf("put: %s %q", status, out)
	}

	var before int
	tb.eval(consoleLastSeq, &before)
	seq := before + 1
	steps := []struct{ line, prompt string }{
		{"txn -i", "compares:"},
		{`value("k1") = "v1"`, "compares:"},
		{"", "compares:\nsuccess requests (get, put, del):"},
		{"put k2 yes", "compares:\nsuccess requests (get, put, del):"},
		{"get k1", "compares:\nsuccess requests (get, put, del):"},
		{"", "compares:\nsuccess requests (get, put, del):\nfailure requests (get, put, del):"},
		{"put k2 no", "compares:\nsuccess requests (get, put, del):\nfailure requests (get, put, del):"},
	}
	typed := ""
	for i, s := range steps {
		tb.enterLine(s.line)
		if i > 0 {
			typed += "\n"
		}
		typed += s.line
		// The entry shows the lines typed so far (an empty one leaves the
		// input as it was: wait for the entry instead).
		tb.waitJS(fmt.Sprintf(`(() => { const e = document.querySelector('.console-entry[data-seq="%d"]'); return e !== null && e.querySelector('.cmd').textContent === %q; })()`, seq, "$ etcdctl "+typed),
			fmt.Sprintf("the txn to take %q", s.line))
		if _, status, out := tb.consoleEntry(seq); status != "input" || out != s.prompt {
			t.Fatalf("after %q the txn is %s showing %q, want input with the prompts %q", s.line, status, out, s.prompt)
		}
	}
	tb.enterLine("") // ends the failure requests: the txn runs
	cmd, status, out := tb.waitEntry(seq, "")
	wantCmd := "$ etcdctl txn -i\nvalue(\"k1\") = \"v1\"\n\nput k2 yes\nget k1\n\nput k2 no\n"
	wantOut := "compares:\nsuccess requests (get, put, del):\nfailure requests (get, put, del):\nSUCCESS\n\nOK\n\nk1\nv1"
	if cmd != wantCmd || status != "ok" || out != wantOut {
		t.Fatalf("txn: %q %s %q, want %q ok %q", cmd, status, out, wantCmd, wantOut)
	}
	if status, out := tb.consoleRun("get k2"); status != "ok" || out != "k2\nyes" {
		t.Fatalf("get k2 after the txn: %s %q", status, out)
	}

	status, out = tb.consoleRun("lease grant 600")
	m := regexp.MustCompile(`^lease ([0-9a-f]{16}) granted with TTL\(600s\)$`).FindStringSubmatch(out)
	if status != "ok" || m == nil {
		t.Fatalf("lease grant: %s %q", status, out)
	}
	id := m[1]
	if status, out := tb.consoleRun("put leased v --lease=" + id); status != "ok" || out != "OK" {
		t.Fatalf("put --lease: %s %q", status, out)
	}
	status, out = tb.consoleRun("lease timetolive " + id + " --keys")
	if status != "ok" || !regexp.MustCompile(`^lease `+id+` granted with TTL\(600s\), remaining\(\d+s\), attached keys\(\[leased\]\)$`).MatchString(out) {
		t.Fatalf("lease timetolive --keys: %s %q", status, out)
	}
	if status, out := tb.consoleRun("lease grant"); status != "error" || out != "Error: lease grant command needs TTL argument" {
		t.Fatalf("lease grant without a TTL: %s %q", status, out)
	}
}
