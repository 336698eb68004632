//go:build !wasm

// Package site holds the playground's native commands: serve (development
// server, what `make run` uses) and build (the static site for GitHub
// Pages).
// main calls Run natively; in the browser main never gets there.
//
// Paths are relative to WebDir (the repository's web/, as `make` runs from
// the repository root).
package site

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/etcd-play/etcd-play/app/engine/worker"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

const usage = `usage:
  etcd-play serve [-addr localhost:8000] [-engine worker|native]
  etcd-play build [-out build] [-base /etcd-play] [-url https://owner.github.io/etcd-play/] [-version v] [-wasm web/app.wasm]`

// WebDir is the static assets directory (web/ of the repository).
var WebDir = "web"

// version is what the page shows; Run points it at main's variable so the
// page routes main registered render the site's version.
var version = new(string)

// Run runs the native command in args ("serve" or "build"). ver is main's
// version variable: Run sets it to the site's version (the given version
// plus a hash of the wasm) before pages are rendered.
func Run(args []string, stdout io.Writer, ver *string) error {
	version = ver
	if len(args) == 0 {
		return errors.New("missing command\n" + usage)
	}
	switch args[0] {
	case "serve":
		fl := flag.NewFlagSet("serve", flag.ContinueOnError)
		addr := fl.String("addr", "localhost:8000", "listen address")
		kind := fl.String("engine", engineWorker, "where the cluster runs: "+engineWorker+
			" (in each page's Web Worker) or "+engineNative+" (one cluster in this process, shared by every page over a WebSocket)")
		if err := fl.Parse(args[1:]); err != nil {
			return err
		}
		return serve(*addr, *kind, stdout)
	case "build":
		fl := flag.NewFlagSet("build", flag.ContinueOnError)
		out := fl.String("out", "build", "output directory")
		base := fl.String("base", "/etcd-play", "URL path prefix the site is served under (\"\" or / for the root)")
		ver := fl.String("version", *version, "version shown on the page (a hash of the wasm is appended) and keying the service worker's cache")
		wasm := fl.String("wasm", filepath.Join(WebDir, "app.wasm"), "the app.wasm to publish (the other files come from web/)")
		siteURL := fl.String("url", "", "the site's deployed URL, ending in the base (absolute link preview tags; none when empty)")
		if err := fl.Parse(args[1:]); err != nil {
			return err
		}
		v, err := build(*out, *base, *ver, *wasm, *siteURL)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "static site in %s (base %q, version %s)\n", *out, normBase(*base), v)
		return nil
	default:
		return fmt.Errorf("unknown command %q\n%s", args[0], usage)
	}
}

// handler describes the page. Every resource is local (no request leaves
// the site); base is the URL prefix ("" for the root); site is what
// readSite read: the page's version, the service worker and the wasm's
// size.
func handler(base string, site siteFiles) *app.Handler {
	h := &app.Handler{
		Name:            "etcd-play",
		ShortName:       "etcd-play",
		Title:           "etcd playground",
		Description:     "Five real etcd raft members running in your browser: kill them, cut the network, write keys.",
		Icon:            app.Icon{Default: "/web/icon.png", Large: "/web/icon.png", SVG: "/web/icon.svg"},
		Styles:          []string{"/web/app.css", "/web/embed.css"},
		LoadingLabel:    "Loading etcd-play… {progress}%",
		Version:         site.version,
		ThemeColor:      "#1f2a44",
		BackgroundColor: "#f6f7fb",
		// The raw size, not the Content-Length a compressing server
		// sends: the loader counts decompressed bytes.
		WasmContentLength:     strconv.FormatInt(site.wasmSize, 10),
		ServiceWorkerTemplate: site.worker,
		// The engine's worker bootstrap, at the URL the page starts it
		// from (worker.ScriptURL), so that an offline reload starts it too.
		CacheableResources: []string{worker.CachePath(site.version), messagesScriptPath(site.version)},
		// First, the stand-ins for storage the browser denies (a sandboxed
		// frame; sandbox.go). Then the engine's worker starts from the
		// page's head, before the page's wasm loaded (the two compile at
		// once).
		// Then the page's own wasm is fetched and compiled from the head
		// too (earlywasm.go). Last, deferred: the script that draws the
		// raft messages in flight (app/messages_view.go).
		RawHeaders: []string{sandboxScript, worker.EarlyStartScript(base, site.version), earlyWasmScript(base, site.version),
			messagesScriptTag(base, site.version)},
	}
	if base != "" {
		h.Resources = app.PrefixedLocation(base)
	}
	return h
}

// staticHandler is handler for the static site: app.js and the worker name
// the wasm as web/app.wasm?v=VERSION, so that a page can only ever load the
// wasm its own version was built with, whatever the HTTP cache holds (a
// server sending only Last-Modified cannot revalidate an old copy into a new
// page), and the worker may serve it cache-first.
func staticHandler(base string, site siteFiles) *app.Handler {
	h := handler(base, site)
	h.Resources = versionedWasm{ResourceResolver: app.PrefixedLocation(base), query: "v=" + url.QueryEscape(site.version)}
	return h
}

// versionedWasm adds query to the wasm's URL.
type versionedWasm struct {
	app.ResourceResolver
	query string
}

