//go:build browser

package e2e

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// A page whose engine worker runs another build's wasm (a deploy landed
// between the page's load and its worker's) reloads itself once: the page
// refuses the engine (engine.ErrVersion) and reloads, marking the reload
// in the tab's sessionStorage. After the reload the worker runs the page's
// own build and the cluster runs. When the other build comes back after
// the reload too, the page does not reload again but says why the cluster
// could not start.
//
// The mismatch is made by wrapping the page's Worker constructor (injected
// before the page's own scripts) so that the engine's bootstrap loads
// web/app-b.wasm, the second deploy's app.wasm copied into a copy of the
// site: on the first load only, or on every load.
func TestVersionMismatchReloadsOnce(t *testing.T) {
	dirA, dirB := buildDirs(t)
	site := t.TempDir()
	if err := os.CopyFS(site, os.DirFS(dirA)); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dirB, "web", "app.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(site, "web", "app-b.wasm"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	s := startSiteServer(t, site)

	// loads counts the documents the tab loaded; the wrapper sends the
	// engine's worker to B's wasm unless the page already reloaded for
	// its version (always: every time).
	wrap := func(always bool) string {
		cond := `sessionStorage.getItem("etcd-play-reloaded-for-version") === null`
		if always {
			cond = `true`
		}
		return `(() => {
		  if (typeof window === "undefined" || !window.document) return;
		  sessionStorage.setItem("loads", String(+(sessionStorage.getItem("loads") || 0) + 1));
		  const Orig = window.Worker;
		  window.Worker = function(url, opts) {
		    if (String(url).includes("engine-worker.js") && ` + cond + `) {
		      const u = new URL(url, location.href);
		      u.searchParams.set("wasm", "app-b.wasm");
		      url = u.href;
		    }
		    return new Orig(url, opts);
		  };
		  window.Worker.prototype = Orig.prototype;
		})()`
	}

	t.Run("once", func(t *testing.T) {
		tb := blankTab(t, 3*time.Minute)
		tb.injectPage(wrap(false))
		start := time.Now()
		tb.run(chromedp.Navigate(s.URL))
		tb.waitAcrossLoads(`sessionStorage.getItem("loads") === "2" && document.querySelector('.playground[data-ready="true"]') !== null`,
			"the page to reload once and mount")
		tb.waitLeader()
		var loads string
		tb.eval(`sessionStorage.getItem("loads")`, &loads)
		if loads != "2" {
			t.Fatalf("the tab loaded %s documents, want 2 (one reload)", loads)
		}
		t.Logf("the engine of another build refused, one reload, a leader %v after the first navigation", time.Since(start).Round(time.Millisecond))
	})
	t.Run("always", func(t *testing.T) {
		tb := blankTab(t, 3*time.Minute)
		tb.injectPage(wrap(true))
		tb.run(chromedp.Navigate(s.URL))
		// The alert is shown only when the page did not reload (reloadOnce
		// returned false): the second mismatch is said, not reloaded.
		tb.waitAcrossLoads(`[...document.querySelectorAll('.error[role="alert"]')].some(e => e.textContent.includes("different versions"))`,
			"the page to say the engine is of another version")
		var loads string
		tb.eval(`sessionStorage.getItem("loads")`, &loads)
		if loads != "2" {
			t.Fatalf("the tab loaded %s documents before saying so, want 2 (one reload)", loads)
		}
	})
}

// injectPage adds a script that runs before the page's own on every
// document of the tab (reloads included); unlike inject, not in workers.
func (tb *tab) injectPage(script string) {
	tb.t.Helper()
	tb.run(chromedp.ActionFunc(func(ctx context.Context) error {
		_, err := page.AddScriptToEvaluateOnNewDocument(script).Do(ctx)
		return err
	}))
}

// waitAcrossLoads is waitJS for a tab that navigates meanwhile (a reload
// ends an evaluation: it is tried again in the new document), polled every
// 50 ms until the tab's deadline.
func (tb *tab) waitAcrossLoads(expr, what string) {
	tb.t.Helper()
	for {
		var ok bool
		err := chromedp.Run(tb.ctx, chromedp.Evaluate(`(() => { try { return !!(`+expr+`); } catch (e) { return false; } })()`, &ok))
		if err == nil && ok {
			return
		}
		if tb.ctx.Err() != nil {
			tb.t.Fatalf("waiting for %s: %v (expression %s)", what, tb.ctx.Err(), expr)
		}
		select {
		case <-tb.ctx.Done():
		case <-time.After(50 * time.Millisecond):
		}
	}
}
