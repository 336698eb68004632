//go:build browser

package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The embed's storage notices, in a frame of a docs page (same origin, so
// the test reads the frame's document; the injected fault scripts run in
// the frame and its engine worker too): storage blocked at load runs the
// cluster in memory and the frame's bar says so; a storage error at load
// shows a compact alert that offers going on in memory, deleting the
// stored cluster, and reloading, each reachable from the keyboard, posts an
// error event saying why it runs no cluster, and the frame's resize
// messages still carry its content's height.
func TestEmbedStorageNotices(t *testing.T) {
	const inFrame = `document.querySelector('iframe').contentDocument`
	open := func(t *testing.T, script string) *tab {
		docs, _ := docsSite(t, func(site string) string {
			return docsWithFrame(`<iframe src="` + site + `?embed=1&members=3" title="etcd playground" width="900" height="560" style="border:0"></iframe>` +
				`<script>window.ready = 0; window.errors = []; window.addEventListener("message", (e) => {
  if (!e.data || e.data.etcdplay !== 1) return;
  if (e.data.type === "ready") window.ready++;
  if (e.data.type === "error") window.errors.push(e.data.error);
});</script>`)
		})
		tb := blankTab(t, 2*time.Minute)
		tb.inject(script)
		tb.run(chromedp.Navigate(docs))
		return tb
	}
	frameLeader := `(() => { const d = ` + inFrame + `; return d !== null && d.querySelector('.playground[data-ready="true"] .card[data-state="leader"]') !== null; })()`
	line := func(kind string) string {
		return fmt.Sprintf(`(() => { const d = %s; const e = d && d.querySelector('[data-embed-storage=%q]'); return e ? e.textContent : ""; })()`, inFrame, kind)
	}
	// press focuses the frame's control with data-action action and presses
	// Enter on it.
	press := func(tb *tab, action string) {
		tb.t.Helper()
		tb.waitJS(fmt.Sprintf(`(() => { const d = %s; const b = d && d.querySelector('[data-embed-storage] [data-action=%q]'); if (!b || b.disabled) return false; b.focus(); return d.activeElement === b; })()`, inFrame, action),
			"the frame's "+action+" control to take the focus")
		tb.run(chromedp.KeyEvent("\r"))
	}

	t.Run("blocked", func(t *testing.T) {
		tb := open(t, `Object.defineProperty(window, 'indexedDB', {get() { throw new DOMException('storage is blocked here', 'SecurityError'); }})`)
		tb.waitJS(frameLeader, "a leader in the frame")
		tb.waitJS(line("memory")+` !== ""`, "the frame's in-memory line")
		var text string
		tb.eval(line("memory"), &text)
		if !strings.Contains(text, "IndexedDB is unavailable") || !strings.Contains(text, "will not survive a reload") {
			t.Errorf("in-memory line %q", text)
		}
		tb.waitJS(settledJS, "a resize message with the frame's content height")
		t.Logf("blocked: %s", text)
	})

	t.Run("load fails", func(t *testing.T) {
		tb := open(t, failPut)
		tb.waitJS(frameLeader, "a leader in the frame, on IndexedDB")
		tb.eval(inFrame+`.defaultView.sessionStorage.setItem('failPut', 'on'), true`, new(bool))
		tb.run(chromedp.Reload())
		failed := fmt.Sprintf(`(() => { const d = %s; const e = d && d.querySelector('[data-embed-storage="failed"][role="alert"]');
			return e !== null && ['run-in-memory', 'reset-stored', 'reload'].every(a => e.querySelector('button[data-action="' + a + '"]') !== null); })()`, inFrame)
		tb.waitJS(failed, "the frame's storage failure with its three choices")
		var text string
		tb.eval(line("failed"), &text)
		if !strings.Contains(text, "QuotaExceededError") {
			t.Errorf("failure line %q does not say what failed", text)
		}
		t.Logf("failure: %s", text)
		tb.waitJS(`window.errors.some(e => e.includes("could not be loaded") && e.includes("QuotaExceededError"))`,
			"an error event telling the docs page why the frame runs no cluster")
		tb.waitJS(settledJS, "a resize message with the frame's content height, the alert included")
		var inside bool
		tb.eval(`(() => {`+frameJS+` return inside(d.querySelector('[data-embed-storage="failed"]')); })()`, &inside)
		if !inside {
			t.Error("the failure line is not inside the frame")
		}

		press(tb, "run-in-memory")
		tb.waitJS(frameLeader, "a leader in the frame, in memory")
		tb.waitJS(line("memory")+`.includes("storage failed")`, "the frame's line saying the cluster runs in memory after the failure")
		tb.waitJS(`window.ready >= 1`, "the frame's ready event")

		tb.run(chromedp.Reload())
		tb.waitJS(failed, "the failure again after a reload")
		tb.eval(`(() => { const w = `+inFrame+`.defaultView; w.sessionStorage.setItem('failPut', 'off'); w.__beforeReset = true; return true; })()`, new(bool))
		press(tb, "reset-stored")
		tb.waitJS(`(() => { const w = document.querySelector('iframe').contentWindow; return w.__beforeReset !== true && `+frameLeader+`; })()`,
			"the frame to reload into a new cluster")
		var note string
		tb.eval(`(() => { const e = `+inFrame+`.querySelector('[data-embed-storage]'); return e ? e.textContent : ""; })()`, &note)
		if note != "" {
			t.Errorf("after the reset the frame says %q; want a cluster on IndexedDB (no storage line)", note)
		}
	})

	// axe-core finds nothing wrong with the embed showing the failure.
	t.Run("axe", func(t *testing.T) {
		src := axeSource(t)
		tb := blankTab(t, 2*time.Minute)
		tb.inject(failPut)
		tb.goTo(siteURL + "?embed=1&members=3")
		tb.waitLeader()
		tb.eval(`sessionStorage.setItem('failPut', 'on'), true`, new(bool))
		tb.reload()
		tb.waitJS(`document.querySelector('[data-embed-storage="failed"] [data-action="run-in-memory"]') !== null`, "the embed's storage failure")
		tb.axeCheck(src, "?embed=1", "storage failed at load")
	})
}
