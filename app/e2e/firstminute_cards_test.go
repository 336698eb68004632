//go:build browser

package e2e

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// First-minute tests of the member cards, the cluster view, the Faults,
// Links and Stress panels and the time controls: what a newcomer meets
// there is correct, explained and operable by keyboard.

// sizedTab opens the playground in a viewport of w x h CSS pixels.
func sizedTab(t *testing.T, w, h int64, timeout time.Duration) *tab {
	t.Helper()
	tb := blankTab(t, timeout)
	tb.run(emulation.SetDeviceMetricsOverride(w, h, 1, w < 600))
	tb.open()
	return tb
}

// clippedLabels lists the labels of the cards, the cluster view and the
// time controls that are clipped or wrapped: an HTML label whose content
// is wider than its box, whose text runs over more than one line, or that
// sticks out of its card; a member's name not inside its disc; any text of
// the view outside the drawing.
const clippedLabels = `(() => {
	const bad = [];
	const say = (el, why) => bad.push((el.closest('[data-member]')?.dataset.member ?? '') + ' ' +
		el.tagName.toLowerCase() + '.' + (el.getAttribute('class') || '') + ' "' + el.textContent.trim() + '": ' + why);
	const lines = el => {
		const r = document.createRange();
		r.selectNodeContents(el);
		return new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top))).size;
	};
	for (const el of document.querySelectorAll('.card h3, .card .badge, .card dt, .card dd, .card-actions button, .time button, .time label, .time .clock, .time .achieved, .side button, .side label, .legend .lg')) {
		if (el.textContent.trim() === '') continue;
		if (el.scrollWidth > el.clientWidth + 1) say(el, 'content ' + el.scrollWidth + ' px wide in a box of ' + el.clientWidth);
		if (lines(el) > 1) say(el, 'wraps over ' + lines(el) + ' lines');
		const card = el.closest('.card');
		if (card) {
			const a = el.getBoundingClientRect(), c = card.getBoundingClientRect();
			if (a.left < c.left - 0.5 || a.right > c.right + 0.5) say(el, 'sticks out of its card (' + a.left + '..' + a.right + ' in ' + c.left + '..' + c.right + ')');
		}
	}
	const svg = document.querySelector('.view svg');
	const vb = svg.viewBox.baseVal;
	for (const n of document.querySelectorAll('.view .node')) {
		const c = n.querySelector('circle');
		const cx = +c.getAttribute('cx'), cy = +c.getAttribute('cy'), r = +c.getAttribute('r');
		for (const t of n.querySelectorAll('text')) {
			const b = t.getBBox();
			if (b.x < vb.x || b.y < vb.y || b.x + b.width > vb.x + vb.width || b.y + b.height > vb.y + vb.height) say(t, 'outside the drawing');
			const inDisc = [[b.x, b.y], [b.x + b.width, b.y], [b.x, b.y + b.height], [b.x + b.width, b.y + b.height]]
				.every(([x, y]) => Math.hypot(x - cx, y - cy) <= r);
			const overDisc = !(b.x > cx + r || b.x + b.width < cx - r || b.y > cy + r || b.y + b.height < cy - r);
			// A label is either wholly inside its disc or wholly outside it:
			// white text half over the disc is clipped by the page behind.
			if (overDisc && !inDisc) say(t, 'crosses the edge of its disc (' + Math.round(b.width) + ' px wide, disc ' + 2 * r + ')');
		}
	}
	return bad;
})()`

// After Split 2|3 the minority's members are pre-candidates: no label of
// the cards, the view or the time controls clips or wraps, at 1400x1000 or
// on a 390x844 phone.
func TestCardsLabelsFitAfterSplit(t *testing.T) {
	for _, size := range [][2]int64{{1400, 1000}, {390, 844}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			tb := sizedTab(t, size[0], size[1], 90*time.Second)
			tb.waitLeader()
			tb.clickAction("split", 0)
			tb.waitJS(`document.querySelector('.card[data-state="pre-candidate"]') !== null &&
				document.querySelector('.view .node.state-pre-candidate') !== null`, "a pre-candidate on a card and in the view")
			var bad []string
			tb.eval(clippedLabels, &bad)
			if len(bad) > 0 {
				t.Errorf("%d labels clip or wrap:\n%s", len(bad), strings.Join(bad, "\n"))
			}
			// WCAG 2.2 AA target size: at least 24 x 24 CSS px.
			var small []string
			tb.eval(`[...document.querySelectorAll('.cards button, .time button, .side button')].map(b => [b, b.getBoundingClientRect()])
				.filter(([b, r]) => r.width < 24 || r.height < 24).map(([b, r]) => b.textContent + ' ' + r.width.toFixed(1) + 'x' + r.height.toFixed(1))`, &small)
			if len(small) > 0 {
				t.Errorf("%d buttons are smaller than 24x24 px: %q", len(small), small)
			}
		})
	}
}

