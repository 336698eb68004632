//go:build !wasm

package site

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	ui "github.com/etcd-play/etcd-play/app"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// build writes a static site whose version carries the wasm's hash, whose
// app.js and worker name the wasm by that version, whose loader knows the
// wasm's raw size, and which publishes the given wasm but not the worker
// template.
func init() { WebDir = filepath.Join("..", "..", "web") } // tests run in app/site

func TestBuildSite(t *testing.T) {
	tmp := t.TempDir()
	wasm := filepath.Join(tmp, "app.wasm")
	body := []byte("\x00asm fake wasm for the build test")
	if err := os.WriteFile(wasm, body, 0o644); err != nil {
		t.Fatal(err)
	}
	app.Route("/", func() app.Composer { return ui.New(ui.Options{}) }) // as main does
	out := filepath.Join(tmp, "site")
	ver, err := build(out, "/etcd-play", "v1.2.3", wasm, "")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	if want := "v1.2.3+" + hex.EncodeToString(sum[:])[:10]; ver != want {
		t.Fatalf("version %q, want %q", ver, want)
	}
	read := func(name string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	wasmURL := "/etcd-play/web/app.wasm?v=v1.2.3%2B" + ver[len("v1.2.3+"):]
	appJS := read("app.js")
	for _, want := range []string{`"GOAPP_VERSION":"` + ver + `"`, `"` + wasmURL + `"`,
		`goappWasmContentLength = "` + strconv.Itoa(len(body)) + `"`} {
		if !strings.Contains(appJS, want) {
			t.Errorf("app.js lacks %s", want)
		}
	}
	worker := read("app-worker.js")
	for _, want := range []string{`"etcd-play-" + "` + ver + `"`, `"` + wasmURL + `"`, `"/etcd-play/web/embed.css"`} {
		if !strings.Contains(worker, want) {
			t.Errorf("app-worker.js lacks %s", want)
		}
	}
	if strings.Contains(worker, "{{.") {
		t.Error("app-worker.js still has template placeholders")
	}
	if got := read("web/app.wasm"); got != string(body) {
		t.Error("web/app.wasm is not the wasm given to build")
	}
	if _, err := os.Stat(filepath.Join(out, "web", workerTemplate)); !os.IsNotExist(err) {
		t.Errorf("the worker template was published (%v)", err)
	}
	if !strings.Contains(read("index.html"), `src="/etcd-play/web/icon.png"`) {
		t.Error("index.html's loader does not show the site's own icon")
	}
}

func TestBuildWithoutWasm(t *testing.T) {
	_, err := build(filepath.Join(t.TempDir(), "site"), "/", "v", filepath.Join(t.TempDir(), "missing.wasm"), "")
	if err == nil || !strings.Contains(err.Error(), "make wasm") {
		t.Errorf("err = %v, want one that says to run make wasm", err)
	}
}
