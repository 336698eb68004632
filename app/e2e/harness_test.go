//go:build browser

package e2e

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

var (
	siteURL    string          // e.g. http://127.0.0.1:PORT/etcd-play/
	browserCtx context.Context // the one shared browser
)

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	dir := os.Getenv("ETCDPLAY_BUILD")
	if dir == "" {
		dir = filepath.Join("..", "..", "build")
	}
	base := "/" + strings.Trim(os.Getenv("ETCDPLAY_BASE"), "/")
	if os.Getenv("ETCDPLAY_BASE") == "" {
		base = "/etcd-play"
	}
	if _, err := os.Stat(filepath.Join(dir, "web", "app.wasm")); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: %s has no web/app.wasm: run `make build` first (%v)\n", dir, err)
		return 1
	}
	exe, err := chromiumPath()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	mux := http.NewServeMux()
	prefix := strings.TrimRight(base, "/")
	mux.Handle(prefix+"/", http.StripPrefix(prefix, http.FileServer(http.Dir(dir))))
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	defer srv.Close()
	siteURL = "http://" + ln.Addr().String() + prefix + "/"
	nativeBuildDir = dir // native_harness_test.go
	defer removeNativeBinary()
	if nativeMode { // fail early when the native binary cannot be built
		if _, err := nativeBinary(); err != nil {
			fmt.Fprintln(os.Stderr, "e2e:", err)
			return 1
		}
	}

	profile, err := os.MkdirTemp("", "etcd-play-chromium-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(profile)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), chromiumOptions(exe, profile)...)
	defer cancelAlloc()
	var cancelBrowser context.CancelFunc
	browserCtx, cancelBrowser = chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	if err := chromedp.Run(browserCtx); err != nil { // starts the browser
		fmt.Fprintln(os.Stderr, "e2e: starting chromium:", err)
		return 1
	}
	return m.Run()
}

// chromiumOptions are the browser's flags for every test: headless, in
// the profile directory given, 1400x1000.
func chromiumOptions(exe, profile string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// Each test's tab is a window of its own, at the same place and
		// size as the others: with chromedp's and Puppeteer's defaults
		// (which this allocator does not inherit), none is throttled or
		// backgrounded as a hidden window. They did not end a rarer fault:
		// now and then a visible, focused tab gets no animation frame
		// again, on an idle machine (seen after axe scans; diagnose logs
		// it).
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-features", "CalculateNativeWinOcclusion"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1400, 1000),
	}
}

// chromiumPath prefers Debian's real binary over its noisy /usr/bin wrapper.
func chromiumPath() (string, error) {
	const debian = "/usr/lib/chromium/chromium"
	if st, err := os.Stat(debian); err == nil && !st.IsDir() {
		return debian, nil
	}
	p, err := exec.LookPath("chromium")
	if err != nil {
		return "", errors.New("chromium not found (apt-get install chromium; see .ci/run)")
	}
	return p, nil
}

// tab is one test's page.
type tab struct {
	t   *testing.T
	ctx context.Context
	raw context.Context // the tab's chromedp context without the test's deadline (diagnose); nil: none
	tid target.ID       // the tab's target (diagnose)

	mu      sync.Mutex
	dialogs []string // JavaScript dialogs (alert, confirm, prompt) the page opened
	panics  []string // Go panics printed to the console
}

// newTab opens the playground in a fresh tab of a fresh browser context and
// waits until the wasm has mounted the page (data-ready is only set by
// OnMount, which runs only in the browser) and a cluster is showing.
func newTab(t *testing.T, timeout time.Duration) *tab {
	t.Helper()
	freshNativeSite(t) // ETCDPLAY_ENGINE=native: a server of its own
	tb := blankTab(t, timeout)
	tb.open()
	return tb
}

// blankTab opens about:blank in a fresh tab of a fresh browser context that
// lives until the test ends (or timeout), logging the page's console errors
// and exceptions, answering its dialogs (recorded in tb.dialogs), and
// failing the test at its end if the page panicked.
func blankTab(t *testing.T, timeout time.Duration) *tab {
	t.Helper()
	// chromedp.WithNewBrowserContext fails in new-headless Chromium ("no
	// browser is open"): the target must be created with newWindow.
	bc := chromedp.FromContext(browserCtx)
	ex := cdp.WithExecutor(browserCtx, bc.Browser)
	bctxID, err := target.CreateBrowserContext().WithDisposeOnDetach(true).Do(ex)
	if err != nil {
		t.Fatalf("creating a browser context: %v", err)
	}
	tid, err := target.CreateTarget("about:blank").WithBrowserContextID(bctxID).WithNewWindow(true).Do(ex)
	if err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	raw, cancel := chromedp.NewContext(browserCtx, chromedp.WithTargetID(tid))
	ctx, cancelTimeout := context.WithTimeout(raw, timeout)
	t.Cleanup(func() {
		cancelTimeout()
		cancel() // closes the tab
		if err := target.DisposeBrowserContext(bctxID).Do(ex); err != nil {
			t.Logf("disposing the browser context: %v", err)
		}
	})
	tb := &tab{t: t, ctx: ctx, raw: raw, tid: tid}
	chromedp.ListenTarget(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *page.EventJavascriptDialogOpening:
			tb.mu.Lock()
			tb.dialogs = append(tb.dialogs, string(ev.Type)+": "+ev.Message)
			tb.mu.Unlock()
			go chromedp.Run(ctx, page.HandleJavaScriptDialog(false))
		case *runtime.EventConsoleAPICalled:
			if ev.Type != runtime.APITypeError {
				return
			}
			var b strings.Builder
			for _, a := range ev.Args {
				b.WriteString(strings.Trim(string(a.Value), `"`))
				b.WriteByte(' ')
			}
			msg := b.String()
			t.Logf("console.error: %.500s", msg)
			if strings.Contains(msg, "panic:") {
				tb.mu.Lock()
				tb.panics = append(tb.panics, msg)
				tb.mu.Unlock()
			}
		case *runtime.EventExceptionThrown:
			t.Logf("page exception: %s", ev.ExceptionDetails.Error())
		}
	})
	t.Cleanup(func() {
		tb.mu.Lock()
		defer tb.mu.Unlock()
		if len(tb.panics) > 0 {
			t.Errorf("the page panicked: %q", tb.panics)
		}
	})
	return tb
}