// A killed member's card keeps its last known revision, hash and keys,
// greyed as stale and explained, instead of zeros; its data-* attributes
// hold those values and say they are stale.
func TestDownCardShowsLastKnownValues(t *testing.T) {
	tb := newTab(t, 90*time.Second)
	l := tb.waitLeader()
	if r := tb.write("put", l.Member, "first-minute", "v", false); r.Status != "ok" {
		t.Fatalf("put: %s", r.Text)
	}
	before := tb.converged(2, "every member to apply the put")
	victim := l.Member%5 + 1
	tb.clickAction("kill", victim)
	tb.waitCard(victim, `c.state === "down"`)
	var got struct {
		Data    card              `json:"data"`
		Stale   string            `json:"stale"`
		Fields  map[string]string `json:"fields"`
		Greyed  []string          `json:"greyed"`
		Note    string            `json:"note"`
		Actions string            `json:"actions"`
	}
	tb.eval(fmt.Sprintf(`(() => { const e = document.querySelector('.card[data-member="%d"]');
		const fields = {}; for (const f of e.querySelectorAll('.field')) fields[f.querySelector('dt').textContent] = f.querySelector('dd').textContent;
		return {data: {...e.dataset}, stale: e.dataset.stale, fields,
			greyed: [...e.querySelectorAll('.field.stale dt')].map(d => d.textContent),
			note: e.querySelector('.down-note')?.textContent ?? '', actions: e.querySelector('.card-actions').textContent}; })()`, victim), &got)
	t.Logf("down card: %+v", got)
	h, _ := strconv.ParseUint(before.Hash, 10, 32)
	if got.Fields["revision"] != strconv.FormatInt(before.Revision, 10) || got.Fields["hash"] != fmt.Sprintf("%08x", h) {
		t.Errorf("the down card shows revision %q hash %q; want the last known revision %d and hash %s",
			got.Fields["revision"], got.Fields["hash"], before.Revision, before.Hash)
	}
	if got.Fields["compact rev"] != strconv.FormatInt(before.Compact, 10) || got.Fields["keys"] != strconv.Itoa(before.Keys) {
		t.Errorf("the down card shows compact rev %q keys %q; want the last known %d and %d",
			got.Fields["compact rev"], got.Fields["keys"], before.Compact, before.Keys)
	}
	if got.Data.Revision != before.Revision || got.Data.Keys != before.Keys || got.Stale != "true" {
		t.Errorf("down card data: revision %d keys %d stale %q; want %d, %d, \"true\"", got.Data.Revision, got.Data.Keys, got.Stale, before.Revision, before.Keys)
	}
	if len(got.Greyed) < 5 || !strings.Contains(got.Note, "last known") {
		t.Errorf("the stale values are not marked (greyed fields %q, note %q)", got.Greyed, got.Note)
	}
	var ind string
	tb.eval(`document.querySelector('.hash-indicator').textContent`, &ind)
	if !strings.Contains(ind, fmt.Sprintf("etcd-%d not running", victim)) {
		t.Errorf("the hash indicator %q does not say which member is not running", ind)
	}
	tb.clickAction("restart", victim)
	tb.waitCard(victim, `c.state === "follower" && c.stale === "false"`)
}

