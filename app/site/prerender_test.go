//go:build !wasm

package site

import (
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	ui "github.com/etcd-play/etcd-play/app"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// fixPrerendered turns go-app's encoding into HTML that means the same:
// booleans false are left out, "true" is kept for non-boolean attributes,
// values are HTML-escaped rather than Go-quoted, and nothing else changes.
func TestFixPrerendered(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`<option value="1" selected="false">1</option>`, `<option value="1">1</option>`},
		{`<option selected value="2">2</option>`, `<option selected value="2">2</option>`},
		{`<input type="checkbox" checked="false" disabled required="false">`, `<input type="checkbox" disabled>`},
		{`<button disabled="false" type="button">Go</button>`, `<button type="button">Go</button>`},
		{`<div hidden="false" data-ready="false" aria-busy="false">`, `<div data-ready="false" aria-busy="false">`},
		{`<img aria-hidden class="logo" draggable>`, `<img aria-hidden="true" class="logo" draggable="true">`},
		{`<input placeholder="get --prefix \"\"">`, `<input placeholder="get --prefix &#34;&#34;">`},
		{`<p title="a\u00a0b <c> & 'd'">x &lt; y</p>`, "<p title=\"a\u00a0b &lt;c&gt; &amp; &#39;d&#39;\">x &lt; y</p>"},
		{`<svg viewBox="0 0 10 10"><path d="M0,0 z"></path></svg>`, `<svg viewBox="0 0 10 10"><path d="M0,0 z"></path></svg>`},
		{`<!doctype html><!-- <b selected="false"> --></p>`, `<!doctype html><!-- <b selected="false"> --></p>`},
		{`<script defer src="/a.js">if (a<b) { s = "<i selected=\"false\">"; }</script><p hidden>`,
			`<script defer src="/a.js">if (a<b) { s = "<i selected=\"false\">"; }</script><p hidden>`},
		// Raw HTML in another syntax is left as it is.
		{`<a href='x' selected="false">`, `<a href='x' selected="false">`},
		{`<a title="C:\dir" selected="false">`, `<a title="C:\dir" selected="false">`},
		{`a < b`, `a < b`},
		{`<p`, `<p`},
	} {
		if got := fixPrerendered(c.in, nil); got != c.want {
			t.Errorf("fixPrerendered(%s)\n got %s\nwant %s", c.in, got, c.want)
		}
	}
}

// checkPrerendered fails the test for every lie of go-app's encoding left in
// the playground's pre-rendered page (see prerender.go), and checks that
// what the page chose survives: speed 20 only, all events, linearizable
// reads, prefix unchecked, Start stress enabled.
func checkPrerendered(t *testing.T, page string) {
	t.Helper()
	if m := regexp.MustCompile(`\s(selected|checked|disabled|hidden|required|readonly)="false"`).FindAllString(page, -1); m != nil {
		t.Errorf("the page has false boolean attributes: %q", m)
	}
	if m := regexp.MustCompile(`<[a-z]+[^>]*\s(aria-[a-z]+|data-[a-z-]+|spellcheck|draggable)[\s>]`).FindAllString(page, -1); m != nil {
		t.Errorf("the page has non-boolean attributes without a value (empty in HTML): %q", m)
	}
	if strings.Contains(page, `\"`) {
		t.Error(`the page has Go-quoted attribute values (\")`)
	}
	selected := func(id string) []string {
		sel := regexp.MustCompile(`(?s)<select[^>]*id="` + id + `".*?</select>`).FindString(page)
		if sel == "" {
			t.Fatalf("no select #%s in the page", id)
		}
		var vals []string
		for _, m := range regexp.MustCompile(`<option([^>]*)>([^<]*)`).FindAllStringSubmatch(sel, -1) {
			if regexp.MustCompile(`\sselected(=|\s|$)`).MatchString(m[1]) { // present: selected, in HTML
				vals = append(vals, m[2])
			}
		}
		return vals
	}
	for id, want := range map[string]string{"speed": "20 ticks/s", "log-kind": "all", "write-consistency": "linearizable"} {
		if got := selected(id); len(got) != 1 || got[0] != want {
			t.Errorf("#%s pre-renders with %q selected, want only %q", id, got, want)
		}
	}
	if m := regexp.MustCompile(`<input[^>]*id="write-prefix"[^>]*>`).FindString(page); m == "" || strings.Contains(m, "checked") {
		t.Errorf("the prefix checkbox pre-renders as %q, want it unchecked", m)
	}
	if m := regexp.MustCompile(`<button[^>]*data-action="stress"[^>]*>`).FindString(page); m == "" || strings.Contains(m, "disabled") {
		t.Errorf("Start stress pre-renders as %q, want it enabled", m)
	}
	if !regexp.MustCompile(`<img[^>]*\saria-hidden="true"[^>]*class="logo"|<img[^>]*class="logo"[^>]*\saria-hidden="true"`).MatchString(page) {
		t.Error(`the logo is not pre-rendered aria-hidden="true"`)
	}
	if !strings.Contains(page, `placeholder="get --prefix &#34;&#34;"`) {
		t.Error("the console's placeholder is not pre-rendered as HTML")
	}
}

