//go:build browser

package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// closeConnections, injected before the page and its worker load, closes
// every IndexedDB connection the page uses, as the browser does on its own
// (Chromium after a write fails on a full disk), when the page's
// BroadcastChannel "etcdplay-test-close" says so: the connection is closed
// and gets its close event.
const closeConnections = `(() => {
	if (typeof IDBDatabase === "undefined") return;
	const open = new Set();
	new BroadcastChannel("etcdplay-test-close").onmessage = () => {
		for (const db of open) { db.close(); db.dispatchEvent(new Event("close")); }
		open.clear();
	};
	const orig = IDBDatabase.prototype.transaction;
	IDBDatabase.prototype.transaction = function(...args) { open.add(this); return orig.apply(this, args); };
})()`

// The browser closes the cluster's IndexedDB connection under a stress
// run: the storage opens the database again on its next call, so no member
// goes down, the run completes, a put is acknowledged, and after a reload
// the writes made since are there (they reached IndexedDB, not just
// memory).
func TestStorageConnectionClosedByBrowser(t *testing.T) {
	tb := blankTab(t, 3*time.Minute)
	tb.inject(closeConnections)
	tb.open()
	tb.waitStorage(`s.storage === "indexeddb"`, "the cluster on IndexedDB")
	tb.waitLeader()
	if status, out := tb.consoleRun("put before/close yes"); status != "ok" {
		t.Fatalf("put: %s", out)
	}
	tb.clickAction("stress", 0)
	tb.within(30*time.Second, `document.querySelector('.stress-result') !== null && +document.querySelector('.stress-result').dataset.done > 0`, "the stress run to start")
	tb.eval(`new BroadcastChannel("etcdplay-test-close").postMessage({}), true`, new(bool))
	t0 := time.Now()
	tb.within(90*time.Second, `document.querySelector('.stress-result').dataset.running === "false"`, "the stress run to end")
	var run struct{ Done, Total, OK, Failed string }
	tb.eval(`({...document.querySelector('.stress-result').dataset})`, &run)
	var errs []string
	tb.eval(`[...document.querySelectorAll('.disk-error')].map(e => e.textContent)`, &errs)
	var states []string
	tb.eval(`[...document.querySelectorAll('.card[data-member]')].map(c => c.dataset.state)`, &states)
	t.Logf("stress run ended %v after the connections closed: %+v; cards %v; disk errors %q", time.Since(t0).Round(time.Millisecond), run, states, errs)
	if len(errs) != 0 || strings.Contains(strings.Join(states, ","), "down") || run.Failed != "0" {
		t.Fatalf("after the browser closed the connection: disk errors %q, cards %v, stress %+v", errs, states, run)
	}
	if status, out := tb.consoleRun("put after/close yes"); status != "ok" {
		t.Fatalf("put after the connection closed: %s", out)
	}
	tb.reload()
	tb.waitStorage(`s.storage === "indexeddb" && s.resumed === "true"`, "the stored cluster to resume")
	l := tb.waitLeader()
	status, out := tb.consoleRun(fmt.Sprintf("get after/close --endpoints %d", l.Member))
	if status != "ok" || !strings.Contains(out, "yes") {
		t.Fatalf("the put made after the connection closed, after a reload: %s %q", status, out)
	}
}
