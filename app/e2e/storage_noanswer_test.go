//go:build browser

package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// hangCommits, injected before the page and its worker load, makes
// IndexedDB's write transactions go silent on demand, as Chromium left one
// on a full disk: while the page's BroadcastChannel "etcdplay-test-hang"
// last said {hang: true}, a readwrite transaction is created as usual (and
// commits) but its complete and abort handlers are never called.
const hangCommits = `(() => {
	if (typeof IDBDatabase === "undefined") return;
	let hang = false;
	new BroadcastChannel("etcdplay-test-hang").onmessage = (e) => { hang = !!e.data.hang; };
	const orig = IDBDatabase.prototype.transaction;
	IDBDatabase.prototype.transaction = function(...args) {
		const tx = orig.apply(this, args);
		if (hang && args[1] === "readwrite") {
			for (const p of ["oncomplete", "onabort"]) Object.defineProperty(tx, p, {set() {}, get() { return null; }});
		}
		return tx;
	};
})()`

// A write transaction that neither completes nor aborts, under a stress
// run: each member whose save waits on one goes down within a bounded time
// with a line saying the storage did not answer and what to do, the tick
// clock goes on, a put in flight gets an answer, and once storage answers
// again Restart all brings the cluster back, without a reload, with the
// writes acknowledged before.
func TestStorageWriteNeverAnswers(t *testing.T) {
	tb := blankTab(t, 3*time.Minute)
	tb.inject(hangCommits)
	tb.open()
	tb.waitStorage(`s.storage === "indexeddb"`, "the cluster on IndexedDB")
	tb.waitLeader()
	acked := tb.putAcked(3)
	tb.eval(`new BroadcastChannel("etcdplay-test-hang").postMessage({hang: true}), true`, new(bool))
	t0 := time.Now()
	tb.clickAction("stress", 0)
	d := tb.within(60*time.Second, `document.querySelector('.disk-error') !== null`, "a member to report that its storage does not answer")
	var msgs []string
	tb.eval(`[...document.querySelectorAll('.disk-error')].map(e => e.dataset.member + ' ' + e.dataset.kind + ': ' + e.textContent)`, &msgs)
	t.Logf("first disk error %v after the writes went silent: %q", d.Round(time.Millisecond), msgs)
	for _, m := range msgs {
		if !strings.Contains(m, "did not answer") || !strings.Contains(m, "restart the member") {
			t.Errorf("disk error %q does not say the storage did not answer and what to do", m)
		}
	}
	var now int
	tb.eval(`+document.querySelector('.clock').dataset.now`, &now)
	dc := tb.within(10*time.Second, fmt.Sprintf(`+document.querySelector('.clock').dataset.now >= %d`, now+20), "the tick clock to go on")
	t.Logf("the clock went on: 20 ticks in %v", dc.Round(time.Millisecond))
	tb.within(60*time.Second, `document.querySelector('.stress-result') !== null && document.querySelector('.stress-result').dataset.running === "false"`,
		"the stress run to end")
	var states []string
	tb.eval(`[...document.querySelectorAll('.card[data-member]')].map(c => c.dataset.member + ':' + c.dataset.state)`, &states)
	t.Logf("stress run ended %v after the writes went silent; cards %v", time.Since(t0).Round(time.Millisecond), states)

	tb.eval(`new BroadcastChannel("etcdplay-test-hang").postMessage({hang: false}), true`, new(bool))
	r := tb.restartAllRecovers(acked, "after/answer")
	t.Logf("storage answering again: Restart all -> a leader and an acknowledged put in %v, no disk error", r.put.Round(time.Millisecond))
}