var ogTag = regexp.MustCompile(`<meta[^>]*property="og:(url|image)"[^>]*>`)

// The static site's index.html means in HTML what the page renders, and
// has link preview tags only with absolute URLs from -url.
func TestBuildPrerenderedPage(t *testing.T) {
	wasm := filepath.Join(t.TempDir(), "app.wasm")
	if err := os.WriteFile(wasm, []byte("\x00asm"), 0o644); err != nil {
		t.Fatal(err)
	}
	app.Route("/", func() app.Composer { return ui.New(ui.Options{}) }) // as main does
	read := func(out string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(out, "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	out := filepath.Join(t.TempDir(), "site")
	if _, err := build(out, "/etcd-play", "v", wasm, ""); err != nil {
		t.Fatal(err)
	}
	page := read(out)
	checkPrerendered(t, page)
	if m := ogTag.FindAllString(page, -1); m != nil {
		t.Errorf("without -url the page still has %q", m)
	}

	out = filepath.Join(t.TempDir(), "site")
	if _, err := build(out, "etcd-play/", "v", wasm, "https://owner.github.io/etcd-play"); err != nil {
		t.Fatal(err)
	}
	page = read(out)
	checkPrerendered(t, page)
	// (go-app writes attributes in map order.)
	got := map[string]bool{}
	for _, tag := range ogTag.FindAllString(page, -1) {
		prop := regexp.MustCompile(`property="([^"]*)"`).FindStringSubmatch(tag)[1]
		content := regexp.MustCompile(`content="([^"]*)"`).FindStringSubmatch(tag)
		if content == nil {
			t.Errorf("%s has no content", tag)
			continue
		}
		got[prop+" "+content[1]] = true
	}
	for _, want := range []string{"og:url https://owner.github.io/etcd-play/", "og:image https://owner.github.io/etcd-play/web/icon.png"} {
		if !got[want] {
			t.Errorf("with -url the page lacks %s (has %q)", want, ogTag.FindAllString(page, -1))
		}
	}

	out = filepath.Join(t.TempDir(), "site")
	if _, err := build(out, "/", "v", wasm, "http://localhost:8000/"); err != nil {
		t.Fatal(err)
	}
	if page := read(out); !strings.Contains(page, `content="http://localhost:8000/web/icon.png"`) {
		t.Errorf("a site at the root: %q", ogTag.FindAllString(page, -1))
	}
}

// The development server's pages go through the same rewrite.
func TestServePrerenderedPage(t *testing.T) {
	app.Route("/", func() app.Composer { return ui.New(ui.Options{}) })
	srv := httptest.NewServer(fixedPages(handler("", siteFiles{version: "v", wasmSize: 4})))
	defer srv.Close()
	res, err := srv.Client().Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	checkPrerendered(t, string(b))
	if m := ogTag.FindAllString(string(b), -1); m != nil {
		t.Errorf("the development server's page has %q", m)
	}
	res, err = srv.Client().Get(srv.URL + "/app.js")
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(b), "GOAPP_VERSION") {
		t.Errorf("app.js is not served as go-app serves it: %.200s", b)
	}
}

// -url must be the absolute URL the site is served at, under its base.
func TestBuildRejectsBadURL(t *testing.T) {
	wasm := filepath.Join(t.TempDir(), "app.wasm")
	os.WriteFile(wasm, []byte("\x00asm"), 0o644)
	for _, c := range []struct{ base, url, want string }{
		{"/etcd-play", "owner.github.io/etcd-play", "absolute URL"},
		{"/etcd-play", "ftp://owner.github.io/etcd-play", "absolute URL"},
		{"/etcd-play", "https://owner.github.io/etcd-play/?x=1", "absolute URL"},
		{"/etcd-play", "https://owner.github.io/", `served under "/" but -base is "/etcd-play"`},
		{"/", "https://owner.github.io/etcd-play/", `served under "/etcd-play" but -base is "/"`},
	} {
		out := filepath.Join(t.TempDir(), "site")
		_, err := build(out, c.base, "v", wasm, c.url)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("build -base %s -url %s: err = %v, want one saying %s", c.base, c.url, err, c.want)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("build -url %s wrote %s before refusing", c.url, out)
		}
	}
}