// During a split the hash indicator says which members are behind the
// majority and by how much, and is not green; after heal it says agree.
func TestHashIndicatorSaysWhoIsBehind(t *testing.T) {
	tb := newTab(t, 90*time.Second)
	tb.waitLeader()
	tb.clickAction("split", 0)
	tb.waitJS(`[3, 4, 5].some(id => document.querySelector('.card[data-member="' + id + '"]').dataset.state === "leader")`,
		"a leader on the majority side")
	for i := range 3 {
		if r := tb.write("put", 4, fmt.Sprintf("majority/%d", i), "v", false); r.Status != "ok" {
			t.Fatalf("put on the majority: %s", r.Text)
		}
	}
	tb.waitJS(`[3, 4, 5].every(id => document.querySelector('.card[data-member="' + id + '"]').dataset.revision === "4") &&
		[1, 2].every(id => document.querySelector('.card[data-member="' + id + '"]').dataset.revision === "1")`,
		"the majority at revision 4 and the minority at 1")
	var ind struct{ State, Text, Behind string } // drawn in the same refresh as the cards
	tb.eval(`(() => { const e = document.querySelector('.hash-indicator'); return {state: e.dataset.hashAgree, text: e.textContent, behind: e.dataset.behind}; })()`, &ind)
	t.Logf("indicator during the split: %+v", ind)
	if ind.State == "agree" || !strings.Contains(ind.Text, "etcd-1, etcd-2 at revision 1") || !strings.Contains(ind.Text, "behind the majority at revision 4") || ind.Behind != "1,2" {
		t.Errorf("during the split the indicator says %q (%s, behind %q); want who is behind, by how much, and not agree", ind.Text, ind.State, ind.Behind)
	}
	tb.clickAction("heal", 0)
	tb.converged(4, "both sides to converge after heal")
	tb.waitJS(`document.querySelector('.hash-indicator').dataset.hashAgree === "agree" && document.querySelector('.hash-indicator').textContent.includes('agree at revision 4')`,
		"the indicator to say the hashes agree at revision 4")
}

// The Faults panel's notice follows a stress run: it says started or
// running with its progress, and done only when every put finished.
func TestStressNoticeFollowsTheRun(t *testing.T) {
	tb := newTab(t, 120*time.Second)
	tb.waitLeader()
	for sel, v := range map[string]string{"#stress-rate": "1", "#stress-count": "200"} {
		tb.typeInto(sel, v)
		tb.run(chromedp.KeyEvent("\t"))
	}
	tb.clickAction("stress", 0)
	tb.waitJS(`(() => { const r = document.querySelector('.stress-result'); return r !== null && r.dataset.running === "true" && +r.dataset.done > 0 &&
		document.querySelector('[data-notice]').dataset.notice !== ""; })()`, "the run to be under way")
	var mid struct{ Notice, Done, Total string }
	tb.eval(`({notice: document.querySelector('[data-notice]').dataset.notice, done: document.querySelector('.stress-result').dataset.done,
		total: document.querySelector('.stress-result').dataset.total})`, &mid)
	t.Logf("while running (%s of %s): notice %q", mid.Done, mid.Total, mid.Notice)
	if mid.Done != mid.Total && (strings.Contains(mid.Notice, "done") || !strings.Contains(mid.Notice, "running")) {
		t.Errorf("at %s of %s puts the notice says %q: want running and the progress", mid.Done, mid.Total, mid.Notice)
	}
	// What a screen reader hears (the live region) does not change with
	// each put.
	var live1, live2 string
	tb.eval(liveSide, &live1)
	tb.waitJS(`+document.querySelector('.stress-result').dataset.done >= `+mid.Done+` + 5`, "five more puts")
	tb.eval(liveSide, &live2)
	if live1 != live2 {
		t.Errorf("the live region changed from %q to %q with the run's progress: a screen reader announces every step", live1, live2)
	}
	tb.waitJS(`document.querySelector('.stress-result').dataset.running === "false"`, "the run to finish")
	tb.waitJS(`document.querySelector('[data-notice]').dataset.notice.includes('done')`, "the notice to say done once the run is done")

	// Stop: the notice says where the run stopped, not that stopping is done.
	// The second run is long (2,000 puts: 100 s at 20 ticks a second) so
	// that Stop lands during it even on a busy machine.
	tb.typeInto("#stress-count", "2000")
	tb.run(chromedp.KeyEvent("\t"))
	tb.clickAction("stress", 0)
	tb.waitJS(`(() => { const r = document.querySelector('.stress-result'); return r.dataset.running === "true" && +r.dataset.done > 0 && +r.dataset.done < 2000; })()`, "the second run to be under way")
	tb.clickAction("stress-stop", 0)
	tb.waitJS(`document.querySelector('.stress-result').dataset.running === "false"`, "the run to stop")
	tb.waitJS(`!document.querySelector('[data-notice]').dataset.notice.includes('running')`, "the notice to change after Stop")
	var stopped string
	tb.eval(`document.querySelector('[data-notice]').dataset.notice`, &stopped)
	t.Logf("after Stop: notice %q", stopped)
	if !strings.Contains(stopped, "stopped, at ") {
		t.Errorf("after Stop the notice says %q; want where the run stopped", stopped)
	}
}

