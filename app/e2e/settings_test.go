//go:build browser

package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// openWith opens the playground with the URL parameters query and waits
// for the wasm to mount it.
func (tb *tab) openWith(query string) {
	tb.t.Helper()
	tb.run(chromedp.Navigate(siteURL + "?" + query))
	tb.waitJS(`document.querySelector('.playground[data-ready="true"]') !== null`, "the wasm to mount the page")
}

// indexes is a card's raft log hooks.
type indexes struct {
	Last, Applied, Snapshot, Compacted uint64
}

func (tb *tab) indexes(id uint64) indexes {
	tb.t.Helper()
	var ix indexes
	tb.eval(fmt.Sprintf(`(() => { const c = document.querySelector('.card[data-member="%d"]').dataset;
		return {Last: +c.lastIndex, Applied: +c.applied, Snapshot: +c.snapshotIndex, Compacted: +c.compactedIndex}; })()`, id), &ix)
	return ix
}

// putsUntil puts keys one at a time through member l (each answered, and
// its entry shown applied on l's card, before the next) until l's card
// shows applied index last, failing if it passes it.
func (tb *tab) putsUntil(l, last uint64) {
	tb.t.Helper()
	for i := 0; ; i++ {
		a := tb.indexes(l).Applied
		if a >= last {
			if a > last {
				tb.t.Fatalf("leader applied %d, past %d\n%s", a, last, tb.dumpSettings())
			}
			return
		}
		if r := tb.write("put", l, fmt.Sprintf("k%02d", i), "v", false); r.Status != "ok" {
			tb.t.Fatalf("put %d: %+v", i, r)
		}
		// The card refreshes after the answer: wait for the entry there.
		tb.waitCard(l, fmt.Sprintf("+c.applied > %d && +c.applied === +c.commit", a))
	}
}

// dumpSettings describes the settings panel, the cards and the newest
// events, for a failure message.
func (tb *tab) dumpSettings() string {
	var s string
	tb.eval(`(() => { const p = document.querySelector('.settings-panel');
		return (p ? 'settings panel: ' + p.dataset.restarting + ' | ' + p.textContent + '\n' : '') +
		[...document.querySelectorAll('.card[data-member]')].map(c => JSON.stringify({...c.dataset})).join('\n') + '\n' +
		[...document.querySelectorAll('.events li')].slice(0, 40).map(e => e.textContent).join('\n'); })()`, &s)
	return s
}

// waitOrDump is waitJS with the settings dump in the failure message,
// waiting at most d.
func (tb *tab) waitOrDump(expr, what string, d time.Duration) {
	tb.t.Helper()
	deadline := time.Now().Add(d)
	for {
		var ok bool
		tb.eval(expr, &ok)
		if ok {
			return
		}
		if time.Now().After(deadline) {
			tb.t.Fatalf("waiting %v for %s\n%s", d, what, tb.dumpSettings())
		}
		tb.run(chromedp.Sleep(50 * time.Millisecond)) // a poll interval, not a condition
	}
}

// bootAtEight opens etcd's TestV3WatchRestoreSnapshotUnsync cluster from
// the URL, checks every card at index 8 before any request (3 ConfChange,
// the leader's empty entry, 3 member attributes, the cluster version), and
// returns the leader and a follower.
func bootAtEight(t *testing.T) (*tab, uint64, uint64) {
	tb := newTab(t, 3*time.Minute)
	tb.openWith("members=3&snapshot-count=10&catch-up-count=5&storage=memory&speed=100")
	l := tb.waitLeader().Member
	for id := uint64(1); id <= 3; id++ {
		tb.waitCard(id, `c.lastIndex === "8" && c.applied === "8" && c.commit === "8" && c.snapshotIndex === "0" && c.compactedIndex === "0"`)
	}
	f := uint64(1)
	if f == l {
		f = 2
	}
	var settings map[string]string
	tb.eval(`Object.fromEntries([...document.querySelectorAll('[data-setting]')].map(e => [e.dataset.setting, e.dataset.current]))`, &settings)
	if settings["snapshot-count"] != "10" || settings["catch-up-count"] != "5" {
		t.Fatalf("settings panel shows %v, want the URL's snapshot-count 10 and catch-up-count 5", settings)
	}
	return tb, l, f
}

