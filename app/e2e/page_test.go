//go:build browser

package e2e

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/etcd-play/etcd-play/app/engine/local"
)

// Page helpers: they read the stable data-* hooks of the page and operate it
// with real clicks and keystrokes.

// card is one member card's data-* attributes.
type card struct {
	Member   uint64 `json:"member,string"`
	State    string `json:"state"`
	Term     uint64 `json:"term,string"`
	Leader   uint64 `json:"leader,string"`
	Revision int64  `json:"revision,string"`
	Keys     int    `json:"keys,string"`
	Hash     string `json:"hash"`
	HashRev  string `json:"hashRevision"`
	Compact  int64  `json:"compactRevision,string"`
	Applied  uint64 `json:"applied,string"`
}

func (tb *tab) cards() []card {
	tb.t.Helper()
	var cs []card
	tb.eval(`[...document.querySelectorAll('.card[data-member]')].map(c => ({...c.dataset}))`, &cs)
	return cs
}

// waitLeader waits for a card in state leader whose id is not in not, and
// returns it.
func (tb *tab) waitLeader(not ...uint64) card {
	tb.t.Helper()
	ex := make([]string, len(not))
	for i, id := range not {
		ex[i] = strconv.FormatUint(id, 10)
	}
	tb.waitJS(fmt.Sprintf(`[...document.querySelectorAll('.card[data-state="leader"]')].some(c => !%q.split(',').includes(c.dataset.member))`,
		strings.Join(ex, ",")), fmt.Sprintf("a leader other than %v", not))
	for _, c := range tb.cards() {
		if c.State != "leader" {
			continue
		}
		skip := false
		for _, id := range not {
			skip = skip || c.Member == id
		}
		if !skip {
			return c
		}
	}
	tb.t.Fatal("the leader vanished between two reads")
	return card{}
}

// waitCard waits until member id's card satisfies the JavaScript condition
// on c (its dataset), e.g. `c.state === "down"`.
func (tb *tab) waitCard(id uint64, cond string) {
	tb.t.Helper()
	tb.waitJS(fmt.Sprintf(`(() => { const e = document.querySelector('.card[data-member="%d"]'); if (!e) return false; const c = e.dataset; return %s; })()`, id, cond),
		fmt.Sprintf("member %d's card to satisfy %s", id, cond))
}

// clickAction clicks the control with data-action=action (and data-member
// when member is not 0).
func (tb *tab) clickAction(action string, member uint64) {
	tb.t.Helper()
	sel := fmt.Sprintf(`[data-action=%q]`, action)
	if member != 0 {
		sel += fmt.Sprintf(`[data-member="%d"]`, member)
	}
	tb.waitJS(fmt.Sprintf(`(() => { const e = document.querySelector(%q); return e !== null && !e.disabled; })()`, sel),
		"control "+sel+" to be enabled")
	tb.click(sel)
}

// typeInto replaces the text of the input sel by typing text.
func (tb *tab) typeInto(sel, text string) {
	tb.t.Helper()
	tb.eval(fmt.Sprintf(`(() => { const e = document.querySelector(%q); e.focus(); e.select(); return true; })()`, sel), new(bool))
	if text == "" {
		tb.run(chromedp.KeyEvent("\b"))
		return
	}
	tb.run(chromedp.SendKeys(sel, text, chromedp.ByQuery))
}

// choose selects value in the <select> sel, as picking it would (a change
// event).
func (tb *tab) choose(sel, value string) {
	tb.t.Helper()
	var ok bool
	tb.eval(fmt.Sprintf(`(() => { const e = document.querySelector(%q); if (!e || ![...e.options].some(o => o.value === %q)) return false;
		e.value = %q; e.dispatchEvent(new Event('change', {bubbles: true})); return true; })()`, sel, value, value), &ok)
	if !ok {
		tb.t.Fatalf("select %s has no option %q", sel, value)
	}
}

// writeResult is the newest write-panel result once it is no longer pending.
type writeResult struct {
	Status string     `json:"status"`
	Title  string     `json:"title"`
	Text   string     `json:"text"`
	Keys   []string   `json:"keys"`
	Values []string   `json:"values"`
	Rows   [][]string `json:"-"`
}

