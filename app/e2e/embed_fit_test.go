//go:build browser

package e2e

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// readmeSnippet is the iframe snippet of the README's embedding section,
// with its placeholder site (https://OWNER.github.io/etcd-play/) replaced
// by site.
func readmeSnippet(t *testing.T, site string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	const placeholder = "https://OWNER.github.io/etcd-play/"
	snippet := regexp.MustCompile(`(?s)<iframe src="` + regexp.QuoteMeta(placeholder) + `[^>]*></iframe>`).FindString(string(b))
	if snippet == "" {
		t.Fatalf("the README has no iframe snippet embedding %s", placeholder)
	}
	return strings.Replace(snippet, placeholder, site, 1)
}

// docsSite serves a docs page at /docs.html, whose body is body, and the
// built playground under the harness's sub-path, from one origin (so that
// the test may look into the frame). It returns the docs page's URL and
// the playground's.
func docsSite(t *testing.T, body func(site string) string) (docs, site string) {
	t.Helper()
	dir := buildDir()
	u, err := url.Parse(siteURL)
	if err != nil {
		t.Fatal(err)
	}
	prefix := strings.TrimRight(u.Path, "/")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	origin := "http://" + ln.Addr().String()
	site = origin + prefix + "/"
	page := body(site)
	mux := http.NewServeMux()
	mux.Handle(prefix+"/", http.StripPrefix(prefix, http.FileServer(http.Dir(dir))))
	mux.Handle("/docs.html", htmlPage(page))
	serveUntilCleanup(t, ln, mux)
	return origin + "/docs.html", site
}

// htmlPage answers every request with page as HTML.
func htmlPage(page string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	}
}

// serveUntilCleanup serves h on ln until the test ends.
func serveUntilCleanup(t *testing.T, ln net.Listener, h http.Handler) {
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
}

// readmeJS is the README's postMessage example (its js code block).
func readmeJS(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```js\n(.*?)```").FindStringSubmatch(string(b))
	if m == nil {
		t.Fatal("the README has no js example")
	}
	return m[1]
}

// frameJS are helpers the docs page's tests evaluate in the docs page: the
// frame's window and document, the content height of its page, whether
// an element is wholly inside the frame's viewport, and the resize
// messages the frame posted.
const frameJS = `
	const frame = document.querySelector('iframe'), w = frame.contentWindow, d = w.document;
	const contentHeight = () => Math.ceil(d.body.getBoundingClientRect().height);
	const inside = (e) => { const r = e.getBoundingClientRect();
		return r.top >= 0 && r.left >= 0 && r.bottom <= w.innerHeight && r.right <= w.innerWidth; };
	const resizes = window.resizes;
`

// settledJS is true when the last resize message the docs page received
// carries the frame content's height.
const settledJS = `(() => {` + frameJS + ` return resizes.length > 0 && Math.abs(resizes[resizes.length - 1] - contentHeight()) <= 1; })()`

