//go:build browser

package e2e

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// Storage tests: the page's cluster on IndexedDB. Each newTab has its own
// browser context, so its own IndexedDB; a reload or a second tab in the
// same context sees the same database.

// resetCluster resets the stored cluster with the page's control (and its
// confirmation) and waits for the page to reload into a new, empty cluster
// with a leader.
func (tb *tab) resetCluster() {
	tb.t.Helper()
	tb.clickAction("reset", 0)
	tb.eval(`window.__beforeReset = true`, new(bool))
	tb.clickAction("reset-confirm", 0)
	// The page reloads itself: wait for the new document (polls of the
	// old one end with an error when it navigates away), then for its
	// new cluster.
	for i := 0; ; i++ {
		var gone bool
		err := chromedp.Run(tb.ctx, chromedp.Poll(`window.__beforeReset !== true && document.querySelector('.playground[data-ready="true"]') !== null`,
			&gone, pollEvery, chromedp.WithPollingTimeout(0)))
		if err == nil {
			break
		}
		if i == 5 || !strings.Contains(err.Error(), "navigated") && !strings.Contains(err.Error(), "context with specified id") {
			tb.t.Fatalf("waiting for the page to reload after the reset: %v", err)
		}
	}
	tb.waitStorage(`s.storage === "indexeddb" && s.epoch === "1" && s.resumed === "false"`, "a new cluster after the reset")
	tb.waitLeader()
}

// storageView is section.storage's data-* attributes.
type storageView struct {
	Storage string `json:"storage"`
	Epoch   string `json:"epoch"`
	Resumed string `json:"resumed"`
	Lost    string `json:"lost"`
}

func (tb *tab) storage() storageView {
	tb.t.Helper()
	var v storageView
	tb.eval(`(() => { const e = document.querySelector('.storage[data-storage]'); return e ? {...e.dataset} : {}; })()`, &v)
	return v
}

// waitStorage waits until section.storage's dataset satisfies cond on s.
func (tb *tab) waitStorage(cond, what string) {
	tb.t.Helper()
	tb.waitJS(`(() => { const e = document.querySelector('.storage[data-storage]'); if (!e) return false; const s = e.dataset; return `+cond+`; })()`, what)
}

// reload reloads the tab and waits for the page to mount again.
func (tb *tab) reload() {
	tb.t.Helper()
	tb.run(chromedp.Reload())
	tb.waitJS(`document.querySelector('.playground[data-ready="true"]') !== null`, "the wasm to mount the page again")
}

// sibling opens the site in another tab of tb's browser context (same
// IndexedDB, same Web Locks), as a person opening a second tab would.
func (tb *tab) sibling(timeout time.Duration) *tab {
	t := tb.t
	t.Helper()
	c := chromedp.FromContext(tb.ctx)
	bc := chromedp.FromContext(browserCtx)
	ex := cdp.WithExecutor(browserCtx, bc.Browser)
	info, err := target.GetTargetInfo().WithTargetID(c.Target.TargetID).Do(ex)
	if err != nil {
		t.Fatalf("reading the first tab's browser context: %v", err)
	}
	tid, err := target.CreateTarget("about:blank").WithBrowserContextID(info.BrowserContextID).WithNewWindow(true).Do(ex)
	if err != nil {
		t.Fatalf("opening a second tab: %v", err)
	}
	ctx, cancel := chromedp.NewContext(browserCtx, chromedp.WithTargetID(tid))
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() { cancelTimeout(); cancel() })
	tb2 := &tab{t: t, ctx: ctx}
	chromedp.ListenTarget(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			var b strings.Builder
			for _, a := range ev.Args {
				b.WriteString(strings.Trim(string(a.Value), `"`))
				b.WriteByte(' ')
			}
			t.Logf("second tab console.%s: %.300s", ev.Type, b.String())
		case *runtime.EventExceptionThrown:
			t.Logf("second tab exception: %s", ev.ExceptionDetails.Error())
		}
	})
	tb2.run(chromedp.Navigate(siteURL))
	tb2.waitJS(`document.querySelector('.playground[data-ready="true"]') !== null`, "the second tab to mount the page")
	return tb2
}

