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
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// hostilePage is a docs page on another site (localhost; the playground
// is on 127.0.0.1, so the frame runs in a process of its own and the
// docs page's own work never shows in the frame's probe), embedding the
// playground with allow= set to allow, and the frame's own tab, attached
// to the frame's target, for the probe.
type hostilePage struct {
	docsPage
	frame *tab
}

// openHostile serves the docs page and opens it; the embedded playground
// runs 3 members at 1 tick per second (the page's own work stays small,
// so the probe sees what a message costs).
func openHostile(t *testing.T, allow func(docsOrigin string) string) hostilePage {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	origin := "http://localhost:" + port
	src := siteURL + "?" + url.Values{"embed": {"1"}, "members": {"3"}, "speed": {"1"}, "allow": {allow(origin)}}.Encode()
	page := `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>docs</title></head><body>
<iframe id="f" src="` + src + `" title="etcd playground" width="900" height="560"></iframe>
<script>
window.playgroundEvents = [];
const f = document.getElementById("f");
window.addEventListener("message", (e) => { if (e.source === f.contentWindow && e.data && e.data.etcdplay === 1) window.playgroundEvents.push(e.data); });
// post sends any value to the playground, as a hostile page may.
window.post = (m) => { f.contentWindow.postMessage(m, "*"); return true; };
</script></body></html>`
	mux := http.NewServeMux()
	mux.Handle("/docs.html", htmlPage(page))
	serveUntilCleanup(t, ln, mux)
	tb := blankTab(t, 3*time.Minute)
	d := docsPage{tab: tb, origin: origin, navigated: time.Now()}
	tb.run(chromedp.Navigate(origin + "/docs.html"))
	d.waitEvent(`m.type === "leader" && m.leader !== 0`, "a leader event")
	return hostilePage{docsPage: d, frame: frameTab(t, src)}
}

// frameTab attaches to the out-of-process frame whose URL is src.
func frameTab(t *testing.T, src string) *tab {
	t.Helper()
	ex := cdp.WithExecutor(browserCtx, chromedp.FromContext(browserCtx).Browser)
	infos, err := target.GetTargets().Do(ex)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range infos {
		if i.Type == "iframe" && i.URL == src {
			ctx, cancel := chromedp.NewContext(browserCtx, chromedp.WithTargetID(i.TargetID))
			t.Cleanup(cancel)
			return &tab{t: t, ctx: ctx}
		}
	}
	t.Fatalf("no frame target at %s", src)
	return nil
}

// answerWithin bounds the wait for each result: the page answers in
// milliseconds.
const answerWithin = 10 * time.Second

// answer waits up to answerWithin for the result of command id.
func (h hostilePage) answer(id string) (event, bool) {
	h.t.Helper()
	cond := fmt.Sprintf(`window.playgroundEvents.some(m => m.type === "result" && m.id === %q)`, id)
	var ok bool
	if err := chromedp.Run(h.ctx, chromedp.Poll(cond, &ok, pollEvery, chromedp.WithPollingTimeout(answerWithin))); err != nil {
		return event{}, false
	}
	return h.result(id), true
}

// frameProbe, run in the frame: the longest gap between 5 ms timer
// callbacks (as bench_test.go's benchProbe), and how often and how long
// the page read MessageEvent.data of messages from other windows (the
// getter is wrapped: its first read is the browser deserialising the
// message, which no page code can avoid once it reads the message). The
// engine worker's own messages to the page (its protocol frames, whose
// source is null) are not counted.
const frameProbe = `(() => {
	const p = window.__probe = {maxGap: 0, ticks: 0, reads: 0, readMs: 0};
	if (!window.__dataWrapped) {
		window.__dataWrapped = true;
		const d = Object.getOwnPropertyDescriptor(MessageEvent.prototype, "data");
		Object.defineProperty(MessageEvent.prototype, "data", {configurable: true, enumerable: d.enumerable, get() {
			const t0 = performance.now(), v = d.get.call(this);
			if (this.source !== null) { window.__probe.reads++; window.__probe.readMs += performance.now() - t0; }
			return v;
		}});
	}
	let last = performance.now();
	p.timer = setInterval(() => { const n = performance.now(); p.maxGap = Math.max(p.maxGap, n - last); p.ticks++; last = n; }, 5);
	return true;
})()`

type probeResult struct {
	MaxGap, ReadMs float64
	Reads          int
	// PostMs is how long the docs page's own postMessage call took
	// (serialising the payload). When the docs page and the frame share
	// a thread, the frame's probe sees it as a gap it did not cause.
	PostMs float64
}

