//go:build browser

package e2e

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Storage faults: a tab that another tab took over, and IndexedDB failing
// at load (failures injected by a script that runs before the page's own).

// within waits at most d for the JavaScript expression to be truthy and
// returns how long it took, failing the test (with what it waited for) if
// it is not by then: "answers at once" is this bounded, measured wait.
func (tb *tab) within(d time.Duration, expr, what string) time.Duration {
	tb.t.Helper()
	t0 := time.Now()
	if err := tb.pollJS(expr, d); err != nil {
		var state string
		tb.eval(`JSON.stringify({notice: (document.querySelector('[data-notice]')||{dataset:{}}).dataset.notice,
			lost: (document.querySelector('.storage-lost')||{}).textContent,
			shown: [...document.querySelectorAll('[role="alert"], .storage.loading')].map(e => e.textContent.slice(0, 200)),
			cards: [...document.querySelectorAll('.card[data-member]')].map(c => c.dataset.state).join(','),
			stress: {...(document.querySelector('.stress-result')||{dataset:{}}).dataset}})`, &state)
		tb.t.Fatalf("%s: not within %v (%v); page: %s", what, d, err, state)
	}
	return time.Since(t0)
}

// answerAt is the bound within which a stopped tab must answer.
const answerAt = 2 * time.Second

// The first tab after a second tab took the cluster over, with a stress
// run in flight: it says it stopped and what to do, shows no live leader,
// the run ends, and the console, the Keys panel, a card's Restart (every
// card shows its member down), Kill all, Restart all, the stress panel and
// the power-loss control each answer at once with the error.
func TestStorageStoppedTabAnswersAtOnce(t *testing.T) {
	tb := newTab(t, 3*time.Minute)
	tb.waitStorage(`s.storage === "indexeddb"`, "a cluster on IndexedDB")
	l := tb.waitLeader()
	tb.typeInto("#stress-rate", "1")
	tb.run(chromedp.KeyEvent("\t"))
	tb.typeInto("#stress-count", "20000")
	tb.run(chromedp.KeyEvent("\t"))
	tb.clickAction("stress", 0)
	tb.waitJS(`document.querySelector('.stress-result[data-running="true"]') !== null`, "the stress run to be under way")

	tb2 := tb.sibling(2 * time.Minute)
	tb2.waitJS(`document.querySelector('.storage[data-storage="elsewhere"]') !== null`, "the second tab to offer the take-over")
	tb2.clickAction("take-over", 0)
	tb2.waitStorage(`s.storage === "indexeddb" && s.epoch === "2"`, "the second tab to take the cluster over")
	tb.waitStorage(`s.lost === "true"`, "the first tab to say it was taken over")

	d := tb.within(answerAt, `document.querySelector('.stress-result').dataset.running === "false"`, "the stress run to end")
	t.Logf("stress run shown ended %v after the take-over was shown", d.Round(time.Millisecond))
	d = tb.within(answerAt, `![...document.querySelectorAll('.card[data-member]')].some(c => c.dataset.state !== "down")`,
		"every card to show its member down (no live leader)")
	t.Logf("cards down in %v", d.Round(time.Millisecond))
	var notice string
	tb.eval(`document.querySelector('.storage-lost[role="alert"]').textContent`, &notice)
	if !strings.Contains(notice, "Another tab took this cluster over") || !strings.Contains(notice, "reload") {
		t.Errorf("stopped notice %q", notice)
	}

	const stoppedErr = `includes("another tab took the cluster over")`
	// The console.
	var before int
	tb.eval(consoleLastSeq, &before)
	tb.typeInto("#console-input", fmt.Sprintf("put k v --endpoints %d", l.Member))
	tb.run(chromedp.KeyEvent("\r"))
	d = tb.within(answerAt, fmt.Sprintf(`(() => { const e = document.querySelector('.console-entry[data-seq="%d"]');
		return e !== null && e.dataset.status === "error" && e.querySelector('.out').textContent.%s; })()`, before+1, stoppedErr),
		"the console's put to fail with the stopped error")
	t.Logf("console put answered in %v", d.Round(time.Millisecond))

	// The Keys panel.
	tb.eval(`document.querySelectorAll('.write-result').length ? +document.querySelector('.write-result').dataset.seq : 0`, &before)
	tb.typeInto("#write-key", "k2")
	tb.typeInto("#write-value", "v2")
	tb.clickAction("put", 0)
	d = tb.within(answerAt, fmt.Sprintf(`(() => { const e = document.querySelector('.write-result[data-seq="%d"]');
		return e !== null && e.dataset.status !== "pending" && e.textContent.%s; })()`, before+1, stoppedErr),
		"the Keys panel's put to fail with the stopped error")
	t.Logf("Keys panel put answered in %v", d.Round(time.Millisecond))

	// Faults, stress and storage controls: the notice says why nothing happened.
	for _, c := range []struct {
		action string
		member uint64
		label  string
	}{{"restart", l.Member, "restart "}, {"kill-all", 0, "kill all"}, {"restart-all", 0, "restart all"},
		{"stress", 0, "stress "}, {"kill-all-power", 0, "power loss"}} {
		tb.clickAction(c.action, c.member)
		d = tb.within(answerAt, fmt.Sprintf(`(() => { const n = document.querySelector('[data-notice]').dataset.notice;
			return n.startsWith(%q) && n.%s; })()`, c.label, stoppedErr), c.action+" to answer with the stopped error")
		t.Logf("%s answered in %v", c.action, d.Round(time.Millisecond))
	}
}

