//go:build browser

package e2e

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// The playground in an iframe sandboxed without allow-same-origin
// (sandbox="allow-scripts"): the frame's origin is opaque, so the browser
// denies it localStorage, IndexedDB, Web Locks and a Web Worker from the
// site's URL, and its own requests are cross-origin.
//
//   - On a host that allows cross-origin requests (GitHub Pages sends
//     Access-Control-Allow-Origin: *) it runs: the cluster in the page, in
//     memory, its bar saying why and what the embedding page can add; it
//     posts ready and obeys an allowed command.
//   - On a host that does not, app.wasm cannot be loaded: the frame says
//     what the embedding page must add (allow-same-origin), as an alert,
//     and posts an error event saying it.
func TestEmbedSandboxedFrame(t *testing.T) {
	t.Run("host allows cross-origin", func(t *testing.T) {
		docs, origin := sandboxDocs(t, true)
		tb := blankTab(t, time.Minute)
		tb.run(chromedp.Navigate(docs))
		tb.waitJS(`window.msgs.some(m => m.etcdplay === 1 && m.type === "ready" && m.members.length === 3)`, "the frame's ready event")
		f := sandboxFrame(tb, "embed=1")
		f.waitJS(`document.querySelector('.playground[data-ready="true"] .card[data-state="leader"]') !== null`, "a leader in the sandboxed frame")
		var note string
		f.eval(`(document.querySelector('[data-embed-storage="memory"]') || {}).textContent || ""`, &note)
		if !strings.Contains(note, "sandboxed") || !strings.Contains(note, "allow-same-origin") {
			t.Errorf("the frame's storage line %q does not say it runs in memory for want of allow-same-origin", note)
		}
		var kind string
		f.eval(`document.querySelector('.playground').dataset.engine`, &kind)
		t.Logf("sandboxed frame runs (engine %q): %s", kind, note)
		tb.eval(`document.querySelector('iframe').contentWindow.postMessage({etcdplay: 1, id: "p1", cmd: "put", key: "k", value: "v"}, "*"), true`, new(bool))
		tb.waitJS(`window.msgs.some(m => m.type === "result" && m.id === "p1")`, "the put's result")
		var res struct {
			OK    bool
			Error string
		}
		tb.eval(`window.msgs.find(m => m.type === "result" && m.id === "p1")`, &res)
		if !res.OK {
			t.Errorf("a put from %s to the sandboxed frame: %+v", origin, res)
		}
	})
	t.Run("host refuses cross-origin", func(t *testing.T) {
		docs, _ := sandboxDocs(t, false)
		tb := blankTab(t, time.Minute)
		tb.run(chromedp.Navigate(docs))
		tb.waitJS(`window.msgs.some(m => m.etcdplay === 1 && m.type === "error")`, "the frame's error event")
		var msg string
		tb.eval(`window.msgs.find(m => m.type === "error").error`, &msg)
		if !strings.Contains(msg, `sandbox="allow-scripts allow-same-origin"`) {
			t.Errorf("error event %q does not say what to add", msg)
		}
		f := sandboxFrame(tb, "embed=1")
		var shown string
		f.eval(`(() => { const l = document.querySelector('#app-wasm-loader[data-etcdplay-error="sandboxed"] [role="alert"]');
			return l ? l.textContent : ""; })()`, &shown)
		if !strings.Contains(shown, "allow-same-origin") {
			t.Errorf("the frame shows %q, want an alert naming allow-same-origin", shown)
		}
		t.Logf("shown: %s", shown)
	})
}

// sandboxDocs serves the site and a docs page at one new origin; the docs
// page embeds the site (3 members, commands allowed from the docs page's
// origin) in an iframe sandboxed with allow-scripts only, and keeps every
// message the frame posts in window.msgs. cors: the site's responses carry
// Access-Control-Allow-Origin: * (as GitHub Pages sends).
func sandboxDocs(t *testing.T, cors bool) (docs, origin string) {
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
	origin = "http://" + ln.Addr().String()
	src := origin + prefix + "/?" + url.Values{"embed": {"1"}, "members": {"3"}, "allow": {origin}}.Encode()
	var files http.Handler = http.StripPrefix(prefix, http.FileServer(http.Dir(buildDir())))
	if cors {
		inner := files
		files = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Access-Control-Allow-Origin", "*")
			inner.ServeHTTP(w, r)
		})
	}
	mux := http.NewServeMux()
	mux.Handle(prefix+"/", files)
	mux.Handle("/docs.html", htmlPage(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>docs</title></head><body>
<iframe sandbox="allow-scripts" src="`+src+`" title="etcd playground" width="900" height="560"></iframe>
<script>window.msgs = []; window.addEventListener("message", (e) => { if (e.source === document.querySelector("iframe").contentWindow) window.msgs.push(e.data); });</script>
</body></html>`))
	serveUntilCleanup(t, ln, mux)
	return origin + "/docs.html", origin
}

// sandboxFrame waits for and attaches to the out-of-process iframe of tb whose URL contains
// match (Chromium runs a sandboxed frame in a process of its own: the
// docs page cannot read its document, and neither can tb's evaluations),
// logging its console errors and exceptions.
func sandboxFrame(tb *tab, match string) *tab {
	t := tb.t
	t.Helper()
	bc := chromedp.FromContext(browserCtx)
	ex := cdp.WithExecutor(browserCtx, bc.Browser)
	var id target.ID
	deadline := time.Now().Add(20 * time.Second)
	for id == "" {
		infos, err := target.GetTargets().Do(ex)
		if err != nil {
			t.Fatalf("listing targets: %v", err)
		}
		for _, i := range infos {
			if i.Type == "iframe" && strings.Contains(i.URL, match) {
				id = i.TargetID
			}
		}
		if id == "" {
			if time.Now().After(deadline) {
				t.Fatalf("no iframe target whose URL contains %q", match)
			}
			time.Sleep(50 * time.Millisecond) // polling the browser's target list
		}
	}
	ctx, cancel := chromedp.NewContext(tb.ctx, chromedp.WithTargetID(id))
	t.Cleanup(cancel)
	f := &tab{t: t, ctx: ctx}
	chromedp.ListenTarget(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.APITypeError {
				var b strings.Builder
				for _, a := range ev.Args {
					fmt.Fprintf(&b, "%s%s ", strings.Trim(string(a.Value), `"`), a.Description)
				}
				t.Logf("frame console.error: %.500s", b.String())
			}
		case *runtime.EventExceptionThrown:
			t.Logf("frame exception: %s", ev.ExceptionDetails.Error())
		}
	})
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("attaching to the frame: %v", err)
	}
	return f
}
