//go:build browser

package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/etcd-play/etcd-play/app/tour"
)

// The tours against `serve -engine=native` (make test-browser-native runs
// these two; TestTours runs every tour on the page's worker): one whole
// tour with Back at every step, and a deep link.

// builtinTour returns the built-in tour name.
func builtinTour(t *testing.T, name string) *tour.Tour {
	t.Helper()
	tours, err := tour.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	tr := tour.Lookup(tours, name)
	if tr == nil {
		t.Fatalf("no built-in tour %s", name)
	}
	return tr
}

// The leader-failure tour from start to end, Back at every step (runTour).
// On the page's worker TestTours runs it already.
func TestTourLeaderFailure(t *testing.T) {
	if !nativeMode {
		t.Skip("TestTours runs every tour on the page's worker; this one runs with ETCDPLAY_ENGINE=native")
	}
	runTour(t, builtinTour(t, "leader-failure"))
}

// A deep link to step 4 of leader-failure runs steps 1 to 3 (the leader
// killed, a new one elected, a write through it) and shows step 4, whose
// Do then brings the old leader back; Back then shows step 3's start, and
// step 3 works again from there.
func TestTourDeepLink(t *testing.T) {
	tr := builtinTour(t, "leader-failure")
	freshNativeSite(t) // ETCDPLAY_ENGINE=native: a server of its own
	tb := blankTab(t, 3*time.Minute)
	tb.openWith(tr.URL + "&tour=" + tr.Name + "&step=4")
	tb.waitTourStep(tr, 4)
	tb.waitJS(`document.querySelectorAll('.card[data-state="down"]').length === 1 && document.querySelector('.card[data-state="leader"]') !== null`,
		"one member down and a leader after steps 1 to 3")
	var done string
	tb.eval(`document.querySelector('section[data-tour]').dataset.stepDone`, &done)
	if done != "false" {
		t.Fatalf("step 4 done before its action: data-step-done %q", done)
	}
	tb.doTourStep(tr, 4)
	tb.clickAction("tour-back", 0)
	tb.waitTourStep(tr, 3)
	tb.waitJS(`document.querySelectorAll('.card[data-state="down"]').length === 1 && document.querySelector('[data-action="play"]') !== null`,
		"step 3's start after Back: the old leader down, paused")
	tb.doTourStep(tr, 3)
	var status string
	tb.eval(`document.querySelector('[data-tour-status]').textContent`, &status)
	if !strings.HasPrefix(status, "Step 3 is done") {
		t.Fatalf("step 3's status %q", status)
	}
}