// stress runs count puts at the page's fastest speed and rate over keys
// keys and returns the wall time from the click to the run's end.
func (tb *tab) stress(count, keys int) time.Duration {
	tb.t.Helper()
	var speed, rate string
	tb.eval(`[...document.querySelectorAll('#speed option')].pop().value`, &speed)
	tb.eval(`document.querySelector('#stress-rate').max`, &rate)
	tb.choose("#speed", speed)
	for sel, v := range map[string]string{"#stress-rate": rate, "#stress-count": strconv.Itoa(count), "#stress-keys": strconv.Itoa(keys)} {
		tb.typeInto(sel, v)
		tb.run(chromedp.KeyEvent("\t"))
	}
	t0 := time.Now()
	tb.clickAction("stress", 0)
	tb.waitJS(`document.querySelector('.stress-result') !== null && +document.querySelector('.stress-result').dataset.total === `+strconv.Itoa(count),
		"the stress run to start")
	tb.waitJS(`document.querySelector('.stress-result').dataset.running === "false"`, "the stress run to finish")
	d := time.Since(t0)
	var pr struct{ Done, OK, Failed string }
	tb.eval(`({...document.querySelector('.stress-result').dataset})`, &pr)
	if pr.Done != strconv.Itoa(count) || pr.OK == "0" {
		tb.t.Fatalf("stress run: %+v of %d", pr, count)
	}
	tb.t.Logf("stress: %d puts (%s ok, %s failed) in %v: %.0f puts/s", count, pr.OK, pr.Failed, d.Round(time.Millisecond), float64(count)/d.Seconds())
	return d
}

// idbBytes sums the stored keys and values of the page's IndexedDB
// database (what the members and the page stored).
const idbBytes = `new Promise((resolve, reject) => {
	const req = indexedDB.open('etcd-play');
	req.onerror = () => reject(req.error);
	req.onsuccess = () => {
		const db = req.result, tx = db.transaction('records', 'readonly'), cur = tx.objectStore('records').openCursor();
		let bytes = 0, records = 0;
		cur.onsuccess = () => {
			const c = cur.result;
			if (!c) { db.close(); resolve({bytes, records}); return; }
			bytes += c.key[0].length + c.key[1].byteLength + c.value.byteLength; records++;
			c.continue();
		};
		cur.onerror = () => reject(cur.error);
	};
})`