// Beside the chosen speed the time controls show the tick rate achieved,
// measured in the page: it agrees with the ticks the test sees pass.
func TestSpeedShowsAchievedRate(t *testing.T) {
	tb := newTab(t, 120*time.Second)
	tb.waitLeader()
	measure := func(what string) (shown, seen float64) {
		t.Helper()
		// Sample the clock on every frame for 3 s of the page's time.
		tb.eval(`(() => { window.__ticks = []; const f = () => { window.__ticks.push([performance.now(), +document.querySelector('[data-now]').dataset.now]);
			if (window.__ticks.length < 2 || window.__ticks[window.__ticks.length-1][0] - window.__ticks[0][0] < 3000) requestAnimationFrame(f); }; f(); return true; })()`, new(bool))
		tb.waitJS(`window.__ticks.length > 1 && window.__ticks[window.__ticks.length-1][0] - window.__ticks[0][0] >= 3000`, "3 s of samples of the clock "+what)
		var r struct{ Shown string }
		var s [][2]float64
		tb.eval(`window.__ticks`, &s)
		tb.eval(`({shown: document.querySelector('[data-achieved]')?.dataset.achieved ?? ''})`, &r)
		// The page's rate is smoothed over the last seconds: compare it with
		// the rate over the last 2 s of samples.
		last := s[len(s)-1]
		first := s[0]
		for _, x := range s {
			if last[0]-x[0] <= 2000 {
				first = x
				break
			}
		}
		seen = (last[1] - first[1]) / (last[0] - first[0]) * 1000
		shown, err := strconv.ParseFloat(r.Shown, 64)
		if err != nil {
			t.Fatalf("%s: the page shows no achieved rate (data-achieved %q); the test saw %.1f ticks/s", what, r.Shown, seen)
		}
		t.Logf("%s: the page shows %.1f ticks/s achieved, the test saw %.1f", what, shown, seen)
		return shown, seen
	}
	tb.choose("#speed", "10")
	if shown, seen := measure("at 10 ticks/s"); shown < 0.75*seen || shown > 1.33*seen {
		t.Errorf("at 10 ticks/s the page shows %.1f achieved while %.1f ticks/s pass", shown, seen)
	}
	tb.choose("#speed", "200")
	for sel, v := range map[string]string{"#stress-rate": "50", "#stress-count": "20000", "#stress-keys": "1000", "#stress-size": "256"} {
		tb.typeInto(sel, v)
		tb.run(chromedp.KeyEvent("\t"))
	}
	tb.clickAction("stress", 0)
	tb.waitJS(`(() => { const r = document.querySelector('.stress-result'); return r !== null && +r.dataset.done > 2000; })()`, "the heavy stress to be under way")
	shown, seen := measure("at 200 ticks/s under a heavy stress")
	if shown < 0.65*seen || shown > 1.5*seen {
		t.Errorf("under stress the page shows %.1f ticks/s achieved while %.1f pass", shown, seen)
	}
	var lag string
	tb.eval(`document.querySelector('[data-achieved]').dataset.lagging`, &lag)
	if seen < 0.6*200 && lag != "true" || seen > 0.9*200 && lag != "false" {
		t.Errorf("%.1f ticks/s achieved of 200 chosen, data-lagging %q", seen, lag)
	}
}

