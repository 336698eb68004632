//go:build browser

package e2e

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
)

// The tour player's tests open the runner's test tour (app/tour/testdata:
// kill the leader, write through the new one, bring it back), served from
// an origin of its own and loaded with ?tour-url= and allow=, so they do
// not depend on the built-in tours.

// tourOrigin serves app/tour/testdata (and the extra files given, by
// name) at a new origin that lets any page fetch them, and returns the
// origin.
func tourOrigin(t *testing.T, extra map[string]string) string {
	t.Helper()
	dir := filepath.Join("..", "tour", "testdata")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	files := http.FileServer(http.Dir(dir))
	serveUntilCleanup(t, ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		if body, ok := extra[strings.TrimPrefix(r.URL.Path, "/")]; ok {
			fmt.Fprint(w, body)
			return
		}
		files.ServeHTTP(w, r)
	}))
	return "http://" + ln.Addr().String()
}

// tourQuery is the page query that opens the test tour from origin.
func tourQuery(origin, file string, extra ...string) string {
	q := "?members=5&tour-url=" + url.QueryEscape(origin+"/"+file) + "&allow=" + url.QueryEscape(origin)
	for _, e := range extra {
		q += "&" + e
	}
	return q
}

const tourPanel = `document.querySelector('section[data-tour]')` // the menu's buttons carry data-tour too

// waitStep waits until the tour panel shows step n, idle.
func (tb *tab) waitStep(n int) {
	tb.t.Helper()
	tb.waitJS(fmt.Sprintf(`(() => { const p = %s; return p && p.dataset.step === "%d" && p.dataset.tourBusy === "false"; })()`, tourPanel, n),
		fmt.Sprintf("the tour to show step %d", n))
}

// waitStepDone waits until the current step's conditions hold.
func (tb *tab) waitStepDone(n int) {
	tb.t.Helper()
	tb.waitJS(fmt.Sprintf(`(() => { const p = %s; return p && p.dataset.step === "%d" && p.dataset.stepDone === "true"; })()`, tourPanel, n),
		fmt.Sprintf("step %d to be done", n))
}

// doStep clicks "Do it" and waits for the step to be done.
func (tb *tab) doStep(n int) {
	tb.t.Helper()
	tb.waitStep(n)
	tb.clickAction("tour-do", 0)
	tb.waitStepDone(n)
}

// nextTourStep pauses the cluster and clicks Next: the next step starts at the
// paused tick, which the test can then read with its cards.
func (tb *tab) nextTourStep(n int) (uint64, []string) {
	tb.t.Helper()
	tb.pausedCards()
	tb.clickAction("tour-next", 0)
	tb.waitStep(n)
	tb.waitJS(`document.activeElement && document.activeElement.id === "tour-step-title"`, "the focus on the new step's heading")
	return tb.pausedCards()
}

// The test tour through the real buttons: each step is done by its "Do
// it" and its conditions; the step names what it highlights; Back from
// step 3 shows step 2's start exactly (its tick and every card's hash),
// and the tour goes on from there to its end.
func TestTourPlayerStepsAndBack(t *testing.T) {
	origin := tourOrigin(t, nil)
	tb := blankTab(t, 3*time.Minute)
	tb.goTo(siteURL + tourQuery(origin, "test-leader.tour"))
	tb.waitStepDone(1) // a leader: done at once
	var progress string
	tb.eval(`document.querySelector('[data-tour-progress]').textContent`, &progress)
	if progress != "step 1 of 4" {
		t.Fatalf("progress %q", progress)
	}
	tick2, cards2 := tb.nextTourStep(2)
	tb.waitJS(`document.querySelector('.card[data-state="leader"][data-tour-highlight="card:leader"].tour-highlight') !== null`,
		"the leader's card highlighted")
	var doneEarly string
	tb.eval(tourPanel+`.dataset.stepDone`, &doneEarly)
	if doneEarly != "false" {
		t.Fatalf("step 2 done before its action: %s", doneEarly)
	}
	tb.doStep(2)
	tb.waitJS(`(() => { const hs = [...document.querySelectorAll('[data-tour-highlight="card:leader"]')];
		return hs.length === 1 && hs[0].dataset.state === "leader"; })()`, "the highlight to follow the leader to its new card")
	tb.nextTourStep(3)
	tb.doStep(3)
	tb.clickAction("tour-back", 0)
	tb.waitStep(2)
	tb.waitCardsEqual(tick2, cards2, "the cards of step 2's start after Back")
	tb.waitJS(`document.activeElement && document.activeElement.id === "tour-step-title"`, "the focus on step 2's heading after Back")
	tb.doStep(2)
	tb.nextTourStep(3)
	tb.doStep(3)
	tb.nextTourStep(4)
	tb.doStep(4)
	var status string
	tb.eval(`document.querySelector('[data-tour-status]').textContent`, &status)
	if !strings.Contains(status, "end of the tour") {
		t.Fatalf("the last step's status: %q", status)
	}
}

