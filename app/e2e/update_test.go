//go:build browser

package e2e

import (
	"strings"
	"testing"
	"time"
)

// Deploy version A, load it, deploy version B to the same server, reload
// once: B's page and B's wasm run. The server sends Last-Modified only, the
// case where a worker could cache the old app.wasm from the HTTP cache.
func TestUpdateReloadRunsNewDeploy(t *testing.T) {
	dirA, dirB := buildDirs(t)
	verA, verB := builtVersion(t, dirA), builtVersion(t, dirB)
	if verA == verB {
		t.Fatalf("both builds are version %s: build-b must differ", verA)
	}
	wasmA, wasmB := strings.SplitN(verA, "+", 2)[0], strings.SplitN(verB, "+", 2)[0]

	s := startSiteServer(t, dirA)
	tb := newTab(t, 2*time.Minute)
	tb.goTo(s.URL)
	if v := tb.versions(); v.Site != verA || v.Wasm != wasmA {
		t.Fatalf("first load shows %+v, want site %s wasm %s", v, verA, wasmA)
	}
	tb.waitWorker()
	tb.waitLeader()

	s.deploy(dirB)
	tb.reload()
	if v := tb.versions(); v.Site != verB || v.Wasm != wasmB {
		t.Fatalf("after deploying B and one reload the page shows %+v, want site %s wasm %s", v, verB, wasmB)
	}
	tb.waitLeader()
	t.Logf("deployed %s then %s: one reload ran %s", verA, verB, verB)

	// The worker that serves B's files offline is B's: its cache holds
	// B's app.js, not A's.
	var cached string
	tb.evalAsync(`(async () => { const r = await caches.match(new URL("app.js", location.href).href); return r ? await r.text() : ""; })()`, &cached)
	if !strings.Contains(cached, verB) {
		t.Errorf("the cached app.js is not B's (%.80q...)", cached)
	}
}
