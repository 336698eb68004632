//go:build browser

package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// wasmFetches is what the page's own requests for app.wasm were: how many,
// when the first started, and when the document was parsed (ms since the
// navigation started).
const wasmFetches = `(() => {
	const ws = performance.getEntriesByType('resource').filter(e => /\/web\/app\.wasm\?/.test(e.name));
	return {fetches: ws.length, start: ws.length ? ws[0].startTime : -1,
		interactive: performance.getEntriesByType('navigation')[0].domInteractive};
})()`

type wasmFetchFigures struct {
	Fetches     int
	Start       float64
	Interactive float64
}

// openWith opens the page with script run first in every new document.
func openWith(t *testing.T, script string) *tab {
	tb := blankTab(t, time.Minute)
	if script != "" {
		tb.run(chromedp.ActionFunc(func(ctx context.Context) error {
			_, err := page.AddScriptToEvaluateOnNewDocument(script).Do(ctx)
			return err
		}))
	}
	tb.open()
	tb.waitLeader()
	return tb
}

// The page compiles no wasm of its own: the engine's worker compiles
// app.wasm and posts the module, which the page's head script hands to
// go-app's loader (app/site's earlyWasmScript). The page never fetches it.
func TestEarlyWasmFromTheWorker(t *testing.T) {
	tb := openWith(t, "")
	var r wasmFetchFigures
	tb.eval(wasmFetches, &r)
	if r.Fetches != 0 {
		t.Fatalf("the page fetched app.wasm %d times, want none (the worker's module)", r.Fetches)
	}
	var engine string
	tb.eval(`document.querySelector('.playground').dataset.engine`, &engine)
	if engine != "worker" {
		t.Fatalf("data-engine %q, want worker", engine)
	}
}

// Without Web Workers (the page then runs its engine itself) the head
// script fetches and compiles the wasm once, before the document is
// parsed, and go-app's loader takes that module.
func TestEarlyWasmWithoutWorkers(t *testing.T) {
	tb := openWith(t, `delete window.Worker;`)
	var r wasmFetchFigures
	tb.eval(wasmFetches, &r)
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
	tb := openWith(t, `delete window.Worker; WebAssembly.compileStreaming = function () { return Promise.reject(new Error("injected")); };`)
	var r wasmFetchFigures
	tb.eval(wasmFetches, &r)
	if r.Fetches != 2 {
		t.Errorf("app.wasm fetched %d times, want twice (the failed early fetch, then the loader's)", r.Fetches)
	}
}