// docsWithFrame is a docs page whose body is the iframe snippet, recording
// the frame's resize messages in window.resizes; once window.follow is
// set, it also sizes the frame from each, as a docs page would.
func docsWithFrame(snippet string) string {
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>docs</title></head>
<body style="margin:0">
` + snippet + `
<script>
window.resizes = [];
const frame = document.querySelector("iframe");
window.addEventListener("message", (e) => {
  if (e.source !== frame.contentWindow || !e.data || e.data.etcdplay !== 1 || e.data.type !== "resize") return;
  window.resizes.push(e.data.height);
  if (window.follow) frame.style.height = e.data.height + "px";
});
</script></body></html>`
}

// A docs page embedding the README's exact snippet (900x560, 3 members,
// view,cards,faults) shows every member card and the fault controls
// inside the frame, without scrolling; the frame posts resize messages
// carrying its content's height, and posts a new one when the content
// grows (here: the docs page narrows the frame, and the layout stacks);
// a page that sets the frame's height from each shows everything.
func TestEmbedSnippetFits(t *testing.T) {
	docs, _ := docsSite(t, func(site string) string { return docsWithFrame(readmeSnippet(t, site)) })
	tb := blankTab(t, time.Minute)
	tb.run(chromedp.Navigate(docs))
	tb.waitJS(`(() => { const d = document.querySelector('iframe').contentDocument;
		return d !== null && d.querySelectorAll('.playground[data-ready="true"] .card[data-member]').length === 3 &&
			d.querySelector('.card[data-state="leader"]') !== null; })()`, "the embedded playground's 3 cards and a leader")

	type fit struct {
		Inner, Width, Scroll, Content int
		Outside                       []string
		Resizes                       []int
	}
	measure := func() fit {
		var f fit
		tb.eval(`(() => {`+frameJS+`
			const out = [];
			for (const e of d.querySelectorAll('.card[data-member], .embed-side > .panel, .embed-view, [data-action]')) {
				if (!inside(e)) out.push((e.dataset.member ? 'etcd-' + e.dataset.member : e.className || e.dataset.action) + ' ' + JSON.stringify(e.getBoundingClientRect()));
			}
			return {inner: w.innerHeight, width: w.innerWidth, scroll: d.scrollingElement.scrollHeight, content: contentHeight(), outside: out, resizes: resizes};
		})()`, &f)
		return f
	}
	settled := settledJS

	f := measure()
	t.Logf("README snippet: frame %dx%d, content %d px, scroll height %d", f.Width, f.Inner, f.Content, f.Scroll)
	if f.Scroll > f.Inner || len(f.Outside) > 0 {
		t.Errorf("the README's snippet does not fit: content %d px in a %d px frame; outside the frame: %q", f.Scroll, f.Inner, f.Outside)
	}
	tb.waitJS(settled, "a resize message with the content's height")
	f = measure()
	t.Logf("resize messages: %v (content %d px)", f.Resizes, f.Content)
	first := f.Resizes[len(f.Resizes)-1]

	// A narrower docs column: the layout stacks and the content grows.
	tb.eval(`document.querySelector('iframe').width = '420'`, nil)
	tb.waitJS(`(() => {`+frameJS+` return resizes[resizes.length - 1] > `+fmt.Sprint(first)+`; })()`, "a resize message for the taller content")
	tb.waitJS(settled, "the last resize message to carry the content's height")
	f = measure()
	t.Logf("at 420 px wide: resize messages %v, content %d px", f.Resizes, f.Content)

	// The docs page adopts the height, and each later one (the running
	// cluster may add a line to a card meanwhile): once the frame has the
	// last posted height and it is the content's, nothing is outside it.
	// (A layout that grew with the frame's height would never settle.)
	tb.eval(`(() => { window.follow = true; const f = document.querySelector('iframe'); f.style.height = window.resizes[window.resizes.length - 1] + 'px'; })()`, nil)
	tb.waitJS(`(() => {`+frameJS+` return w.innerHeight === resizes[resizes.length - 1] && Math.abs(resizes[resizes.length - 1] - contentHeight()) <= 1; })()`,
		"the frame to take the last posted height, the content's")
	f = measure()
	t.Logf("the frame follows the resize messages: %v", f.Resizes)
	if f.Scroll > f.Inner || len(f.Outside) > 0 {
		t.Errorf("a frame sized from the resize message (%d px) still scrolls (%d px) or hides %q", f.Inner, f.Scroll, f.Outside)
	}
}

// The resize messages follow the page's own content, not only the frame's
// width: each put in an embedded write panel (typed and clicked inside the
// frame) adds a result, and a resize message with the new height follows.
func TestEmbedResizeFollowsContent(t *testing.T) {
	docs, _ := docsSite(t, func(site string) string {
		return docsWithFrame(`<iframe src="` + site + `?embed=1&members=3&panels=write" title="etcd playground" width="900" height="560" style="border:0"></iframe>`)
	})
	tb := blankTab(t, time.Minute)
	tb.run(chromedp.Navigate(docs))
	tb.waitJS(`(() => { const d = document.querySelector('iframe').contentDocument;
		return d !== null && d.querySelector('.playground[data-ready="true"] #write-key') !== null &&
			d.querySelectorAll('#client-member option').length === 3 && +d.querySelector('.clock').dataset.now > 0; })()`, "the embedded write panel and a running cluster")
	tb.waitJS(settledJS, "a resize message with the content's height")
	// clickIn clicks the centre of the frame's element sel with the mouse.
	clickIn := func(sel string) {
		t.Helper()
		var at struct{ X, Y float64 }
		tb.eval(fmt.Sprintf(`(() => { const f = document.querySelector('iframe').getBoundingClientRect();
			const r = document.querySelector('iframe').contentDocument.querySelector(%q).getBoundingClientRect();
			return {x: f.left + r.left + r.width / 2, y: f.top + r.top + r.height / 2}; })()`, sel), &at)
		tb.run(chromedp.MouseClickXY(at.X, at.Y))
	}
	heights := []int{}
	for i := 1; i <= 3; i++ {
		var before int
		tb.eval(`window.resizes[window.resizes.length - 1]`, &before)
		clickIn("#write-key")
		tb.run(chromedp.KeyEvent(fmt.Sprintf("k%d", i)))
		clickIn(`button[data-action="put"]`)
		tb.waitJS(fmt.Sprintf(`document.querySelector('iframe').contentDocument.querySelectorAll('.write-result').length === %d`, i), fmt.Sprintf("put %d's result", i))
		tb.waitJS(fmt.Sprintf(`(() => {`+frameJS+` return resizes[resizes.length - 1] > %d; })()`, before), fmt.Sprintf("a resize message after put %d", i))
		tb.waitJS(settledJS, "the last resize message to carry the content's height")
		var h int
		tb.eval(`window.resizes[window.resizes.length - 1]`, &h)
		heights = append(heights, h)
	}
	t.Logf("content height after each put: %v", heights)
}

// web/embed-example.html, on another site than the playground, sets its
// frame's height from the resize events: in a narrow docs column (480 px,
// where the layout stacks: far taller than the example's initial 560 px)
// the frame ends up exactly as tall as the playground's content.
func TestEmbedExampleSizesItsFrame(t *testing.T) {
	d := openDocs(t, "localhost", url.Values{})
	d.waitEvent(`m.type === "leader" && m.leader !== 0`, "a leader event")
	n := d.mark()
	d.eval(`document.body.style.width = '480px'`, nil)
	d.waitJS(fmt.Sprintf(`(() => { const r = window.playgroundEvents.slice(%d).filter(m => m.type === "resize");
		return r.length > 0 && r[r.length - 1].height > 700 && document.getElementById('playground').clientHeight === r[r.length - 1].height; })()`, n),
		"the example's frame to take the height of the last resize event")
	var got struct{ Frame, Last, N int }
	d.eval(`(() => { const r = window.playgroundEvents.filter(m => m.type === "resize");
		return {frame: document.getElementById('playground').clientHeight, last: r[r.length - 1].height, n: r.length}; })()`, &got)
	t.Logf("the example's frame: %d px after %d resize events", got.Frame, got.N)
}

// The README's snippet and its postMessage example, pasted as they are into
// a docs page (the snippet's allow= naming that page's origin), run: the
// example's put is answered, which it logs with the put's id.
func TestEmbedReadmeExampleRuns(t *testing.T) {
	docs, _ := docsSite(t, func(site string) string {
		u, err := url.Parse(site)
		if err != nil {
			t.Fatal(err)
		}
		origin := u.Scheme + "://" + u.Host
		snippet := strings.Replace(readmeSnippet(t, site), "allow=https://docs.example", "allow="+origin, 1)
		return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>docs</title></head><body>
` + snippet + `
<script>
` + readmeJS(t) + `</script></body></html>`
	})
	tb := blankTab(t, time.Minute)
	logs := make(chan []string, 100)
	chromedp.ListenTarget(tb.ctx, func(ev any) {
		if ev, ok := ev.(*runtime.EventConsoleAPICalled); ok && ev.Type == runtime.APITypeLog {
			var args []string
			for _, a := range ev.Args {
				s := string(a.Value)
				if a.Preview != nil {
					for _, p := range a.Preview.Properties {
						s += " " + p.Name + "=" + p.Value
					}
				}
				args = append(args, s)
			}
			logs <- args
		}
	})
	tb.run(runtime.Enable(), chromedp.Navigate(docs))
	for {
		select {
		case args := <-logs:
			t.Logf("console.log %q", args)
			if len(args) > 0 && args[0] == `"p1"` {
				if len(args) < 2 || !strings.Contains(args[1], "revision=") {
					t.Fatalf("the example's put was not answered with a revision: %q", args)
				}
				return
			}
		case <-tb.ctx.Done():
			t.Fatal("the README example never logged the result of its put p1")
		}
	}
}