// A deep link to step 3 runs steps 1 and 2 (the old leader is down, a new
// one leads) and shows step 3, ready to do.
func TestTourPlayerDeepLink(t *testing.T) {
	origin := tourOrigin(t, nil)
	tb := blankTab(t, 3*time.Minute)
	tb.goTo(siteURL + tourQuery(origin, "test-leader.tour", "step=3"))
	tb.waitStep(3)
	tb.waitJS(`document.querySelectorAll('.card[data-state="down"]').length === 1 && document.querySelector('.card[data-state="leader"]') !== null`,
		"one member down and a leader after steps 1 and 2")
	tb.doStep(3)
}

// A reader who kills a member the step did not ask for is told what
// differs and can rewind to the step's start.
func TestTourPlayerDiffersAndRewind(t *testing.T) {
	origin := tourOrigin(t, nil)
	tb := blankTab(t, 3*time.Minute)
	tb.goTo(siteURL + tourQuery(origin, "test-leader.tour"))
	tb.waitStepDone(1)
	tb.clickAction("tour-next", 0)
	tb.waitStep(2)
	l := tb.waitLeader()
	victim := l.Member%5 + 1
	tb.clickAction("kill", victim)
	tb.waitJS(fmt.Sprintf(`(() => { const d = document.querySelector('[data-tour-differs]'); return d && d.textContent.includes("Member %d is down"); })()`, victim),
		"the panel to say the killed member differs")
	tb.clickAction("tour-rewind", 0)
	tb.waitStep(2)
	tb.waitCard(victim, `c.state !== "down"`)
	tb.waitJS(`document.querySelector('[data-tour-differs]') === null`, "nothing to differ after the rewind")
}

// A malformed tour from a URL shows its error with the line; a tour from
// an origin not in allow= is refused.
func TestTourPlayerMalformedURL(t *testing.T) {
	origin := tourOrigin(t, map[string]string{"bad.tour": "tour bad\ntitle Bad\nstep One\nsay x\ndo explode leader\n"})
	tb := blankTab(t, 2*time.Minute)
	tb.goTo(siteURL + tourQuery(origin, "bad.tour"))
	tb.waitJS(`(() => { const e = document.querySelector('[data-tour-load-error]'); return e && e.textContent.includes("tour bad, line 5: do explode leader: unknown action"); })()`,
		"the tour's error naming line 5")
	tb.goTo(siteURL + "?tour-url=" + url.QueryEscape(origin+"/test-leader.tour"))
	tb.waitJS(`(() => { const e = document.querySelector('[data-tour-load-error]'); return e && e.textContent.includes("allow="); })()`,
		"a tour from an origin not allowed to be refused")

	// An endless answer is refused at the size limit as soon as the page
	// read past it, not read to its end (or until the fetch's 20 s
	// deadline, which says "could not be read" instead).
	sent := make(chan int64, 1)
	endless := endlessOrigin(t, sent)
	t0 := time.Now()
	tb.goTo(siteURL + tourQuery(endless, "endless.tour"))
	tb.waitJS(`(() => { const e = document.querySelector('[data-tour-load-error]'); return e && e.textContent.includes("it is over the 65536 bytes a tour may have"); })()`,
		"an endless tour to be refused at the size limit")
	select {
	case n := <-sent:
		t.Logf("endless tour refused %v after navigation; the server had sent %d bytes when the page stopped reading", time.Since(t0).Round(time.Millisecond), n)
	case <-time.After(10 * time.Second):
		t.Errorf("the page still reads the endless tour 10 s after refusing it")
	}
}

// endlessOrigin serves, at a new origin any page may fetch from, a tour
// whose text never ends (comment lines, flushed as they are written), and
// sends on sent how many bytes it wrote once the reader went away.
func endlessOrigin(t *testing.T, sent chan<- int64) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	line := []byte("# " + strings.Repeat("x", 4093) + "\n")
	serveUntilCleanup(t, ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		n, _ := fmt.Fprint(w, "tour endless\ntitle Endless\nstep One\nsay x\n")
		total := int64(n)
		f, _ := w.(http.Flusher)
		for r.Context().Err() == nil {
			n, err := w.Write(line)
			total += int64(n)
			if err != nil {
				break
			}
			if f != nil {
				f.Flush()
			}
		}
		select {
		case sent <- total:
		default:
		}
	}))
	return "http://" + ln.Addr().String()
}