// open navigates the tab to the playground and waits for the wasm to mount it.
func (tb *tab) open() {
	tb.t.Helper()
	start := time.Now()
	tb.run(chromedp.Navigate(siteURL))
	tb.waitJS(`document.querySelector('.playground[data-ready="true"]') !== null`, "the wasm to mount the page")
	tb.t.Logf("page mounted %v after navigation", time.Since(start).Round(time.Millisecond))
}

func (tb *tab) run(actions ...chromedp.Action) {
	tb.t.Helper()
	if err := chromedp.Run(tb.ctx, actions...); err != nil {
		tb.diagnose()
		tb.t.Fatalf("chromedp: %v", err)
	}
}

// pollEvery makes chromedp.Poll evaluate its expression on a 16 ms timer
// instead of chromedp's default, every animation frame: a tab whose
// compositor stopped sending frames (seen in headless Chromium, after axe
// scans) never ran a frame-polled wait again, while its timers went on
// (and so did the page's refresh, at waitFrame's fallback pace).
var pollEvery = chromedp.WithPollingInterval(16 * time.Millisecond)

// waitJS waits until the JavaScript expression is truthy (polled every
// 16 ms), failing the test with what it waited for on timeout.
// A TypeError counts as "not yet" (waitable): an expression reading an
// element that the page has not drawn yet, or redraws without a hook
// whose value is empty (go-app leaves out empty attributes), fails with
// one until it is there, and a poll between two of the page's frames
// must not fail the test (CI failed one so). The last such error is kept
// in the page's window.__etcdplayWaitErr, which diagnose prints: a wait
// for an element that never comes ends at the test's deadline saying so.
// Any other exception fails the wait at once.
func (tb *tab) waitJS(expr, what string) {
	tb.t.Helper()
	if err := tb.pollJS(expr, 0); err != nil {
		tb.diagnose()
		tb.t.Fatalf("waiting for %s: %v (expression %s)", what, err, expr)
	}
}

// pollJS is waitJS's wait, returning its error: it polls expr until it
// is truthy, counting a TypeError as not yet, for at most timeout (0: until
// the test's deadline). within (storage_faults_test.go) bounds it.
func (tb *tab) pollJS(expr string, timeout time.Duration) error {
	var ok bool
	waitable := `(() => { try { return (` + expr + `); } catch (e) { if (!(e instanceof TypeError)) throw e; window.__etcdplayWaitErr = String(e); return false; } })()`
	return chromedp.Run(tb.ctx, chromedp.Poll(waitable, &ok, pollEvery, chromedp.WithPollingTimeout(timeout)))
}

// eval evaluates a JavaScript expression into out.
func (tb *tab) eval(expr string, out any) {
	tb.t.Helper()
	tb.run(chromedp.Evaluate(expr, out))
}

// nextFrameJS defines nextFrame(f) in page JavaScript: f runs at the next
// animation frame, or after 100 ms if none comes (see pollEvery).
const nextFrameJS = `const nextFrame = (f) => { let ran = false; const go = () => { if (!ran) { ran = true; f(); } }; requestAnimationFrame(go); setTimeout(go, 100); };`

// click performs a real mouse click on the first element matching sel.
// It first scrolls the element to the middle of the viewport and waits
// until its box stayed put for two animation frames: panels off screen
// are laid out lazily (content-visibility: auto), so the page shifts as
// they come into view, and a click at a position taken before that lands
// beside the element (a person sees where the button ended up).
func (tb *tab) click(sel string) {
	tb.t.Helper()
	var settled bool
	tb.run(chromedp.Evaluate(fmt.Sprintf(`new Promise(done => {
		`+nextFrameJS+`
		const e = document.querySelector(%q);
		if (!e) return done(false);
		e.scrollIntoView({block: "center", inline: "center"});
		let last = "", same = 0, frames = 0;
		const look = () => {
			const r = e.getBoundingClientRect(), k = r.top + "," + r.left + "," + r.width + "," + r.height;
			same = k === last ? same + 1 : 0;
			last = k;
			if (same >= 2 || ++frames > 120) return done(same >= 2);
			nextFrame(look);
		};
		nextFrame(look);
	})`, sel), &settled, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	if !settled {
		tb.t.Logf("click %s: its box was still moving after 120 frames (or it is missing)", sel)
	}
	tb.run(chromedp.Click(sel, chromedp.ByQuery, chromedp.NodeVisible))
}

func (tb *tab) dialogCount() int {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return len(tb.dialogs)
}