// Heal all (and Heal link) empties the Links panel's drop and delay
// fields: the fault they describe is gone.
func TestHealClearsLinkFields(t *testing.T) {
	tb := newTab(t, 60*time.Second)
	tb.waitLeader()
	tb.typeInto("#link-drop", "50")
	tb.typeInto("#link-delay", "5")
	tb.clickAction("set-link", 0)
	tb.waitJS(`document.querySelector('.faulty') !== null && document.querySelector('.faulty').textContent.includes('drops 50%')`, "the link fault to show")
	tb.clickAction("heal", 0)
	tb.waitJS(`document.querySelector('.faulty') === null`, "every link healthy after Heal all")
	var f struct{ Drop, Delay string }
	tb.eval(`({drop: document.querySelector('#link-drop').value, delay: document.querySelector('#link-delay').value})`, &f)
	if f.Drop != "" || f.Delay != "" {
		t.Errorf("after Heal all the Links fields still say drop %q, delay %q", f.Drop, f.Delay)
	}
	tb.typeInto("#link-delay", "7")
	tb.clickAction("set-link", 0)
	tb.waitJS(`document.querySelector('.faulty') !== null`, "the delay to show")
	tb.clickAction("heal-link", 0)
	tb.waitJS(`document.querySelector('.faulty') === null`, "the link healed")
	tb.eval(`({drop: document.querySelector('#link-drop').value, delay: document.querySelector('#link-delay').value})`, &f)
	if f.Drop != "" || f.Delay != "" {
		t.Errorf("after Heal link the Links fields still say drop %q, delay %q", f.Drop, f.Delay)
	}
}

// Enter on a card's Kill keeps the focus on that card: on its Restart,
// and back on Kill after Enter on Restart. The leader's card is the one
// whose content changes most (its replication progress goes away).
func TestKillKeepsFocusOnCard(t *testing.T) {
	tb := newTab(t, 90*time.Second)
	victim := tb.waitLeader().Member
	kill := fmt.Sprintf(`[data-action="kill"][data-member="%d"]`, victim)
	tb.run(focusAndEnter(kill))
	tb.waitJS(`(document.querySelector('[data-notice]')?.dataset.notice ?? '') !== ''`, "Enter on Kill to act")
	var notice string
	tb.eval(`document.querySelector('[data-notice]').dataset.notice`, &notice)
	t.Logf("notice after Enter on Kill: %q", notice)
	tb.waitCard(victim, `c.state === "down"`)
	tb.waitJS(fmt.Sprintf(`document.querySelector('[data-action="restart"][data-member="%d"]') !== null`, victim), "the Restart button")
	var focused string
	tb.eval(`(() => { const a = document.activeElement; return a ? a.tagName + ' ' + (a.dataset.action ?? '') + ' ' + (a.dataset.member ?? '') : ''; })()`, &focused)
	if focused != fmt.Sprintf("BUTTON restart %d", victim) {
		t.Fatalf("after Enter on Kill the focus is on %q, want member %d's Restart", focused, victim)
	}
	tb.run(chromedp.KeyEvent("\r"))
	tb.waitCard(victim, `c.state !== "down"`)
	tb.waitJS(fmt.Sprintf(`document.activeElement === document.querySelector('%s')`, kill), "the focus back on Kill after Restart")
}

// The 20 links of the view are one tab stop; the arrow keys move between
// them, Enter cuts the focused one, and the focused link has a visible
// focus ring.
func TestLinksAreOneTabStop(t *testing.T) {
	tb := newTab(t, 60*time.Second)
	tb.waitLeader()
	var stops int
	tb.eval(`[...document.querySelectorAll('.view .link')].filter(e => e.tabIndex >= 0).length`, &stops)
	if stops != 1 {
		t.Fatalf("the view's links are %d tab stops, want 1", stops)
	}
	tb.eval(`document.querySelector('.view .link[tabindex="0"]').focus(), true`, new(bool))
	tb.run(chromedp.KeyEvent(kb.ArrowRight))
	tb.waitJS(`document.activeElement && document.activeElement.dataset.from === "1" && document.activeElement.dataset.to === "3"`, "ArrowRight to focus link 1→3")
	tb.waitJS(`document.querySelector('.view .link[data-from="1"][data-to="3"]').tabIndex === 0 &&
		[...document.querySelectorAll('.view .link')].filter(e => e.tabIndex >= 0).length === 1`, "the tab stop to follow the focus")
	var ring string
	tb.eval(`(() => { const e = document.activeElement.querySelector('.ring, .hit'); return e ? getComputedStyle(e).stroke : ''; })()`, &ring)
	if ring == "" || ring == "none" || strings.Contains(ring, "rgba(0, 0, 0, 0)") || ring == "transparent" {
		t.Errorf("the focused link shows no focus ring (stroke %q)", ring)
	}
	tb.run(chromedp.KeyEvent(kb.ArrowLeft), chromedp.KeyEvent(kb.ArrowLeft))
	tb.waitJS(`document.activeElement.dataset.from === "5" && document.activeElement.dataset.to === "4"`, "ArrowLeft twice to wrap to the last link 5→4")
	tb.run(chromedp.KeyEvent("\r"))
	tb.waitJS(`document.querySelector('.view .link[data-from="5"][data-to="4"]').dataset.cut === "true"`, "Enter to cut link 5→4")
}

