//go:build !wasm

package site

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	ui "github.com/etcd-play/etcd-play/app"
	"github.com/etcd-play/etcd-play/app/engine/worker"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// pageScriptURL is worker.ScriptURL as the page computes it, from the
// environment app.js hands the page.
func pageScriptURL(t *testing.T, appJS string) string {
	t.Helper()
	m := regexp.MustCompile(`goappEnv = (\{.*\});`).FindStringSubmatch(appJS)
	if m == nil {
		t.Fatal("app.js carries no goappEnv")
	}
	var env map[string]string
	if err := json.Unmarshal([]byte(m[1]), &env); err != nil {
		t.Fatalf("app.js's goappEnv: %v", err)
	}
	for _, k := range []string{"GOAPP_STATIC_RESOURCES_URL", "GOAPP_VERSION"} {
		t.Setenv(k, env[k])
	}
	return worker.ScriptURL()
}

// The static site publishes the engine worker's bootstrap at the URL the
// page starts it from, and its service worker precaches that very URL
// (so an offline reload can start the engine).
func TestBuildPublishesEngineWorker(t *testing.T) {
	tmp := t.TempDir()
	wasm := filepath.Join(tmp, "app.wasm")
	if err := os.WriteFile(wasm, []byte("\x00asm fake"), 0o644); err != nil {
		t.Fatal(err)
	}
	app.Route("/", func() app.Composer { return ui.New(ui.Options{}) })
	out := filepath.Join(tmp, "site")
	ver, err := build(out, "/etcd-play", "v1+x", wasm, "")
	if err != nil {
		t.Fatal(err)
	}
	appJS, err := os.ReadFile(filepath.Join(out, "app.js"))
	if err != nil {
		t.Fatal(err)
	}
	u := pageScriptURL(t, string(appJS))
	pu, err := url.Parse(u)
	if err != nil || pu.Path != "/etcd-play/web/"+worker.ScriptName || pu.Query().Get("v") != ver {
		t.Fatalf("the page's script URL %q, want /etcd-play/web/%s?v=<%s>", u, worker.ScriptName, ver)
	}
	sw, err := os.ReadFile(filepath.Join(out, "app-worker.js"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(sw), `"`+u+`"`) {
		t.Errorf("app-worker.js does not precache %s", u)
	}
	published, err := os.ReadFile(filepath.Join(out, "web", worker.ScriptName))
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join(WebDir, worker.ScriptName))
	if err != nil {
		t.Fatal(err)
	}
	if string(published) != string(src) {
		t.Error("the published bootstrap differs from web/" + worker.ScriptName)
	}
}

// The development server (serve) answers the page's script URL and lists it
// for its service worker.
func TestServeEngineWorker(t *testing.T) {
	tmp := t.TempDir()
	wasm := filepath.Join(tmp, "app.wasm")
	if err := os.WriteFile(wasm, []byte("\x00asm fake"), 0o644); err != nil {
		t.Fatal(err)
	}
	site, err := readSite(wasm, "dev")
	if err != nil {
		t.Fatal(err)
	}
	app.Route("/", func() app.Composer { return ui.New(ui.Options{}) })
	t.Chdir(filepath.Join("..", "..")) // serve runs at the repository's root, serving web/
	srv := httptest.NewServer(fixedPages(handler("", site)))
	defer srv.Close()
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	_, appJS := get("/app.js")
	u := pageScriptURL(t, appJS)
	if code, body := get(u); code != http.StatusOK || !strings.Contains(body, "etcdplayWorkerInbox") {
		t.Errorf("GET %s: %d, %.60q", u, code, body)
	}
	if _, sw := get("/app-worker.js"); !strings.Contains(sw, `"`+u+`"`) {
		t.Errorf("the service worker does not precache %s", u)
	}
}
