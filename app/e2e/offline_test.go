//go:build browser

package e2e

import (
	"testing"
	"time"
)

// Load the site once, stop the server, reload: the service worker serves
// the whole site from its cache and the cluster runs.
func TestOfflineReload(t *testing.T) {
	dir := buildDir()
	s := startSiteServer(t, dir)
	tb := newTab(t, 2*time.Minute)
	tb.goTo(s.URL)
	tb.waitWorker()
	var wasmCached bool
	tb.evalAsync(`caches.match(new URL("web/app.wasm", location.href).href, {ignoreSearch: true}).then(r => r !== undefined)`, &wasmCached)
	if !wasmCached {
		t.Fatal("the worker controls the page but app.wasm is not in its cache")
	}

	s.stop()
	var state string
	tb.evalAsync(`fetch(new URL("not-cached?"+Date.now(), location.href).href).then(() => "up", () => "down")`, &state)
	if state != "down" {
		t.Fatalf("the server still answers after stop (%s)", state)
	}
	tb.reload()
	c := tb.waitLeader()
	t.Logf("offline reload: mounted, member %d elected", c.Member)
}