// Members and in-flight dots in the view have accessible names and
// tooltips; every button's name contains its visible text.
func TestViewNamesAndTooltips(t *testing.T) {
	tb := newTab(t, 60*time.Second)
	l := tb.waitLeader()
	var nodes []struct{ Label, Title, Role string }
	tb.eval(`[...document.querySelectorAll('.view .node')].map(n => ({label: n.getAttribute('aria-label') ?? '', title: n.querySelector('title')?.textContent ?? '', role: n.getAttribute('role') ?? ''}))`, &nodes)
	for i, n := range nodes {
		name := fmt.Sprintf("etcd-%d", i+1)
		if n.Role != "img" || !strings.HasPrefix(n.Label, name+", ") || !strings.Contains(n.Label, "term ") || n.Title != n.Label {
			t.Errorf("node %s: role %q, name %q, tooltip %q; want an image named with its name, state, term and leader, and the same tooltip", name, n.Role, n.Label, n.Title)
		}
	}
	other := l.Member%5 + 1
	tb.choose("#link-from", itoa(l.Member))
	tb.choose("#link-to", itoa(other))
	tb.typeInto("#link-delay", "30")
	tb.clickAction("set-link", 0)
	dot := fmt.Sprintf(`.view .link[data-from="%d"][data-to="%d"] .inflight`, l.Member, other)
	tb.waitJS(`document.querySelector('`+dot+`') !== null`, "messages in flight on the delayed link")
	var title string
	tb.eval(`document.querySelector('`+dot+` title')?.textContent ?? ''`, &title)
	want := fmt.Sprintf("from etcd-%d to etcd-%d", l.Member, other)
	back := fmt.Sprintf("from etcd-%d to etcd-%d", other, l.Member)
	if !strings.Contains(title, "in flight") || !strings.Contains(title, want) || !strings.Contains(title, back) {
		t.Errorf("the in-flight dot's tooltip is %q; want counts %s and %s", title, want, back)
	}
	var untitled []string
	tb.eval(`[...document.querySelectorAll('.card dt, .card .badge, .side [data-action="split"], .side [data-action="heal"], .side [data-action="isolate-leader"], .side [data-action="kill-all"]')]
		.filter(d => !d.title).map(d => d.textContent)`, &untitled)
	if len(untitled) > 0 {
		t.Errorf("card fields, states and fault presets without an explanation (title): %q", untitled)
	}
	var mismatched []string
	tb.eval(`(() => {
		const visible = el => { let s = ''; const w = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
			while (w.nextNode()) if (!w.currentNode.parentElement.closest('title')) s += ' ' + w.currentNode.textContent;
			return s.trim().toLowerCase().replace(/\s+/g, ' '); };
		return [...document.querySelectorAll('.cards button[aria-label], .time button[aria-label], .view [role="button"][aria-label]')]
			.filter(b => visible(b) !== '' && !b.getAttribute('aria-label').toLowerCase().includes(visible(b)))
			.map(b => b.getAttribute('aria-label') + ' / ' + visible(b)); })()`, &mismatched)
	if len(mismatched) > 0 {
		t.Errorf("buttons whose name does not contain their visible text: %q", mismatched)
	}
}

// Isolate on a card turns into Rejoin while every link of that member is
// cut, and the card says it is isolated; Rejoin heals its links.
func TestIsolateThenRejoin(t *testing.T) {
	tb := newTab(t, 60*time.Second)
	l := tb.waitLeader()
	m := l.Member%5 + 1
	tb.clickAction("isolate", m)
	tb.waitJS(fmt.Sprintf(`document.querySelectorAll('.view .link.cut[data-from="%d"], .view .link.cut[data-to="%d"]').length === 8`, m, m), "the member's 8 links to show as cut")
	var got struct{ Action, Text, Note string }
	tb.eval(fmt.Sprintf(`(() => { const c = document.querySelector('.card[data-member="%d"]'); const b = c.querySelector('[data-action="isolate"], [data-action="rejoin"]');
		return {action: b.dataset.action, text: b.textContent, note: c.querySelector('.isolated-note:not([hidden])')?.textContent ?? ''}; })()`, m), &got)
	t.Logf("isolated card: %+v", got)
	if got.Action != "rejoin" || got.Text != "Rejoin" || got.Note == "" {
		t.Fatalf("an isolated member's card offers %q (%s) and says %q; want Rejoin and that it is isolated", got.Text, got.Action, got.Note)
	}
	tb.clickAction("rejoin", m)
	tb.waitJS(`document.querySelectorAll('.view .link.cut').length === 0`, "Rejoin to heal the member's links")
	tb.waitJS(fmt.Sprintf(`document.querySelector('[data-action="isolate"][data-member="%d"]') !== null`, m), "the card to offer Isolate again")
}