// stall posts the message the JavaScript expression payload(id) builds
// (built before the probe starts, in the docs page's own process) and
// returns what the frame's probe saw from before the post until its
// result arrived and the frame's timer ran again. It does so tries times
// and keeps the try with the shortest longest gap: the page has gaps of
// its own now and then (up to ~200 ms seen with the frame idle on this
// loaded machine), which do not come back at every try, while a stall
// the message causes does.
func (h hostilePage) stall(payload string, tries int) (best probeResult, ev event) {
	h.t.Helper()
	for i := 0; i < tries; i++ {
		id := fmt.Sprintf("stall%d", i)
		h.eval(fmt.Sprintf(`window.payload = (%s)(%q), true`, payload, id), new(bool))
		h.frame.eval(frameProbe, new(bool))
		h.frame.waitJS(`window.__probe.ticks >= 20`, "the probe to run")
		n := h.mark()
		var postMs float64
		h.eval(`(() => { const t0 = performance.now(); post(window.payload); return performance.now() - t0; })()`, &postMs)
		e := h.waitEventAfter(n, fmt.Sprintf(`m.type === "result" && (m.id === %q || m.id === undefined)`, id), "the answer to "+id)
		var ticks int
		h.frame.eval(`window.__probe.ticks`, &ticks)
		h.frame.waitJS(fmt.Sprintf(`window.__probe.ticks >= %d`, ticks+3), "the probe to run after the answer")
		var r probeResult
		h.frame.eval(`(() => { clearInterval(window.__probe.timer); return window.__probe; })()`, &r)
		r.PostMs = postMs
		h.t.Logf("try %d: longest gap %.1f ms, MessageEvent.data read %d times (%.1f ms), the docs page's postMessage call %.1f ms", i, r.MaxGap, r.Reads, r.ReadMs, r.PostMs)
		if i == 0 || r.MaxGap-r.ReadMs < best.MaxGap-best.ReadMs {
			best, ev = r, e
		}
	}
	return best, ev
}

// Every malformed message from an allowed origin is answered with a
// result error naming the field (a case variant or a duplicate of a
// field is never read as that field: {CMD: "kill", MEMBER: 2} kills
// nothing), messages that are not etcd-play commands are ignored as the
// README says, and an oversized array or string is refused by name,
// its data read once. BENCH lines give the frame's stall (target: the
// page's own < 50 ms).
func TestEmbedHostileMessages(t *testing.T) {
	h := openHostile(t, func(docs string) string { return docs })
	for i, tc := range []struct{ msg, want string }{
		{`{CMD: "kill", MEMBER: 2}`, `field "CMD": field names are case-sensitive`},
		{`{cmd: "status", Cmd: "restart", member: 2}`, `field "Cmd": field names are case-sensitive`},
		{`{cmd: "kill", Member: 2}`, `field "Member"`},
		{`{cmd: "kill", memebr: 2}`, `unknown field "memebr"`},
		{`{cmd: "heal", member: 2}`, "heal does not take member"},
		{`{cmd: "kill", member: "x"}`, "member must be a whole number from 0, not string"},
		{`{cmd: "kill", member: 2.5}`, "member must be a whole number from 0, not number 2.5"},
		{`{cmd: "kill", member: null}`, "member must be a whole number from 0, not null"},
		{`{cmd: "kill", member: 2n}`, "member must be a JSON value, not a BigInt"},
		{`{cmd: "kill", member: NaN}`, "member must be a finite number, not NaN"},
		{`{cmd: "kill", member: new Date(0)}`, "member must be a JSON value, not [object Date]"},
		{`{cmd: "kill", member: new Map([[1, 2]])}`, "member must be a JSON value, not [object Map]"},
		{`{cmd: "stress", count: 1e30}`, "count must be a whole number, not number 1e+30"},
		{`{cmd: "put", key: 42}`, "key must be a string, not number"},
		{`{cmd: 7}`, "cmd must be a string, not number"},
		{`{cmd: "get", key: "k", serializable: "yes"}`, "serializable must be true or false, not string"},
		{`{cmd: "partition", groups: [[1, "2"], [3]]}`, "groups must be a list of lists of member numbers, not string"},
		{`{cmd: "partition", groups: "1,2|3"}`, "groups must be a list of lists of member numbers, not string"},
		{`{cmd: "restart", member: 0}`, "restart needs a member"},
		{`{etcdplay: "1", cmd: "status"}`, "etcdplay must be the number 1, not string"},
		{`{etcdplay: 2, cmd: "status"}`, "protocol version 2"},
		{`{cmd: "partition", groups: [Array.from({length: 5000}, () => 1), [2]]}`, "groups[0] has 5000 items: a message holds at most 1024 values"},
		{`{cmd: "put", key: "k", value: "v".repeat(600000)}`, "value is 600000 characters long"},
	} {
		id := fmt.Sprintf("bad%d", i)
		h.eval(fmt.Sprintf(`post(Object.assign({etcdplay: 1, id: %q}, %s))`, id, tc.msg), new(bool))
		r, answered := h.answer(id)
		if !answered {
			t.Errorf("%s: no result within %v, want an error mentioning %q", tc.msg, answerWithin, tc.want)
			continue
		}
		if r.OK == nil || *r.OK || !strings.Contains(r.Error, tc.want) {
			t.Errorf("%s: %+v, want an error mentioning %q", tc.msg, r, tc.want)
		}
	}
	// Not etcd-play commands: no answer (the status after them is
	// answered, so they were handled).
	for _, msg := range []string{`{id: "f0", cmd: "kill", member: 1}`, `{etcdplay: null, id: "f1", cmd: "kill", member: 1}`,
		`{Etcdplay: 1, id: "f2", cmd: "kill", member: 1}`, `[1, 2]`, `"kill"`, `null`} {
		h.eval(`post(`+msg+`)`, new(bool))
	}
	h.eval(`post({etcdplay: 1, id: "st", cmd: "status"})`, new(bool))
	st := h.result("st")
	var answered []event
	h.eval(`window.playgroundEvents.filter(m => m.type === "result" && /^f/.test(m.id))`, &answered)
	if len(answered) != 0 {
		t.Errorf("foreign messages were answered: %+v", answered)
	}
	if strings.Contains(string(st.Result), `"down"`) {
		t.Errorf("a member is down after the refused commands: %s", st.Result)
	}

	// A two-million-item array: refused by name; what the page does with
	// it, beyond the browser's deserialising it, stalls the frame < 50 ms.
	huge := `(id) => ({etcdplay: 1, id, cmd: "partition", groups: [Array.from({length: 2e6}, (_, i) => i % 3 + 1), [2]]})`
	r, ev := h.stall(huge, 2)
	if ev.OK == nil || *ev.OK || !strings.Contains(ev.Error, "groups[0] has 2000000 items") {
		t.Errorf("2M-item groups: %+v", ev)
	}
	// Read once (the browser deserialises it then), refused by its
	// length before any item is looked at.
	if r.Reads != 1 {
		t.Errorf("2M-item groups from an allowed origin: MessageEvent.data read %d times, want once", r.Reads)
	}
	t.Logf("2M-item groups (allowed origin): %q; longest gap %.1f ms, deserialising (first read of MessageEvent.data) %.1f ms", ev.Error, r.MaxGap, r.ReadMs)
	// The stall is a figure (target: the page's own < 50 ms), not an
	// assertion: a busy machine stretches it.
	fmt.Printf("BENCH hostile-message=2M-items-allowed longest-gap-ms=%.1f deserialise-ms=%.1f page-own-ms=%.1f target-page-own-ms=50\n", r.MaxGap, r.ReadMs, r.MaxGap-r.ReadMs)

	// 20,000 items: still refused (target for the whole stall,
	// deserialising included: under 50 ms).
	r, ev = h.stall(`(id) => ({etcdplay: 1, id, cmd: "partition", groups: [Array.from({length: 20000}, (_, i) => i % 3 + 1), [2]]})`, 3)
	if ev.OK == nil || *ev.OK || !strings.Contains(ev.Error, "groups[0] has 20000 items") {
		t.Errorf("20,000-item groups: %+v", ev)
	}
	if r.Reads != 1 {
		t.Errorf("20,000-item groups from an allowed origin: MessageEvent.data read %d times, want once", r.Reads)
	}
	t.Logf("20,000-item groups (allowed origin): longest gap %.1f ms, deserialising %.1f ms", r.MaxGap, r.ReadMs)
	fmt.Printf("BENCH hostile-message=20k-items-allowed longest-gap-ms=%.1f deserialise-ms=%.1f target-longest-gap-ms=50\n", r.MaxGap, r.ReadMs)
}

