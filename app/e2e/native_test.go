//go:build browser

package e2e

import (
	"strings"
	"testing"
	"time"
)

// The page served by `serve -engine=native` runs no cluster of its own: it
// connects to the server's over a WebSocket. Two tabs show (and drive) the
// one cluster (tab B, asking for the default five members, shows tab A's
// three and reads the key A wrote; a kill in B shows in A); when the server dies the page says it is disconnected and
// retrying, and when a server is back at that address it reconnects by
// itself.
//
// It runs its own server (native_harness_test.go), whatever ETCDPLAY_ENGINE says.
func TestNativeEngine(t *testing.T) {
	srv := startNative(t, "127.0.0.1:0")
	addr := srv.addr
	home := "http://" + addr + "/?members=3&seed=5"

	a := blankTab(t, 2*time.Minute)
	a.goTo(home)
	a.waitJS(`document.querySelector('.playground').dataset.engine !== undefined`, "the page to start its engine")
	var kind string
	a.eval(`document.querySelector('.playground').dataset.engine`, &kind)
	if kind != "native" {
		t.Fatalf("data-engine %q, want native", kind)
	}
	leader := a.waitLeader()
	if r := a.write("put", leader.Member, "shared", "by-tab-a", false); r.Status != "ok" {
		t.Fatalf("put in tab A: %s", r.Text)
	}

	b := blankTab(t, 2*time.Minute)
	b.goTo("http://" + addr + "/") // asks for the default cluster: gets the running one
	bl := b.waitLeader()
	if n := len(b.cards()); n != 3 {
		t.Fatalf("tab B shows %d members, want tab A's 3", n)
	}
	if r := b.write("get", bl.Member, "shared", "", false); r.Status != "ok" || len(r.Values) != 1 || r.Values[0] != "by-tab-a" {
		t.Fatalf("get in tab B: %s", r.Text)
	}
	b.clickAction("kill", leader.Member)
	b.waitCard(leader.Member, `c.state === "down"`)
	a.waitCard(leader.Member, `c.state === "down"`)
	a.waitLeader(leader.Member)

	// The server dies: the page says so and retries.
	srv.kill()
	a.waitJS(`document.querySelector('[data-engine-lost="native"]') !== null`, "the disconnected banner")
	var banner string
	a.eval(`document.querySelector('[data-engine-lost]').textContent`, &banner)
	if !strings.Contains(banner, "retrying") {
		t.Errorf("the banner says %q", banner)
	}
	// A server at the same address again: the page reconnects (to a new
	// cluster, this server's, built by whichever tab's Start came first)
	// and the banner goes.
	startNative(t, addr)
	a.waitJS(`document.querySelector('[data-engine-lost]') === null`, "the banner to go once the server is back")
	a.waitLeader()
}