// Headings never skip a level (the cards' h3 come under an h2), and the
// white text of every state's badge and disc has a contrast of at least
// 4.5:1 (measured on an element of each state made for the test, since a
// run shows only some states).
func TestCardsHeadingsAndStateContrast(t *testing.T) {
	tb := newTab(t, 60*time.Second)
	tb.waitLeader()
	var skips []string
	tb.eval(`(() => { const out = []; let prev = 0;
		for (const h of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) { const n = +h.tagName[1];
			if (prev && n > prev + 1) out.push('h' + prev + ' then h' + n + ' "' + h.textContent + '"'); prev = n; }
		return out; })()`, &skips)
	if len(skips) > 0 {
		t.Errorf("headings skip levels: %q", skips)
	}
	var low []string
	tb.eval(`(() => {
		const lum = c => { const m = c.match(/[\d.]+/g).slice(0, 3).map(x => +x / 255).map(x => x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4);
			return 0.2126 * m[0] + 0.7152 * m[1] + 0.0722 * m[2]; };
		const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
		const out = [];
		const host = document.createElement('div');
		document.querySelector('.cards').appendChild(host);
		const svg = document.querySelector('.view svg');
		for (const s of ['leader', 'follower', 'candidate', 'pre-candidate', 'down', 'loading']) {
			host.innerHTML = '<span class="badge state-' + s + '">x</span>';
			const b = getComputedStyle(host.firstChild);
			const r = ratio(b.color, b.backgroundColor);
			if (r < 4.5) out.push('badge ' + s + ': ' + r.toFixed(2));
			const g = document.createElementNS('http://www.w3.org/2000/svg', 'g');
			g.setAttribute('class', 'node state-' + s);
			g.innerHTML = '<circle r="1"></circle><text class="name">x</text>';
			svg.appendChild(g);
			const rn = ratio(getComputedStyle(g.querySelector('text')).fill, getComputedStyle(g.querySelector('circle')).fill);
			if (rn < 4.5) out.push('node ' + s + ': ' + rn.toFixed(2));
			g.remove();
		}
		host.remove();
		return out; })()`, &low)
	if len(low) > 0 {
		t.Errorf("state colours under 4.5:1 against their white text: %q", low)
	}
}

// liveText is the text of the live regions of the hash indicator and the
// side panels (liveSide): what a screen reader announces when it changes.
const (
	liveText = `[...document.querySelectorAll('.hash-indicator[role="status"], .hash-indicator [role="status"], .hash-indicator [aria-live], .side [role="status"], .side [aria-live]')]
	.map(e => e.textContent).join(' | ')`
	liveSide = `[...document.querySelectorAll('.side [role="status"], .side [aria-live]')].map(e => e.textContent).join(' | ')`
)

// On an idle page the live regions stay quiet while ticks pass: the hash
// indicator announces its state, not every tick.
func TestLiveRegionsAnnounceChangesOnly(t *testing.T) {
	tb := newTab(t, 60*time.Second)
	tb.waitLeader()
	tb.converged(1, "every member at the same revision")
	var before string
	var now int
	tb.eval(liveText, &before)
	tb.eval(`+document.querySelector('[data-now]').dataset.now`, &now)
	tb.waitJS(`+document.querySelector('[data-now]').dataset.now >= `+strconv.Itoa(now+20), "20 more ticks")
	var after string
	tb.eval(liveText, &after)
	t.Logf("live regions: %q then %q", before, after)
	if before != after {
		t.Errorf("the live regions changed from %q to %q while nothing but time happened", before, after)
	}
}