func (v versionedWasm) Resolve(location string) string {
	u := v.ResourceResolver.Resolve(location)
	if location == "/web/app.wasm" {
		u += "?" + v.query
	}
	return u
}

// workerTemplate is the service worker (see its header for the contract);
// it is a template for go-app, not a published file.
const workerTemplate = "app-worker.tmpl.js"

// siteFiles is what the site's description takes from web/.
type siteFiles struct {
	version  string // ver+"+"+the first 10 hex digits of app.wasm's SHA-256
	wasmSize int64  // bytes
	worker   string // the service worker template
}

// readSite reads the wasm at wasmPath and the worker template from web/.
// The version carries a hash of the wasm so that every new wasm gets a new
// service worker cache, whatever ver says (e.g. an unchanged git describe).
func readSite(wasmPath, ver string) (siteFiles, error) {
	wasm, err := os.ReadFile(wasmPath)
	if err != nil {
		return siteFiles{}, fmt.Errorf("%s is missing (run `make wasm` first): %w", wasmPath, err)
	}
	worker, err := os.ReadFile(filepath.Join(WebDir, workerTemplate))
	if err != nil {
		return siteFiles{}, fmt.Errorf("the service worker template: %w", err)
	}
	sum := sha256.Sum256(wasm)
	return siteFiles{
		version:  ver + "+" + hex.EncodeToString(sum[:])[:10],
		wasmSize: int64(len(wasm)),
		worker:   string(worker),
	}, nil
}

func normBase(base string) string {
	base = "/" + strings.Trim(base, "/")
	if base == "/" {
		return ""
	}
	return base
}

// serve serves the page at addr until the process ends; kind is the
// -engine flag (serve_native.go has the native engine).
func serve(addr, kind string, stdout io.Writer) error {
	if kind != engineWorker && kind != engineNative {
		return fmt.Errorf("serve: -engine %q: want %s or %s\n%s", kind, engineWorker, engineNative, usage)
	}
	build := *version // the wasm's own version (both get git describe from make run)
	site, err := readSite(filepath.Join(WebDir, "app.wasm"), *version)
	if err != nil {
		return err
	}
	*version = site.version // what the page shows
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	if kind == engineNative {
		return serveNative(ln, site, build, stdout)
	}
	fmt.Fprintf(stdout, "etcd-play %s: http://%s/\n", *version, ln.Addr())
	return http.Serve(ln, fixedPages(handler("", site)))
}

// fixedPages serves h's pre-rendered pages through fixPrerendered (without
// link preview tags: a development server has no public URL) and
// everything else as h does. Pages are go-app's routes: paths outside /web/
// whose last element has no extension.
func fixedPages(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/web/") || strings.Contains(path.Base(r.URL.Path), ".") {
			h.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		if strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
			body = []byte(fixPrerendered(string(body), socialTags("", r.URL.Path)))
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(rec.Code)
		w.Write(body)
	})
}

// build generates the static site into out and copies web/ into out/web,
// with the worker template left out and wasm published as web/app.wasm
// (GenerateStaticWebsite copies neither). Its pages go through
// fixPrerendered, with link preview tags for siteURL (the -url flag: "" or
// the site's absolute URL, whose path is base). It returns the site's
// version.
func build(out, base, ver, wasm, siteURL string) (string, error) {
	base = normBase(base)
	siteURL, err := parseSiteURL(siteURL, base)
	if err != nil {
		return "", err
	}
	site, err := readSite(wasm, ver)
	if err != nil {
		return "", err
	}
	*version = site.version // what the pre-rendered page shows
	if err := os.RemoveAll(out); err != nil {
		return "", err
	}
	if err := app.GenerateStaticWebsite(out, staticHandler(base, site)); err != nil {
		return "", fmt.Errorf("generating the static site: %w", err)
	}
	if err := fixPages(out, siteURL); err != nil {
		return "", err
	}
	if err := copyDir(WebDir, filepath.Join(out, "web")); err != nil {
		return "", err
	}
	return site.version, copyFile(wasm, filepath.Join(out, "web", "app.wasm"))
}

// fixPages rewrites the pages GenerateStaticWebsite wrote into out (its
// .html files; web/ is not copied yet) with fixPrerendered.
func fixPages(out, siteURL string) error {
	return filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".html" {
			return err
		}
		rel, err := filepath.Rel(out, p)
		if err != nil {
			return err
		}
		pagePath := strings.TrimSuffix(filepath.ToSlash(rel), ".html")
		if pagePath == "index" {
			pagePath = ""
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(p, []byte(fixPrerendered(string(b), socialTags(siteURL, pagePath))), 0o644)
	})
}

func copyDir(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if rel == workerTemplate {
			return nil
		}
		return copyFile(path, target)
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// messagesScriptPath is the site's path of the script that draws the
// messages in flight, with the version (a new deploy's page never runs an
// old copy from the HTTP cache).
func messagesScriptPath(version string) string {
	return "/web/messages-canvas.js?v=" + url.QueryEscape(version)
}

// messagesScriptTag loads that script, deferred, under base.
func messagesScriptTag(base, version string) string {
	return `<script defer src="` + html.EscapeString(strings.TrimRight(base, "/")+messagesScriptPath(version)) + `"></script>`
}