// The tour embedded (embed=1) in a docs page of another origin: its panel
// works inside the iframe (Do it, the condition, Next).
func TestTourPlayerEmbedded(t *testing.T) {
	origin := tourOrigin(t, nil)
	src := siteURL + tourQuery(origin, "test-leader.tour", "embed=1")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	docs := "http://" + ln.Addr().String()
	serveUntilCleanup(t, ln, htmlPage(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>docs</title></head><body>
<h1>A tour in the docs</h1>
<iframe title="etcd playground tour" src="`+src+`" width="1000" height="900" onload="document.body.dataset.loaded = 1"></iframe></body></html>`))
	tb := blankTab(t, 3*time.Minute)
	tb.run(chromedp.Navigate(docs + "/"))
	tb.waitJS(`document.body.dataset.loaded === "1"`, "the frame to load")
	var frames []*cdp.Node
	tb.run(chromedp.Nodes("iframe", &frames, chromedp.ByQuery))
	in := chromedp.FromNode(frames[0])
	wait := func(sel, what string) {
		t.Helper()
		tb.run(chromedp.WaitVisible(sel, chromedp.ByQuery, in))
	}
	click := func(sel string) {
		t.Helper()
		wait(sel+":not([disabled])", sel)
		tb.run(chromedp.Click(sel, chromedp.ByQuery, in))
	}
	wait(`.embed [data-tour="test-leader"][data-step="1"][data-step-done="true"]`, "step 1 done in the frame")
	click(`[data-action="tour-next"]`)
	wait(`[data-tour][data-step="2"]`, "step 2 in the frame")
	click(`[data-action="tour-do"]`)
	wait(`[data-tour][data-step="2"][data-step-done="true"]`, "step 2 done in the frame")
}

// axe finds nothing on the page with a tour open (step 2, the leader's
// card highlighted), full page and embedded.
func TestTourPlayerAxe(t *testing.T) {
	src := axeSource(t)
	origin := tourOrigin(t, nil)
	for _, cfg := range []struct{ name, extra string }{{"tour", ""}, {"tour embed", "embed=1"}} {
		t.Run(strings.ReplaceAll(cfg.name, " ", "_"), func(t *testing.T) {
			tb := blankTab(t, 5*time.Minute)
			var extra []string
			if cfg.extra != "" {
				extra = append(extra, cfg.extra)
			}
			tb.goTo(siteURL + tourQuery(origin, "test-leader.tour", extra...))
			tb.waitStepDone(1)
			tb.clickAction("tour-next", 0)
			tb.waitStep(2)
			tb.waitJS(`document.querySelector('[data-tour-highlight]') !== null`, "a highlight")
			tb.eval(`(() => { const m = document.querySelector('.tour-menu'); if (m) m.open = true; return true; })()`, new(bool)) // the menu's list, when the build has tours
			tb.axeCheck(src, cfg.name, "at step 2")
		})
	}
}

// A tour whose url line asks for page parameters the page does not have
// (members=5 on a page of 3) reloads the page with them; an unknown tour
// name is said; the header's menu opens a built-in tour (when the build
// has any).
func TestTourPlayerOpening(t *testing.T) {
	origin := tourOrigin(t, nil)
	tb := blankTab(t, 3*time.Minute)
	// Not goTo: this first document may reload itself before it is ready
	// (data-ready waits for the first refresh, and the tour's fetch can
	// come first).
	tb.run(chromedp.Navigate(siteURL + "?members=3&tour-url=" + url.QueryEscape(origin+"/test-leader.tour") + "&allow=" + url.QueryEscape(origin)))
	tb.waitAcrossNavigation(`location.search.includes("members=5") && document.querySelector('[data-tour="test-leader"]') !== null && document.querySelectorAll('.card[data-member]').length === 5`,
		"the page reloaded with the tour's members=5")

	tb.goTo(siteURL + "?tour=no-such-tour")
	tb.waitJS(`(() => { const e = document.querySelector('[data-tour-load-error]'); return e && e.textContent.includes("there is no tour named \"no-such-tour\""); })()`,
		"the unknown tour's name said")

	tb.goTo(siteURL)
	var n int
	tb.eval(`document.querySelectorAll('[data-action="tour-open"]').length`, &n)
	if n == 0 {
		t.Skip("this build has no built-in tours (app/tour/tours is empty)")
	}
	var name string
	tb.eval(`document.querySelector('[data-action="tour-open"]').dataset.tour`, &name)
	tb.click(`.tour-menu summary`)
	tb.clickAction("tour-open", 0)
	tb.waitAcrossNavigation(fmt.Sprintf(`location.search.includes("tour=") && document.querySelector('[data-tour=%q][data-step="1"]') !== null`, name),
		"the tour "+name+" open at step 1")
}

// waitAcrossNavigation is waitJS for a page that navigates itself (waitJS's
// poll ends with the document it started in): it evaluates expr every 50
// ms, through the navigation, for up to a minute.
func (tb *tab) waitAcrossNavigation(expr, what string) {
	tb.t.Helper()
	for deadline := time.Now().Add(time.Minute); ; {
		var ok bool
		if err := chromedp.Run(tb.ctx, chromedp.Evaluate(expr, &ok)); err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			tb.t.Fatalf("timed out waiting for %s (expression %s)", what, expr)
		}
		tb.run(chromedp.Sleep(50 * time.Millisecond)) // the poll's period, not a stand-in for a condition
	}
}
