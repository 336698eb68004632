//go:build browser

package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// A reload resumes the stored cluster even when the tab lock is still
// held for a while after the old page went: the browser ends the old
// page's engine worker on its own schedule (seconds later on a busy
// machine, where CI once showed "open in another tab" after a reload).
// Here a second tab queues a request for the lock before the reload, so
// that it gets the lock when the old worker lets go and keeps it for 3 s;
// the reloaded page must wait for it (its tab held the cluster before)
// instead of offering to take the cluster over from itself.
func TestReloadWaitsForTheTabLock(t *testing.T) {
	tb := newTab(t, 2*time.Minute)
	tb.waitStorage(`s.storage === "indexeddb" && s.epoch === "1"`, "a new cluster on IndexedDB")
	tb.waitLeader()
	var held []string
	tb.run(chromedp.Evaluate(`navigator.locks.query().then(s => s.held.map(l => l.name))`, &held, awaitPromise))
	if len(held) != 1 {
		t.Fatalf("the page holds the locks %q, want one", held)
	}

	tb2 := tb.sibling(time.Minute)
	tb2.waitJS(`document.querySelector('.storage[data-storage="elsewhere"]') !== null`, "the second tab to say the cluster is open elsewhere")
	tb2.eval(fmt.Sprintf(`window.__lockAt = 0, navigator.locks.request(%q, () => { window.__lockAt = Date.now(); return new Promise(r => setTimeout(r, 3000)); }), true`, held[0]), new(bool))

	tb.reload()
	tb2.waitJS(`window.__lockAt > 0`, "the second tab to get the lock the old page let go")
	tb.waitJS(`(() => { const e = document.querySelector('.storage[data-storage]'); return e !== null && (e.dataset.storage === "elsewhere" || e.dataset.resumed === "true"); })()`,
		"the reloaded page to resume the cluster or say it is elsewhere")
	var s struct{ Storage, Epoch, Resumed string }
	tb.eval(`({...document.querySelector('.storage[data-storage]').dataset})`, &s)
	if s.Storage != "indexeddb" || s.Epoch != "2" || s.Resumed != "true" {
		t.Fatalf("after the reload the page shows storage %+v, want the stored cluster resumed (epoch 2)", s)
	}
	var waited float64
	tb2.eval(`Date.now() - window.__lockAt`, &waited)
	t.Logf("resumed %.0f ms after the second tab got the lock (it held it 3,000 ms)", waited)
	tb.waitLeader()
}