// The seed's numbers through the page (etcd's own test log): index 8
// before any request; the leader snapshots at 11 and 22 and compacts its
// log to 6 and 17; a follower cut off at 8 catches up by entries from 9
// while the leader's log starts at 7, and by the snapshot at 22 once it
// starts at 18.
func TestBootstrapAndSnapshotIndexesAsEtcd(t *testing.T) {
	t.Run("caught-up-by-entries", func(t *testing.T) {
		tb, l, f := bootAtEight(t)
		tb.clickAction("isolate", f)
		tb.putsUntil(l, 11)
		tb.waitCard(l, `c.snapshotIndex === "11" && c.compactedIndex === "6"`)
		if ix := tb.indexes(f); ix.Last != 8 {
			t.Fatalf("isolated follower %d: %+v, want last index 8", f, ix)
		}
		tb.clickAction("rejoin", f)
		// Its own snapshot at 11 by the same rule, its log compacted to 6:
		// it applied 9..11 from the leader's log (a snapshot received at 11
		// would have left its log compacted to 11).
		tb.waitOrDump(fmt.Sprintf(`(() => { const c = document.querySelector('.card[data-member="%d"]').dataset;
			return c.applied === "11" && c.snapshotIndex === "11" && c.compactedIndex === "6"; })()`, f),
			"the follower caught up by entries", time.Minute)
	})
	t.Run("caught-up-by-snapshot", func(t *testing.T) {
		tb, l, f := bootAtEight(t)
		tb.clickAction("isolate", f)
		tb.putsUntil(l, 11)
		tb.waitCard(l, `c.snapshotIndex === "11" && c.compactedIndex === "6"`)
		tb.putsUntil(l, 22)
		tb.waitCard(l, `c.snapshotIndex === "22" && c.compactedIndex === "17"`)
		tb.clickAction("rejoin", f)
		// The leader's snapshot at 22, received: the follower's log starts after it.
		tb.waitCard(f, `c.applied === "22" && c.snapshotIndex === "22" && c.compactedIndex === "22"`)
	})
}

// Every setting changed from the Settings panel takes effect: the engine
// reports each new value (data-current), raft's settings restart the
// members one at a time (the panel says so while it lasts), the snapshot
// counts change when the members snapshot, and a bad combination is
// refused with an error naming the setting, nothing sent.
func TestSettingsPanelTakesEffect(t *testing.T) {
	tb := newTab(t, 3*time.Minute)
	tb.openWith("members=3&storage=memory&speed=100")
	tb.waitLeader()
	current := func() map[string]string {
		var m map[string]string
		tb.eval(`Object.fromEntries([...document.querySelectorAll('[data-setting]')].map(e => [e.dataset.setting, e.dataset.current]))`, &m)
		return m
	}
	before := current()
	if before["pre-vote"] != "1" || before["check-quorum"] != "1" || before["snapshot-count"] != "1000" {
		t.Fatalf("settings before: %v", before)
	}

	// A bad combination: heartbeat not below election.
	tb.typeInto(`[data-setting="heartbeat-ticks"]`, "10")
	tb.clickAction("apply-settings", 0)
	tb.waitJS(`[...document.querySelectorAll('.settings-panel [role="alert"]')].some(e => e.textContent.includes('heartbeat-ticks'))`,
		"the heartbeat-ticks error")
	if got := current(); got["heartbeat-ticks"] != before["heartbeat-ticks"] {
		t.Fatalf("a refused setting reached the engine: %v", got)
	}

	want := map[string]string{
		"pre-vote": "0", "check-quorum": "0", "election-ticks": "20", "heartbeat-ticks": "2",
		"snapshot-count": "10", "catch-up-count": "4", "max-inflight": "32", "max-size": "65536",
	}
	for _, name := range []string{"pre-vote", "check-quorum"} {
		tb.click(fmt.Sprintf(`[data-setting=%q]`, name)) // a checkbox: on to off
	}
	for _, name := range []string{"election-ticks", "heartbeat-ticks", "snapshot-count", "catch-up-count", "max-inflight", "max-size"} {
		tb.typeInto(fmt.Sprintf(`[data-setting=%q]`, name), want[name])
	}
	// Enter in a field applies, as the Apply button does.
	tb.run(chromedp.KeyEvent("\r"))
	for name, v := range want {
		tb.waitJS(fmt.Sprintf(`document.querySelector('[data-setting=%q]').dataset.current === %q`, name, v),
			fmt.Sprintf("the engine to report %s %s", name, v))
	}
	tb.waitJS(`(document.querySelector('.settings-panel').dataset.restarting || "") !== "" ||
		[...document.querySelectorAll('.event-log li, .events li')].some(e => e.textContent.includes('restarts to take the new raft settings'))`,
		"the rolling restart to start")
	tb.waitOrDump(`(document.querySelector('.settings-panel').dataset.restarting || "") === ""`, "the rolling restart to end", time.Minute)
	l := tb.waitLeader().Member
	for id := uint64(1); id <= 3; id++ {
		tb.waitCard(id, `c.state !== "down"`)
	}
	// snapshot-count 10 and catch-up-count 4 in force: the leader snapshots
	// once more than 10 entries were applied, and keeps 4 behind.
	start := tb.indexes(l)
	tb.putsUntil(l, start.Applied+11)
	tb.waitCard(l, `+c.snapshotIndex > 0 && +c.compactedIndex === +c.snapshotIndex - 4`)
}