// inject adds a script that runs before the page's own on every document
// of the tab (reloads included), and in every Web Worker those documents
// start (the engine's worker, where the cluster's storage lives) before
// the worker's own script (injectWorkers).
func (tb *tab) inject(script string) {
	tb.t.Helper()
	tb.run(chromedp.ActionFunc(func(ctx context.Context) error {
		_, err := page.AddScriptToEvaluateOnNewDocument(script + ";\n" + fmt.Sprintf(injectWorkers, strconv.Quote(script))).Do(ctx)
		return err
	}))
}

// injectWorkers wraps the page's Worker constructor so that each worker
// runs a script (%s: its source as a JS string) first, then its own: the
// worker starts from a blob: URL holding the script and an importScripts
// of the real one, with the parameters the engine's bootstrap reads from
// a blob worker's name (its query, with the wasm and wasm_exec.js URLs
// made absolute). Workers have no window and no sessionStorage: the script
// sees window as the worker's global scope and a read-only snapshot of
// the page's sessionStorage taken when the worker started.
const injectWorkers = `(() => {
	const Orig = globalThis.Worker;
	if (typeof Orig !== "function" || Orig.etcdplayInjected) return;
	const pre = %s;
	function Injected(url, opts) {
		const abs = new URL(url, location.href);
		const dir = new URL(".", abs).href;
		const params = new URLSearchParams(abs.search);
		const v = params.get("v");
		if (!params.has("wasm")) params.set("wasm", new URL("app.wasm" + (v ? "?v=" + encodeURIComponent(v) : ""), dir).href);
		if (!params.has("exec")) params.set("exec", new URL("../wasm_exec.js", dir).href);
		const snap = {};
		try { for (let i = 0; i < sessionStorage.length; i++) { const k = sessionStorage.key(i); snap[k] = sessionStorage.getItem(k); } } catch (e) {}
		const src = "self.window = self; const etcdplaySnap = " + JSON.stringify(snap) + ";\n" +
			"self.sessionStorage = {getItem: (k) => (k in etcdplaySnap ? etcdplaySnap[k] : null), setItem() {}, removeItem() {}};\n" +
			pre + ";\nimportScripts(" + JSON.stringify(abs.origin + abs.pathname) + ");";
		const blob = URL.createObjectURL(new Blob([src], {type: "text/javascript"}));
		return new Orig(blob, Object.assign({}, opts, {name: "?" + params.toString()}));
	}
	Injected.prototype = Orig.prototype;
	Injected.etcdplayInjected = true;
	globalThis.Worker = Injected;
})()`

// failPut makes IDBObjectStore.put throw QuotaExceededError while the
// tab's sessionStorage has failPut=on (so that a test switches it across
// reloads).
const failPut = `(() => {
	const put = IDBObjectStore.prototype.put;
	IDBObjectStore.prototype.put = function() {
		if (sessionStorage.getItem('failPut') === 'on') throw new DOMException('injected: the quota is exceeded', 'QuotaExceededError');
		return put.apply(this, arguments);
	};
})()`

// storageFailed is the failure state's notice once shown, with both offers.
const storageFailed = `(() => { const e = document.querySelector('.storage[data-storage="failed"][role="alert"]');
	return e !== null && e.querySelector('[data-action="run-in-memory"]') !== null && e.querySelector('[data-action="reload"]') !== null; })()`

