//go:build browser

package e2e

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/etcd-play/etcd-play/app/tour"
)

// TestTours runs every built-in tour in the browser, one tab each, from
// its first step to its last through the player's buttons: tour-do for a
// step with actions, then a wait for data-step-done="true" (the step's
// conditions hold on the page's cluster), then tour-next. At step 2 it
// also goes Back twice: from step 3 to step 2's start, which the page
// shows paused, then (step 2 done again, a new branch) from step 3 to the
// same start again: the same tick and the same cards (states, terms,
// revisions, hashes) both times.
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

func runTour(t *testing.T, tr *tour.Tour) {
	start := time.Now()
	tb := blankTab(t, 2*time.Minute)
	q := "tour=" + tr.Name
	if tr.URL != "" {
		q = tr.URL + "&" + q
	}
	tb.openWith(q)
	t.Logf("page mounted in %v", time.Since(start).Round(time.Millisecond))
	tb.waitJS(fmt.Sprintf(`document.querySelector('[data-tour=%q][data-step="1"]') !== null`, tr.Name), "the tour's first step")
	for i := range tr.Steps {
		step := i + 1
		tb.doTourStep(tr, step)
		if step == 2 && len(tr.Steps) > 2 {
			tb.clickAction("tour-next", 0)
			tb.waitTourStep(tr, 3)
			backAt := time.Now()
			tick, cards := tb.tourBack(tr, 2)
			t.Logf("Back to step 2 (tick %d) in %v", tick, time.Since(backAt).Round(time.Millisecond))
			tb.doTourStep(tr, 2)
			tb.clickAction("tour-next", 0)
			tb.waitTourStep(tr, 3)
			tick2, cards2 := tb.tourBack(tr, 2)
			if tick2 != tick || !reflect.DeepEqual(cards2, cards) {
				t.Fatalf("Back to step 2 twice: tick %d then %d, cards\n%q\nthen\n%q", tick, tick2, cards, cards2)
			}
			tb.doTourStep(tr, 2)
		}
		if step < len(tr.Steps) {
			tb.clickAction("tour-next", 0)
			tb.waitTourStep(tr, step+1)
		}
	}
	t.Logf("tour %s: %d steps in %v", tr.Name, len(tr.Steps), time.Since(start).Round(time.Millisecond))
}

// waitTourStep waits for the player to show step (1-based) of tr.
func (tb *tab) waitTourStep(tr *tour.Tour, step int) {
	tb.t.Helper()
	tb.waitJS(fmt.Sprintf(`document.querySelector('[data-tour=%q][data-step="%d"]') !== null`, tr.Name, step),
		fmt.Sprintf("step %d (%s)", step, tr.Steps[step-1].Title))
}

// doTourStep performs the current step (tour-do, when it has actions and
// is not done already), sets the fastest speed once the actions ran (a
// tour's own speed action comes first) and waits until the step is done,
// with no alert from the player (a difference from what the step expects,
// an error).
func (tb *tab) doTourStep(tr *tour.Tour, step int) {
	tb.t.Helper()
	start := time.Now()
	tb.waitTourStep(tr, step)
	done := fmt.Sprintf(`document.querySelector('[data-tour=%q][data-step="%d"][data-step-done="true"]') !== null`, tr.Name, step)
	if len(tr.Steps[step-1].Do) > 0 {
		var state string
		tb.run(chromedp.Poll(`(() => { const d = document.querySelector('[data-action="tour-do"]');
			if (d && !d.disabled) return "do";
			return document.querySelector('[data-step-done="true"]') !== null ? "done" : false; })()`, &state, chromedp.WithPollingTimeout(0)))
		if state == "do" {
			tb.click(`[data-action="tour-do"]`)
			tb.waitJS(`(() => { const d = document.querySelector('[data-action="tour-do"]'); return d !== null && d.disabled; })()`,
				fmt.Sprintf("step %d's actions to run", step))
		} else {
			tb.t.Logf("step %d (%s) was done before its actions", step, tr.Steps[step-1].Title)
		}
	}
	tb.choose("#speed", "1000")
	tb.waitJS(done, fmt.Sprintf("step %d (%s) to be done", step, tr.Steps[step-1].Title))
	var alert string
	tb.eval(`[...document.querySelectorAll('[data-tour-differs], [data-tour-error]')].map(e => e.textContent).join(' | ')`, &alert)
	if alert != "" {
		tb.t.Fatalf("step %d (%s): the player says %q", step, tr.Steps[step-1].Title, alert)
	}
	tb.t.Logf("step %d (%s) done in %v", step, tr.Steps[step-1].Title, time.Since(start).Round(time.Millisecond))
}

// tourBack clicks Back and returns the tick and the cards the page shows,
// paused, once the player is at step to again.
func (tb *tab) tourBack(tr *tour.Tour, to int) (uint64, []string) {
	tb.t.Helper()
	tb.clickAction("tour-back", 0)
	tb.waitJS(fmt.Sprintf(`document.querySelector('[data-tour=%q][data-step="%d"]') !== null`, tr.Name, to),
		fmt.Sprintf("Back to step %d", to))
	tb.waitJS(`document.querySelector('[data-action="play"]') !== null`, "the page paused after Back")
	return tb.pausedCards()
}
