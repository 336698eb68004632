//go:build browser

package e2e

import (
	"strings"
	"testing"
	"time"
)

// startEngineWorkerJS starts the engine worker from the URL the service
// worker precached for it (app/site lists the page's worker.ScriptURL;
// app/site's tests check the two are the same), sends it one frame that is
// no valid protocol message, and yields the first thing it answers:
// {kind: "frame"}, {kind: "exit", code, reason} (the bootstrap's control
// message; its download progress and module, for a page's loader, are
// skipped), {kind: "error", message} (the Worker's error event) or
// {kind: "silent"} after 30 s; ms is the time to that answer.
const startEngineWorkerJS = `(async () => {
  const keys = await caches.keys().then((names) => Promise.all(names.map((n) => caches.open(n).then((c) => c.keys())))).then((l) => l.flat());
  const url = keys.map((r) => r.url).find((u) => u.includes("/web/engine-worker.js?v="));
  if (!url) {
    return {kind: "uncached"};
  }
  const start = performance.now();
  const w = new Worker(url);
  const answer = await new Promise((resolve) => {
    w.onmessage = (e) => {
      if (e.data instanceof ArrayBuffer) resolve({kind: "frame"});
      else if (e.data.etcdplayWorker === "progress" || e.data.etcdplayWorker === "module") return; // for a page's loader
      else resolve({kind: "exit", code: e.data.code, reason: e.data.reason});
    };
    w.onerror = (e) => resolve({kind: "error", message: e.message || "(no message: the script did not load)"});
    setTimeout(() => resolve({kind: "silent"}), 30000);
    const junk = new Uint8Array([0xde, 0xad, 0xbe, 0xef]).buffer;
    w.postMessage(junk, [junk]);
  });
  w.terminate();
  answer.url = url;
  answer.ms = Math.round(performance.now() - start);
  return answer;
})()`

type workerAnswer struct {
	Kind    string  `json:"kind"`
	Code    int     `json:"code"`
	Reason  string  `json:"reason"`
	Message string  `json:"message"`
	URL     string  `json:"url"`
	MS      float64 `json:"ms"`
}

// checkEngineWorker fails unless the answer shows the site's app.wasm
// running its worker branch: it answered the junk frame with a frame, or
// its engine server ended (main exits with 1 and says so), never a load
// failure, a panic (go-app or anything else touching the page's DOM in the
// worker) or silence.
func checkEngineWorker(t *testing.T, when string, a workerAnswer) {
	t.Helper()
	switch {
	case a.Kind == "frame":
	case a.Kind == "exit" && a.Code == 1 && strings.Contains(a.Reason, "engine worker: serving ended"):
	default:
		t.Fatalf("%s: the engine worker answered %+v", when, a)
	}
	t.Logf("%s: %s answered (%s %q) %.0f ms after new Worker", when, a.URL, a.Kind, a.Reason, a.MS)
}

// The site's engine worker starts from the published bootstrap and the
// site's app.wasm, online and, after the server stopped, from the service
// worker's cache.
func TestEngineWorkerStarts(t *testing.T) {
	s := startSiteServer(t, buildDir())
	tb := newTab(t, 2*time.Minute)
	tb.goTo(s.URL)
	tb.waitWorker()
	var a workerAnswer
	tb.evalAsync(startEngineWorkerJS, &a)
	checkEngineWorker(t, "online", a)

	s.stop()
	var state string
	tb.evalAsync(`fetch(new URL("not-cached?"+Date.now(), location.href).href).then(() => "up", () => "down")`, &state)
	if state != "down" {
		t.Fatalf("the server still answers after stop (%s)", state)
	}
	a = workerAnswer{}
	tb.evalAsync(startEngineWorkerJS, &a)
	checkEngineWorker(t, "offline", a)
}