// write uses the key panel: op is put, get or delete, through member.
func (tb *tab) write(op string, member uint64, key, value string, prefix bool) writeResult {
	tb.t.Helper()
	var before int
	tb.eval(`document.querySelectorAll('.write-result').length ? +document.querySelector('.write-result').dataset.seq : 0`, &before)
	tb.choose("#client-member", strconv.FormatUint(member, 10))
	tb.typeInto("#write-key", key)
	if op == "put" {
		tb.typeInto("#write-value", value)
	}
	var isPrefix bool
	tb.eval(`document.querySelector('#write-prefix').checked`, &isPrefix)
	if isPrefix != prefix {
		tb.click("#write-prefix")
	}
	tb.clickAction(op, 0)
	seq := before + 1
	tb.waitJS(fmt.Sprintf(`(() => { const e = document.querySelector('.write-result[data-seq="%d"]'); return e !== null && e.dataset.status !== "pending"; })()`, seq),
		fmt.Sprintf("%s %q via member %d to finish", op, key, member))
	var r writeResult
	tb.eval(fmt.Sprintf(`(() => { const e = document.querySelector('.write-result[data-seq="%d"]');
		return {status: e.dataset.status, title: e.querySelector('.title').textContent, text: e.textContent,
			keys: [...e.querySelectorAll('td.key')].map(td => td.textContent),
			values: [...e.querySelectorAll('td.value')].map(td => td.textContent)}; })()`, seq), &r)
	return r
}

// consoleRun types line into the console, presses Enter and returns the
// entry's status ("ok" or "error") and output once it finished.
// consoleLastSeq is the highest sequence number among the console's
// entries (0 when it has none), whatever order it shows them in.
const consoleLastSeq = `Math.max(0, ...[...document.querySelectorAll('.console-entry')].map(e => +e.dataset.seq))`

func (tb *tab) consoleRun(line string) (status, out string) {
	tb.t.Helper()
	var before int
	tb.eval(consoleLastSeq, &before)
	tb.typeInto("#console-input", line)
	tb.run(chromedp.KeyEvent("\r"))
	seq := before + 1
	tb.waitJS(fmt.Sprintf(`(() => { const e = document.querySelector('.console-entry[data-seq="%d"]'); return e !== null && e.dataset.status !== "pending"; })()`, seq),
		fmt.Sprintf("console command %q to finish", line))
	var res struct{ Status, Out string }
	tb.eval(fmt.Sprintf(`(() => { const e = document.querySelector('.console-entry[data-seq="%d"]'); return {status: e.dataset.status, out: e.querySelector('.out').textContent}; })()`, seq), &res)
	return res.Status, res.Out
}

// converged waits until every live card shows the same revision (at least
// minRev) and hash, and returns that card state.
func (tb *tab) converged(minRev int64, what string) card {
	tb.t.Helper()
	tb.waitJS(fmt.Sprintf(`(() => { const cs = [...document.querySelectorAll('.card[data-member]')].map(c => c.dataset).filter(c => c.state !== "down");
		return cs.length > 0 && cs.every(c => c.revision === cs[0].revision && c.hash === cs[0].hash && c.hashRevision === cs[0].revision) && +cs[0].revision >= %d; })()`, minRev),
		what)
	for _, c := range tb.cards() {
		if c.State != "down" {
			return c
		}
	}
	return card{}
}

// afterLastCompaction waits until every live member applied the page's
// last auto-compaction for a history at revision rev (at a hash
// checkpoint, see local.PageHashCheckpointEvery), then for the members to
// converge, and returns the converged card. HashKV at a revision depends
// on the compaction revision (as etcd's): a test that compares hashes
// across a reload takes them after it.
func (tb *tab) afterLastCompaction(rev int64) card {
	tb.t.Helper()
	k := int64(local.PageHashCheckpointEvery)
	final := (rev - local.PageCompactionRetention) / k * k
	tb.waitJS(fmt.Sprintf(`[...document.querySelectorAll('.card[data-member]')].every(c => c.dataset.state === "down" || +c.dataset.compactRevision === %d)`, final),
		fmt.Sprintf("every member to auto-compact to revision %d", final))
	return tb.converged(rev, "every member to converge after the last compaction")
}

func since(t0 time.Time) time.Duration { return time.Since(t0).Round(time.Millisecond) }
