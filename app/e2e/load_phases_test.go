//go:build browser

package e2e

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// loadPhasesProbe runs in every new document before the page's scripts and
// records, in window.__phases, when (performance.now(), ms since the
// navigation started) the page's load reached each step that decides its
// first leader:
//   - wasm-fetched: app.wasm's response ended (resource timing, read at the
//     end; absent when the page took the engine worker's module and
//     fetched none);
//   - page-compiled: the page's wasm instantiated (go-app's loader calls
//     WebAssembly.instantiateStreaming, and the page's head script
//     earlyWasmScript answers it with WebAssembly.instantiate of the
//     module it compiled: the first of the two to resolve);
//   - hello-sent, start-sent: the page's first and second frames to its
//     engine worker (the protocol's handshake, then the first start);
//   - hello-answered, started: the worker's first and second frames back
//     (frames only: its progress and module messages are not counted);
//   - card, leader: a member card, and a leader's card, in the page (polled
//     every animation frame).
const loadPhasesProbe = `(() => {
  const m = window.__phases = {};
  const mark = (n) => { if (!(n in m)) m[n] = Math.round(performance.now()); };
  const is = WebAssembly.instantiateStreaming;
  WebAssembly.instantiateStreaming = function (...a) { return is.apply(this, a).then((r) => { mark('page-compiled'); return r; }); };
  const ii = WebAssembly.instantiate;
  WebAssembly.instantiate = function (...a) { return ii.apply(this, a).then((r) => { mark('page-compiled'); return r; }); };
  const W = window.Worker;
  window.Worker = function (...a) {
    const w = new W(...a); let n = 0;
    w.addEventListener('message', (e) => { if (!(e.data instanceof ArrayBuffer)) return; n++; mark(['hello-answered', 'started'][n - 1] || 'update'); });
    return w;
  };
  window.Worker.prototype = W.prototype;
  const post = W.prototype.postMessage; let k = 0;
  W.prototype.postMessage = function (...a) { k++; mark(['hello-sent', 'start-sent'][k - 1] || 'request'); return post.apply(this, a); };
  const poll = () => {
    if (document.querySelector('.card')) mark('card');
    if (document.querySelector('.card[data-state="leader"]')) { mark('leader'); return; }
    requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
})()`

const loadPhasesCollect = `(() => {
  const r = Object.assign({}, window.__phases);
  for (const e of performance.getEntriesByType('resource')) if (e.name.includes('app.wasm')) r['wasm-fetched'] = Math.round(e.responseEnd);
  return r;
})()`

// TestLoadPhases is a benchmark (ETCDPLAY_BENCH_LOAD=N, N fresh browser
// contexts; skipped otherwise): where the time to the first leader goes,
// cold (a fresh context) and warm (reloaded), as BENCH lines of the steps
// above, each as min..max(median) over the runs. The first run of a test
// process is the coldest (a fresh renderer process); TestLoadFigures gives
// the figure itself.
func TestLoadPhases(t *testing.T) {
	n := 0
	if _, err := fmt.Sscan(os.Getenv("ETCDPLAY_BENCH_LOAD"), &n); err != nil || n <= 0 {
		t.Skip("ETCDPLAY_BENCH_LOAD is not set")
	}
	runs := map[string]map[string][]float64{"cold": {}, "warm": {}}
	for i := 0; i < n; i++ {
		t.Run(fmt.Sprint(i+1), func(t *testing.T) {
			tb := blankTab(t, time.Minute)
			tb.run(chromedp.ActionFunc(func(ctx context.Context) error {
				_, err := page.AddScriptToEvaluateOnNewDocument(loadPhasesProbe).Do(ctx)
				return err
			}))
			tb.run(chromedp.Navigate(siteURL))
			for _, kind := range []string{"cold", "warm"} {
				if kind == "warm" {
					tb.waitWorker()
					tb.reload()
				}
				tb.waitJS(`window.__phases && 'leader' in window.__phases`, "a leader's card")
				var m map[string]float64
				tb.eval(loadPhasesCollect, &m)
				t.Logf("%s: %v", kind, m)
				for k, v := range m {
					runs[kind][k] = append(runs[kind][k], v)
				}
			}
		})
	}
	steps := []string{"wasm-fetched", "page-compiled", "hello-sent", "hello-answered", "start-sent", "started", "card", "leader"}
	for _, kind := range []string{"cold", "warm"} {
		var b strings.Builder
		fmt.Fprintf(&b, "BENCH load-phases-%s runs=%d", kind, n)
		for _, s := range steps {
			v := append([]float64(nil), runs[kind][s]...)
			if len(v) == 0 {
				continue
			}
			sort.Float64s(v)
			fmt.Fprintf(&b, " %s-ms=%.0f..%.0f(median:%.0f)", s, v[0], v[len(v)-1], v[len(v)/2])
		}
		fmt.Println(b.String())
	}
}