// A stored cluster whose storage fails at load (put throws
// QuotaExceededError): the page says what failed and offers to go on in
// memory (which runs, and says so) and to delete the stored cluster (which
// starts a new one once the storage works again).
func TestStorageLoadFailureOffersMemoryAndReset(t *testing.T) {
	tb := blankTab(t, 2*time.Minute)
	tb.inject(failPut)
	tb.open()
	tb.waitStorage(`s.storage === "indexeddb" && s.epoch === "1"`, "a stored cluster")
	tb.waitLeader()

	tb.eval(`sessionStorage.setItem('failPut', 'on'), true`, new(bool))
	tb.reload()
	d := tb.within(5*time.Second, storageFailed, "the page to offer memory and reload after the failed load")
	t.Logf("failure shown %v after the page mounted", d.Round(time.Millisecond))
	var text string
	tb.eval(`document.querySelector('.storage[data-storage="failed"]').textContent`, &text)
	if !strings.Contains(text, "QuotaExceededError") || !strings.Contains(text, "load count") {
		t.Errorf("failure notice %q does not say what failed", text)
	}
	t.Logf("failure notice: %s", text)
	var hasReset bool
	tb.eval(`document.querySelector('[data-action="reset-stored"]') !== null`, &hasReset)
	if !hasReset {
		t.Fatal("no control deletes the stored cluster")
	}

	tb.clickAction("run-in-memory", 0)
	tb.waitStorage(`s.storage === "memory"`, "the cluster in memory")
	var notice string
	tb.eval(`document.querySelector('.storage-notice').textContent`, &notice)
	if !strings.Contains(notice, "storage failed") || !strings.Contains(notice, "will not survive a reload") {
		t.Errorf("in-memory notice %q", notice)
	}
	l := tb.waitLeader()
	if status, out := tb.consoleRun(fmt.Sprintf("put k v --endpoints %d", l.Member)); status != "ok" {
		t.Fatalf("put on the in-memory cluster: %s", out)
	}

	tb.reload()
	tb.within(5*time.Second, storageFailed, "the offer again after a reload")
	tb.eval(`sessionStorage.setItem('failPut', 'off'), window.__beforeReset = true`, new(bool))
	tb.clickAction("reset-stored", 0)
	tb.waitReloaded("the page to reload after deleting the stored cluster")
	tb.waitStorage(`s.storage === "indexeddb" && s.epoch === "1" && s.resumed === "false"`, "a new stored cluster")
	tb.waitLeader()
}

// waitReloaded waits until the page navigated away from a document that set
// window.__beforeReset (polls of the old document end with an error when
// it goes) and the new one mounted.
func (tb *tab) waitReloaded(what string) {
	tb.t.Helper()
	for i := 0; ; i++ {
		var ok bool
		err := chromedp.Run(tb.ctx, chromedp.Poll(`window.__beforeReset !== true && document.querySelector('.playground[data-ready="true"]') !== null`,
			&ok, pollEvery, chromedp.WithPollingTimeout(0)))
		if err == nil {
			return
		}
		if i == 5 || !strings.Contains(err.Error(), "navigated") && !strings.Contains(err.Error(), "context with specified id") {
			tb.t.Fatalf("waiting for %s: %v", what, err)
		}
	}
}

// IndexedDB's open that never answers, and a refused tab lock: each ends,
// within a bounded time, in the failure state that offers memory and a
// reload (not "Opening the cluster's storage..." for ever), and going on
// in memory runs the cluster.
func TestStorageOpenHangsOrLockRefused(t *testing.T) {
	for _, c := range []struct {
		name, script string
		bound        time.Duration // the page's storage time-out is 8 s
		want         string
	}{
		{"open never answers", `IDBFactory.prototype.open = function() { return {}; }`, 12 * time.Second, "no answer within"},
		{"lock refused", `LockManager.prototype.request = function() {
			return Promise.reject(new DOMException('injected: locks are refused', 'SecurityError')); }`, 2 * time.Second, "locks are refused"},
	} {
		t.Run(c.name, func(t *testing.T) {
			tb := blankTab(t, time.Minute)
			tb.inject(c.script)
			tb.open()
			d := tb.within(c.bound, storageFailed, "the page to offer memory and reload")
			var text string
			tb.eval(`document.querySelector('.storage[data-storage="failed"]').textContent`, &text)
			if !strings.Contains(text, c.want) {
				t.Errorf("failure notice %q lacks %q", text, c.want)
			}
			t.Logf("shown %v after the page mounted: %s", d.Round(time.Millisecond), text)
			tb.clickAction("run-in-memory", 0)
			tb.waitStorage(`s.storage === "memory"`, "the cluster in memory")
			tb.waitLeader()
		})
	}
}
