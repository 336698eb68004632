//go:build browser

package e2e

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Figures: app.wasm's size raw and gzipped, and the time from
// navigation to the first elected leader in headless Chromium on a local
// server, cold (a fresh browser context: empty HTTP cache, no worker) and
// warm (reloaded: the worker serves the wasm from its cache). The time is
// performance.now() (milliseconds since navigation start) of the first
// animation frame in which the page showed a leader's card. The times are
// figures only (the targets, 1.0 s cold and 0.5 s warm, are benchmarks);
// the size is deterministic, so its budget is checked: at most
// wasmGzipBudget bytes gzipped.
func TestLoadFigures(t *testing.T) {
	wasm, err := os.ReadFile(filepath.Join(buildDir(), "web", "app.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	w, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	w.Write(wasm)
	w.Close()

	// The leader's time is the page's own: loadPhasesProbe (load_phases_test.go)
	// marks the first animation frame with a leader's card, whether or not
	// the rest of the page is built by then (data-ready comes a frame or
	// more later: playground.deferred).
	freshNativeSite(t)
	tb := blankTab(t, 2*time.Minute) // a fresh browser context
	tb.run(chromedp.ActionFunc(func(ctx context.Context) error {
		_, err := page.AddScriptToEvaluateOnNewDocument(loadPhasesProbe).Do(ctx)
		return err
	}))
	tb.run(chromedp.Navigate(siteURL))
	leaderAt := func() float64 {
		tb.waitJS(`window.__phases && 'leader' in window.__phases`, "a leader's card")
		var ms float64
		tb.eval(`window.__phases.leader`, &ms)
		return ms
	}
	cold := leaderAt()
	tb.waitWorker()
	tb.run(chromedp.Reload())
	warm := leaderAt()
	if gz.Len() > wasmGzipBudget {
		t.Errorf("app.wasm is %d bytes gzipped, over the budget of %d (issue 13: 3.5 MB)", gz.Len(), wasmGzipBudget)
	}
	fmt.Printf("BENCH app-wasm-bytes=%d app-wasm-gzip9-bytes=%d first-leader-cold-ms=%.0f first-leader-warm-ms=%.0f\n",
		len(wasm), gz.Len(), cold, warm)
}

// wasmGzipBudget is the page's wasm size budget, gzipped at the best
// compression (bytes).
const wasmGzipBudget = 3_500_000
