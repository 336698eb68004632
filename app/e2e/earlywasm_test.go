//go:build browser

package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// The page's wasm is fetched once, from the head (app/site's
// earlyWasmScript), before the document is parsed: go-app's loader, which
// runs after the parse, gets that module instead of fetching its own.
func TestEarlyWasmFetchedOnceFromTheHead(t *testing.T) {
	tb := blankTab(t, time.Minute)
	tb.open()
	tb.waitLeader()
	var r struct {
		Fetches     int
		Start       float64
		Interactive float64
	}
	tb.eval(`(() => {
		const ws = performance.getEntriesByType('resource').filter(e => /\/web\/app\.wasm\?/.test(e.name));
		return {fetches: ws.length, start: ws.length ? ws[0].startTime : -1,
			interactive: performance.getEntriesByType('navigation')[0].domInteractive};
	})()`, &r)
	if r.Fetches != 1 {
		t.Fatalf("the page fetched app.wasm %d times, want once", r.Fetches)
	}
	if r.Start >= r.Interactive {
		t.Errorf("app.wasm fetched at %.0f ms, after the document was parsed (%.0f ms): not from the head", r.Start, r.Interactive)
	}
	t.Logf("app.wasm fetched from %.0f ms; document parsed at %.0f ms", r.Start, r.Interactive)
}

// When the early compile fails, go-app's loader loads the wasm itself: the
// page starts all the same.
func TestEarlyWasmFailureFallsBackToTheLoader(t *testing.T) {
	tb := blankTab(t, time.Minute)
	tb.run(chromedp.ActionFunc(func(ctx context.Context) error {
		_, err := page.AddScriptToEvaluateOnNewDocument(`WebAssembly.compileStreaming = function () { return Promise.reject(new Error("injected")); };`).Do(ctx)
		return err
	}))
	tb.open()
	tb.waitLeader()
	var fetches int
	tb.eval(`performance.getEntriesByType('resource').filter(e => /\/web\/app\.wasm\?/.test(e.name)).length`, &fetches)
	if fetches != 2 {
		t.Errorf("app.wasm fetched %d times, want twice (the failed early fetch, then the loader's)", fetches)
	}
}
