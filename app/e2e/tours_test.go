//go:build browser

package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/etcd-play/etcd-play/app/tour"
)

// TestTours runs every built-in tour in the browser, one tab each, from
// its first step to its last through the player's buttons: tour-do for a
// step with actions (Continue for a paused step without), then a wait for
// data-step-done="true" (the step's conditions hold on the page's
// cluster), then tour-next.
//
// Back at every step: from each step k >= 2 the test goes Back to step
// k-1's start, which must show the same tick and the same cards (states,
// terms, revisions, hashes) as when step k-1 started; then it does step
// k-1 again (a new branch from that start) and goes on. To know a step's
// start, the test pauses the page before each Next: the step then starts
// at the paused tick, whose cards it records. Step 1 starts when the
// cluster first has a leader, while it plays: its start is what the first
// Back to it shows, and a second Back (after step 1 was done again) must
// show the same.
//
// The page plays at its fastest speed after each Do (the speed control,
// as a reader could set it): a tour may slow the page for its reader
// (speed), which the conditions do not need.
func TestTours(t *testing.T) {
	tours, err := tour.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range tours {
		t.Run(tr.Name, func(t *testing.T) { runTour(t, tr) })
	}
}

// stepStart is what the page showed when a step started.
type stepStart struct {
	tick  uint64
	cards []string
}

func runTour(t *testing.T, tr *tour.Tour) {
	start := time.Now()
	freshNativeSite(t) // ETCDPLAY_ENGINE=native: a server of its own
	tb := blankTab(t, 4*time.Minute)
	q := "tour=" + tr.Name
	if tr.URL != "" {
		q = tr.URL + "&" + q
	}
	tb.openWith(q)
	t.Logf("page mounted in %v", time.Since(start).Round(time.Millisecond))
	tb.waitJS(fmt.Sprintf(`document.querySelector('[data-tour=%q][data-step="1"]') !== null`, tr.Name), "the tour's first step")
	starts := make([]stepStart, len(tr.Steps)+1) // by step, 1-based
	var backs time.Duration
	for step := 1; step <= len(tr.Steps); step++ {
		tb.doTourStep(tr, step)
		if step == len(tr.Steps) {
			break
		}
		// Step+1, then Back to this step's start.
		tb.clickAction("tour-next", 0)
		tb.waitTourStep(tr, step+1)
		backAt := time.Now()
		if step == 1 {
			tick, cards := tb.tourBack(tr, 1)
			starts[1] = stepStart{tick, cards}
			tb.doTourStep(tr, 1)
			tb.clickAction("tour-next", 0)
			tb.waitTourStep(tr, 2)
		}
		tb.tourBackTo(tr, step, starts[step])
		backs += time.Since(backAt)
		t.Logf("Back from step %d to step %d's start (tick %d) in %v", step+1, step, starts[step].tick, time.Since(backAt).Round(time.Millisecond))
		tb.doTourStep(tr, step)
		starts[step+1] = tb.tourNextPaused(tr, step+1)
	}
	t.Logf("tour %s: %d steps in %v (of which going Back: %v)", tr.Name, len(tr.Steps),
		time.Since(start).Round(time.Millisecond), backs.Round(time.Millisecond))
}

// waitTourStep waits for the player to show step (1-based) of tr, idle.
func (tb *tab) waitTourStep(tr *tour.Tour, step int) {
	tb.t.Helper()
	tb.waitTour(fmt.Sprintf(`document.querySelector('[data-tour=%q][data-step="%d"][data-tour-busy="false"]') !== null`, tr.Name, step),
		fmt.Sprintf("step %d (%s)", step, tr.Steps[step-1].Title))
}

// doTourStep performs the current step (tour-do, when it has actions and
// is not done already; Continue, when it has none and is not done: that
// plays a paused cluster), sets the fastest speed once the actions ran
// (a tour's own speed action comes first) and waits until the step is
// done, with no alert from the player (a difference from what the step
// expects, an error).
func (tb *tab) doTourStep(tr *tour.Tour, step int) {
	tb.t.Helper()
	start := time.Now()
	tb.waitTourStep(tr, step)
	done := fmt.Sprintf(`document.querySelector('[data-tour=%q][data-step="%d"][data-step-done="true"]') !== null`, tr.Name, step)
	var state string
	tb.run(chromedp.Poll(`(() => { const d = document.querySelector('[data-action="tour-do"]');
		if (d && !d.disabled) return "do";
		return document.querySelector('[data-step-done="true"]') !== null ? "done" : false; })()`, &state, pollEvery, chromedp.WithPollingTimeout(0)))
	switch {
	case state == "do" && len(tr.Steps[step-1].Do) > 0:
		tb.click(`[data-action="tour-do"]`)
		tb.waitTour(`(() => { const d = document.querySelector('[data-action="tour-do"]'); return d !== null && d.disabled; })()`,
			fmt.Sprintf("step %d's actions to run", step))
	case state == "do":
		tb.click(`[data-action="tour-do"]`) // Continue: plays the cluster if paused; stays enabled until done
	case len(tr.Steps[step-1].Do) > 0:
		tb.t.Logf("step %d (%s) was done before its actions", step, tr.Steps[step-1].Title)
	}
	tb.choose("#speed", "1000")
	tb.waitTour(done, fmt.Sprintf("step %d (%s) to be done", step, tr.Steps[step-1].Title))
	if state == "do" {
		// Do (and Continue) play the cluster (no built-in tour pauses
		// it): wait until the page shows it playing, so that a pause
		// after this (tourNextPaused) is not taken for done by a page
		// whose view still shows the pause before Do (the answer of a
		// step's put can come before the update that says playing).
		tb.waitJS(`document.querySelector('[data-action="pause"]') !== null`, fmt.Sprintf("the page playing after step %d's Do", step))
	}
	var alert string
	tb.eval(`[...document.querySelectorAll('[data-tour-differs], [data-tour-error]')].map(e => e.textContent).join(' | ')`, &alert)
	if alert != "" {
		tb.t.Fatalf("step %d (%s): the player says %q", step, tr.Steps[step-1].Title, alert)
	}
	tb.t.Logf("step %d (%s) done in %v", step, tr.Steps[step-1].Title, time.Since(start).Round(time.Millisecond))
}