// A stress run of 10,000 puts on IndexedDB, then a reload: the page resumes
// the same cluster (same revision and hash, a new load count and term).
// A second tab is told the cluster is open elsewhere; it runs a separate
// in-memory cluster (the same stress there gives the in-memory rate), and
// after its own reload takes the stored cluster over, which stops the
// first tab.
func TestStorageReloadAndSecondTab(t *testing.T) {
	tb := newTab(t, 3*time.Minute)
	tb.waitStorage(`s.storage === "indexeddb" && s.epoch === "1" && s.resumed === "false"`, "a new cluster on IndexedDB")
	tb.waitLeader()
	idb := tb.stress(10000, 10000)
	before := tb.converged(10000, "every member to converge after the stress run")
	before = tb.afterLastCompaction(before.Revision) // the hash compared below
	var size struct{ Bytes, Records float64 }
	tb.run(chromedp.Evaluate(idbBytes, &size, awaitPromise))
	t.Logf("IndexedDB after %d keys (revision %d): %.0f bytes in %.0f records: %.0f bytes per key",
		before.Keys, before.Revision, size.Bytes, size.Records, size.Bytes/float64(before.Keys))

	t0 := time.Now()
	tb.reload()
	tb.waitStorage(`s.storage === "indexeddb" && s.epoch === "2" && s.resumed === "true"`, "the stored cluster to resume")
	tb.waitLeader()
	after := tb.converged(before.Revision, "the resumed cluster to converge")
	t.Logf("reload to a converged cluster with %d keys: %v", after.Keys, since(t0))
	if after.Revision != before.Revision || after.Hash != before.Hash || after.Keys != before.Keys {
		t.Fatalf("after reload: revision %d hash %s keys %d, want revision %d hash %s keys %d",
			after.Revision, after.Hash, after.Keys, before.Revision, before.Hash, before.Keys)
	}
	if after.Term <= before.Term {
		t.Errorf("after reload: term %d, want a new election above %d", after.Term, before.Term)
	}

	tb2 := tb.sibling(2 * time.Minute)
	tb2.waitJS(`document.querySelector('.storage[data-storage="elsewhere"]') !== null`, "the second tab to say the cluster is open elsewhere")
	tb2.clickAction("run-in-memory", 0)
	tb2.waitStorage(`s.storage === "memory"`, "a separate in-memory cluster")
	var notice string
	tb2.eval(`document.querySelector('.storage-notice').textContent`, &notice)
	if !strings.Contains(notice, "will not survive a reload") {
		t.Errorf("in-memory notice %q", notice)
	}
	tb2.waitLeader()
	tb.clickAction("pause", 0) // the first tab leaves the thread to the second
	mem := tb2.stress(10000, 10000)
	fmt.Printf("BENCH stress-10000-puts indexeddb-seconds=%.2f memory-seconds=%.2f indexeddb-puts-per-sec=%.0f memory-puts-per-sec=%.0f idb-bytes-per-key=%.0f\n",
		idb.Seconds(), mem.Seconds(), 10000/idb.Seconds(), 10000/mem.Seconds(), size.Bytes/float64(before.Keys))

	tb2.reload()
	tb2.waitJS(`document.querySelector('.storage[data-storage="elsewhere"]') !== null`, "the choice again after the second tab's reload")
	tb2.clickAction("take-over", 0)
	tb2.waitStorage(`s.storage === "indexeddb" && s.epoch === "3"`, "the second tab to take the stored cluster over")
	tb.waitStorage(`s.lost === "true"`, "the first tab to say it was taken over")
	tb2.waitLeader()
	got := tb2.converged(before.Revision, "the taken-over cluster to converge")
	if got.Revision != before.Revision || got.Hash != before.Hash {
		t.Fatalf("taken over: revision %d hash %s, want %d %s", got.Revision, got.Hash, before.Revision, before.Hash)
	}
	// The stopped first tab closed its connection, so the second tab's
	// reset can delete the database.
	tb2.resetCluster()
	if c := tb2.converged(1, "the new cluster"); c.Revision != 1 || c.Keys != 0 {
		t.Fatalf("after the second tab's reset: revision %d, %d keys", c.Revision, c.Keys)
	}
}

// Writes acknowledged one by one while a stress load keeps other writes in
// flight; right after the last acknowledgement every member loses power.
// After restart every acknowledged key is there.
func TestStoragePowerLossKeepsAcknowledged(t *testing.T) {
	tb := newTab(t, 2*time.Minute)
	tb.waitStorage(`s.storage === "indexeddb"`, "the cluster on IndexedDB")
	tb.waitLeader()
	tb.typeInto("#stress-rate", "20")
	tb.run(chromedp.KeyEvent("\t"))
	tb.typeInto("#stress-count", "20000")
	tb.run(chromedp.KeyEvent("\t"))
	tb.clickAction("stress", 0)
	tb.waitJS(`document.querySelector('.stress-result') !== null && document.querySelector('.stress-result').dataset.running === "true"`, "stress load")

	var acked []string
	for i := 0; i < 15; i++ {
		k := fmt.Sprintf("ack/%02d", i)
		status, out := tb.consoleRun(fmt.Sprintf("put %s v%d", k, i))
		if status == "ok" {
			acked = append(acked, k)
		} else {
			t.Logf("put %s not acknowledged: %s", k, out)
		}
	}
	tb.clickAction("kill-all-power", 0)
	tb.waitJS(`[...document.querySelectorAll('.card[data-member]')].every(c => c.dataset.state === "down")`, "every member to be down")
	if len(acked) < 10 {
		t.Fatalf("only %d of 15 puts acknowledged", len(acked))
	}
	tb.clickAction("restart-all", 0)
	l := tb.waitLeader()
	status, out := tb.consoleRun(fmt.Sprintf("get ack/ --prefix --keys-only --endpoints %d", l.Member))
	if status != "ok" {
		t.Fatalf("get after power loss: %s", out)
	}
	for _, k := range acked {
		if !strings.Contains(out, k) {
			t.Errorf("acknowledged key %s missing after the power loss; got %q", k, out)
		}
	}
	t.Logf("%d acknowledged keys all present after kill-all with power loss", len(acked))
}

