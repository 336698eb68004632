//go:build browser

package e2e

import (
	"bufio"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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
// It builds the native binary with the version the site's wasm was built
// with (the server refuses a page of another build) and runs it from the
// repository root, whose web/ holds that wasm (`make build` wrote it).
func TestNativeEngine(t *testing.T) {
	bin := buildNative(t)
	addr, stop := startNative(t, bin, "127.0.0.1:0")
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
	stop()
	a.waitJS(`document.querySelector('[data-engine-lost="native"]') !== null`, "the disconnected banner")
	var banner string
	a.eval(`document.querySelector('[data-engine-lost]').textContent`, &banner)
	if !strings.Contains(banner, "retrying") {
		t.Errorf("the banner says %q", banner)
	}
	// A server at the same address again: the page reconnects (to a new
	// cluster, this server's, built by whichever tab's Start came first)
	// and the banner goes.
	startNative(t, bin, addr)
	a.waitJS(`document.querySelector('[data-engine-lost]') === null`, "the banner to go once the server is back")
	a.waitLeader()
}

// buildNative builds the etcd-play binary with the site's version.
func buildNative(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("ETCDPLAY_BUILD")
	if dir == "" {
		dir = filepath.Join("..", "..", "build")
	}
	appJS, err := os.ReadFile(filepath.Join(dir, "app.js"))
	if err != nil {
		t.Fatal(err)
	}
	// The site's version is the build's version plus "+" and a hash of the wasm.
	m := regexp.MustCompile(`"GOAPP_VERSION":"([^"]*)\+[0-9a-f]{10}"`).FindSubmatch(appJS)
	if m == nil {
		t.Fatal("app.js names no GOAPP_VERSION")
	}
	bin := filepath.Join(t.TempDir(), "etcd-play")
	cmd := exec.Command("go", "build", "-o", bin, "-ldflags=-X main.version="+string(m[1]), ".")
	cmd.Dir = filepath.Join("..", "..")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the native binary: %v\n%s", err, out)
	}
	return bin
}

// startNative runs `serve -engine=native` at addr and returns the address
// it listens on and a function that kills it (SIGKILL: no goodbye to the
// pages); the test's end kills it too.
func startNative(t *testing.T, bin, addr string) (string, func()) {
	t.Helper()
	cmd := exec.Command(bin, "serve", "-engine=native", "-addr", addr)
	cmd.Dir = filepath.Join("..", "..") // its web/
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stop := func() { cmd.Process.Kill(); cmd.Wait() }
	t.Cleanup(stop)
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("serve -engine=native printed no URL: %v", err)
	}
	m := regexp.MustCompile(`http://(\S+)/ `).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("serve -engine=native printed %q", line)
	}
	if _, err := url.Parse("http://" + m[1]); err != nil {
		t.Fatal(err)
	}
	go func() { // keep draining its output
		s := bufio.NewScanner(out)
		for s.Scan() {
			fmt.Fprintln(os.Stderr, "serve:", s.Text())
		}
	}()
	return m[1], stop
}