// tourNextPaused pauses the page, clicks Next and returns what the page
// shows when step (the next one) starts: the paused tick and the cards.
func (tb *tab) tourNextPaused(tr *tour.Tour, step int) stepStart {
	tb.t.Helper()
	tb.pausePage()
	tick, cards := tb.pausedCards()
	tb.clickAction("tour-next", 0)
	tb.waitTourStep(tr, step)
	if now := tb.now(); now != tick {
		tb.t.Fatalf("step %d started at tick %d, not at the paused tick %d", step, now, tick)
	}
	return stepStart{tick, cards}
}

// tourBack clicks Back and returns the tick and the cards the page shows,
// paused, once the player is at step to again.
func (tb *tab) tourBack(tr *tour.Tour, to int) (uint64, []string) {
	tb.t.Helper()
	tb.clickAction("tour-back", 0)
	tb.waitTourStep(tr, to)
	tb.waitJS(`document.querySelector('[data-action="play"]') !== null`, "the page paused after Back")
	return tb.pausedCards()
}

// tourBackTo clicks Back and waits (up to 20 s) for the page to show
// step to, paused at want's tick with want's cards; it fails the test
// with what the page shows instead.
func (tb *tab) tourBackTo(tr *tour.Tour, to int, want stepStart) {
	tb.t.Helper()
	tb.clickAction("tour-back", 0)
	tb.waitTourStep(tr, to)
	same := fmt.Sprintf(`document.querySelector('[data-action="play"]') !== null && +document.querySelector('[data-now]').dataset.now === %d && JSON.stringify(%s) === %q`,
		want.tick, timelineCards, mustJSON(want.cards))
	var ok bool
	err := chromedp.Run(tb.ctx, chromedp.Poll(same, &ok, pollEvery, chromedp.WithPollingTimeout(20*time.Second)))
	if err == nil {
		return
	}
	var cards []string
	tb.eval(timelineCards, &cards)
	tb.t.Fatalf("Back to step %d (%s): the page shows tick %d, cards\n%q\nwant tick %d, the cards when the step started\n%q",
		to, tr.Steps[to-1].Title, tb.now(), cards, want.tick, want.cards)
}

// pausePage clicks Pause and waits (20 s) for the page to show the
// cluster paused; a click that did not take (the page still playing) is
// logged with what the page shows, and Pause is clicked once more.
func (tb *tab) pausePage() {
	tb.t.Helper()
	const paused = `document.querySelector('[data-action="play"]') !== null`
	for try := 1; ; try++ {
		var ok bool
		tb.eval(paused, &ok)
		if ok {
			return
		}
		tb.clickAction("pause", 0)
		if err := chromedp.Run(tb.ctx, chromedp.Poll(paused, &ok, pollEvery, chromedp.WithPollingTimeout(20*time.Second))); err == nil {
			return
		}
		var shows string
		tb.eval(`[...document.querySelectorAll('.time, [data-notice], [data-engine-lost], section[data-tour]')].map(e => e.outerHTML.slice(0, 600)).join(' | ')`, &shows)
		if try == 2 {
			tb.t.Fatalf("the page did not pause after two clicks on Pause: %s", shows)
		}
		tb.t.Logf("the page did not pause within 20 s of a click on Pause: %s", shows)
	}
}

// waitTour is waitJS for the tour's steps, bounded (90 s) so that on a
// timeout the test still can say what the tour panel shows (its status,
// an error, what differs).
func (tb *tab) waitTour(expr, what string) {
	tb.t.Helper()
	var ok bool
	if err := chromedp.Run(tb.ctx, chromedp.Poll(expr, &ok, pollEvery, chromedp.WithPollingTimeout(90*time.Second))); err == nil {
		return
	}
	var shows string
	tb.eval(`(() => { const p = document.querySelector('section.tour-panel'); const t = document.querySelector('.time');
		return (p ? JSON.stringify(p.dataset) + " " + p.innerText : "no tour panel") + " | " + (t ? t.innerText : ""); })()`, &shows)
	tb.t.Fatalf("waiting for %s: the page shows %s", what, shows)
}
