//go:build browser

package e2e

import (
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// siteServer serves one built site under the harness's sub-path with a
// plain file server (Last-Modified only, no ETag, as the GUIDE's stale-wasm
// pitfall needs), on its own port, so that a test can swap the directory
// it serves (a new deploy) or stop it (offline).
type siteServer struct {
	URL string // the site's URL, e.g. http://127.0.0.1:PORT/etcd-play/

	mu  sync.Mutex
	dir string
	srv *http.Server
}

func startSiteServer(t *testing.T, dir string) *siteServer {
	t.Helper()
	u, err := url.Parse(siteURL)
	if err != nil {
		t.Fatal(err)
	}
	prefix := strings.TrimRight(u.Path, "/")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &siteServer{URL: "http://" + ln.Addr().String() + prefix + "/", dir: dir}
	s.srv = &http.Server{Handler: http.StripPrefix(prefix, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		dir := s.dir
		s.mu.Unlock()
		http.FileServer(http.Dir(dir)).ServeHTTP(w, r)
	}))}
	go s.srv.Serve(ln)
	t.Cleanup(s.stop)
	return s
}

// deploy makes the server serve dir from the next request on.
func (s *siteServer) deploy(dir string) {
	s.mu.Lock()
	s.dir = dir
	s.mu.Unlock()
}

// stop closes the listener and every connection: the site is unreachable.
func (s *siteServer) stop() { s.srv.Close() }

// serveFiles serves dir at the root of its own origin on host (e.g.
// "localhost", so that it is another site than 127.0.0.1) and returns the
// origin.
func serveFiles(t *testing.T, host, dir string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.FileServer(http.Dir(dir))}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return "http://" + host + ":" + port
}

var goappVersion = regexp.MustCompile(`"GOAPP_VERSION":"([^"]+)"`)

// builtVersion is the site version a build wrote into its app.js.
func builtVersion(t *testing.T, dir string) string {
	t.Helper()
	js, err := os.ReadFile(filepath.Join(dir, "app.js"))
	if err != nil {
		t.Fatal(err)
	}
	m := goappVersion.FindSubmatch(js)
	if m == nil {
		t.Fatalf("%s/app.js has no GOAPP_VERSION", dir)
	}
	return string(m[1])
}

// buildDir returns the harness's build (version A): ETCDPLAY_BUILD, or the
// repository's build/ when it is not set (as TestMain serves).
func buildDir() string {
	if a := os.Getenv("ETCDPLAY_BUILD"); a != "" {
		return a
	}
	return filepath.Join("..", "..", "build")
}

// buildDirs returns the harness's build (version A) and the second build
// (version B, ETCDPLAY_BUILD_B, made by `make build-b`). Only the update
// tests need B; a test that reads only A calls buildDir.
func buildDirs(t *testing.T) (a, b string) {
	t.Helper()
	b = os.Getenv("ETCDPLAY_BUILD_B")
	if b == "" {
		t.Fatal("ETCDPLAY_BUILD_B is not set: run `make test-browser`, which builds a second deploy with `make build-b`")
	}
	return buildDir(), b
}

// shownVersions is what the mounted page shows: the site version and the
// version compiled into the running wasm.
type shownVersions struct {
	Site string `json:"site"`
	Wasm string `json:"wasm"`
}

// goTo navigates tb to u and waits until the wasm has mounted the page.
func (tb *tab) goTo(u string) time.Duration {
	tb.t.Helper()
	start := time.Now()
	tb.run(chromedp.Navigate(u))
	tb.waitJS(`document.querySelector('.playground[data-ready="true"]') !== null`, "the wasm to mount "+u)
	return time.Since(start)
}

func (tb *tab) versions() shownVersions {
	tb.t.Helper()
	var v shownVersions
	tb.eval(`(() => { const e = document.querySelector('[data-version]'); return {site: e.dataset.version, wasm: e.dataset.wasmVersion}; })()`, &v)
	return v
}

// waitWorker waits until a service worker controls the page. The worker
// activates (and claims the page) only after its install precached every
// file of the site.
func (tb *tab) waitWorker() {
	tb.t.Helper()
	tb.waitJS(`navigator.serviceWorker.controller !== null`, "the service worker to control the page")
}

// evalAsync evaluates a JavaScript expression that yields a promise.
func (tb *tab) evalAsync(expr string, out any) {
	tb.t.Helper()
	tb.run(chromedp.Evaluate(expr, out, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
}