// A message from an origin that is not allowed is refused without being
// read: a two-million-item array is never deserialised. A BENCH line
// gives the frame's longest gap (target: under 50 ms of its own).
func TestEmbedRefusedOriginCostsNothing(t *testing.T) {
	h := openHostile(t, func(string) string { return "https://docs.example" })
	r, ev := h.stall(`(id) => ({etcdplay: 1, id, cmd: "partition", groups: [Array.from({length: 2e6}, (_, i) => i % 3 + 1), [2]]})`, 2)
	if ev.OK == nil || *ev.OK || !strings.Contains(ev.Error, "may not send commands") {
		t.Errorf("2M-item groups from a refused origin: %+v", ev)
	}
	// The frame's own stall: its longest gap less what the sender's
	// postMessage call (serialising two million items) took, which a
	// docs page sharing the frame's thread spends on it too (in CI:
	// gaps of 59 and 76 ms with the data never read).
	// Never read: the browser never deserialises it. The gap is a
	// figure (target < 50 ms), not an assertion.
	if r.Reads != 0 {
		t.Errorf("2M-item groups from a refused origin: the frame read its data %d times (%.1f ms)", r.Reads, r.ReadMs)
	}
	t.Logf("2M-item groups (refused origin): %q; data read %d times; longest gap %.1f ms", ev.Error, r.Reads, r.MaxGap)
	fmt.Printf("BENCH hostile-message=2M-items-refused longest-gap-ms=%.1f docs-post-ms=%.1f frame-own-ms=%.1f target-frame-own-ms=50\n", r.MaxGap, r.PostMs, max(0, r.MaxGap-r.PostMs))
}