// One record of a killed member is damaged through the page's IndexedDB:
// after a reload that member refuses to start with a clear error; wiping
// its data lets it rejoin and catch up.
func TestStorageCorruptRecordWipe(t *testing.T) {
	tb := newTab(t, 2*time.Minute)
	tb.waitStorage(`s.storage === "indexeddb"`, "the cluster on IndexedDB")
	l := tb.waitLeader()
	for i := 0; i < 5; i++ {
		if status, out := tb.consoleRun(fmt.Sprintf("put k%d v%d", i, i)); status != "ok" {
			t.Fatalf("put: %s", out)
		}
	}
	victim := uint64(1)
	if l.Member == victim {
		victim = 2
	}
	tb.clickAction("kill", victim)
	tb.waitCard(victim, `c.state === "down"`)
	var flipped string
	tb.run(chromedp.Evaluate(fmt.Sprintf(`new Promise((resolve, reject) => {
		const req = indexedDB.open('etcd-play');
		req.onerror = () => reject(req.error);
		req.onsuccess = () => {
			const db = req.result, tx = db.transaction('records', 'readwrite'), st = tx.objectStore('records');
			const key = ['member-%d', new TextEncoder().encode('h')];
			const get = st.get(key);
			get.onsuccess = () => {
				const v = new Uint8Array(get.result);
				v[v.length - 1] ^= 0xff;
				st.put(v, key);
			};
			tx.oncomplete = () => { db.close(); resolve('hard state of member-%d'); };
			tx.onerror = () => reject(tx.error);
		};
	})`, victim, victim), &flipped, awaitPromise))
	t.Logf("flipped a byte of the %s", flipped)

	tb.reload()
	sel := fmt.Sprintf(`.disk-error[data-member="%d"][data-kind="corrupt"]`, victim)
	tb.waitJS(`document.querySelector('`+sel+`') !== null`, "the corrupt member's error")
	var text string
	tb.eval(`document.querySelector('`+sel+`').textContent`, &text)
	if !strings.Contains(text, "corrupt") || !strings.Contains(text, "hard state") {
		t.Errorf("corruption message %q does not say what is wrong", text)
	}
	tb.waitCard(victim, `c.state === "down"`)
	tb.waitLeader()
	tb.clickAction("wipe", victim)
	tb.waitCard(victim, `c.state === "follower"`)
	tb.waitJS(`document.querySelector('`+sel+`') === null`, "the error to clear after the wipe")
	c := tb.converged(6, "the wiped member to catch up")
	t.Logf("wiped member %d rejoined at revision %d", victim, c.Revision)

	// Reset cluster, after its confirmation, deletes everything: the page
	// reloads into a new, empty cluster.
	tb.clickAction("reset", 0)
	tb.clickAction("reset-cancel", 0)
	tb.resetCluster()
	if c := tb.converged(1, "the new cluster"); c.Revision != 1 || c.Keys != 0 {
		t.Fatalf("revision %d and %d keys after reset, want an empty store at revision 1", c.Revision, c.Keys)
	}
}

// awaitPromise makes chromedp.Evaluate wait for the promise's value.
func awaitPromise(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }

// With IndexedDB blocked (reading it throws, as in some sandboxed frames)
// the page runs the cluster in memory and says its data will not survive a
// reload.
func TestStorageIndexedDBUnavailable(t *testing.T) {
	tb := newTab(t, time.Minute)
	tb.inject(`Object.defineProperty(window, 'indexedDB',
		{get() { throw new DOMException('storage is blocked here', 'SecurityError'); }})`)
	tb.reload()
	tb.waitStorage(`s.storage === "memory"`, "the in-memory fallback")
	var notice string
	tb.eval(`document.querySelector('.storage-notice[role="alert"]').textContent`, &notice)
	if !strings.Contains(notice, "IndexedDB is unavailable") || !strings.Contains(notice, "will not survive a reload") {
		t.Errorf("notice %q", notice)
	}
	l := tb.waitLeader()
	if status, out := tb.consoleRun(fmt.Sprintf("put k v --endpoints %d", l.Member)); status != "ok" {
		t.Fatalf("put on the in-memory cluster: %s", out)
	}
	t.Logf("notice: %s", notice)
}
