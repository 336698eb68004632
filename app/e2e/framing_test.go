//go:build browser

package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// A newcomer's first minute: what the page is, where to start, the
// keyboard's way in, the storage controls where they are explained, targets
// a finger can hit, and a dark scheme.

// activeElement describes document.activeElement.
type activeElement struct {
	Tag, ID, Class, Action, Text string
	Visible                      bool // at least 1x1 px, inside the viewport
}

func (tb *tab) active() activeElement {
	tb.t.Helper()
	var a activeElement
	tb.eval(`(() => { const e = document.activeElement; const r = e.getBoundingClientRect();
		return {tag: e.tagName.toLowerCase(), id: e.id, class: e.className && e.className.baseVal === undefined ? e.className : '',
			action: e.dataset ? (e.dataset.action || '') : '', text: (e.textContent || '').trim().slice(0, 60),
			visible: r.width >= 1 && r.height >= 1 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth}; })()`, &a)
	return a
}

// The first Tab of the page reaches a visible "Skip to the cluster" link;
// Enter on it moves the focus to the cluster section, so the next Tab is in
// the cluster (a link of the view) rather than in the header.
func TestSkipLinkFirstTabStop(t *testing.T) {
	tb := newTab(t, time.Minute)
	tb.waitLeader()
	tb.eval(`document.activeElement.blur(); window.scrollTo(0, 0); true`, new(bool))
	tb.run(chromedp.KeyEvent("\t"))
	a := tb.active()
	t.Logf("first tab stop: %+v", a)
	if a.Tag != "a" || !strings.Contains(a.Class, "skip-link") || !strings.Contains(a.Text, "cluster") || !a.Visible {
		t.Fatalf("the first tab stop is %+v; want a visible skip link to the cluster", a)
	}
	tb.run(chromedp.KeyEvent("\r"))
	tb.waitJS(`document.activeElement.id === "cluster"`, "Enter on the skip link to focus the cluster section")
	tb.run(chromedp.KeyEvent("\t"))
	var inCluster bool
	tb.eval(`document.querySelector('#cluster').contains(document.activeElement) && document.activeElement.id !== "cluster"`, &inCluster)
	if !inCluster {
		t.Errorf("Tab after the skip link went to %+v, outside the cluster", tb.active())
	}
}

// Under the title one line says what the page is and where to start, with
// links to the source, the README and etcd's documentation.
func TestIntroLine(t *testing.T) {
	tb := newTab(t, time.Minute)
	tb.waitLeader()
	var got struct {
		Text  string   `json:"text"`
		Links []string `json:"links"`
		Below bool     `json:"below"`
	}
	tb.eval(`(() => { const p = document.querySelector('header.top .intro'); if (!p) return {text: '', links: [], below: false};
		const h = document.querySelector('header.top h1').getBoundingClientRect(), r = p.getBoundingClientRect();
		return {text: p.textContent, links: [...p.querySelectorAll('a')].map(a => a.href), below: r.top >= h.bottom - 1}; })()`, &got)
	t.Logf("intro: %q, links %q", got.Text, got.Links)
	for _, w := range []string{"Five real etcd Raft members", "in this page", "nothing on a server", "Start here", "Kill the leader"} {
		if !strings.Contains(got.Text, w) {
			t.Errorf("the intro line lacks %q: %q", w, got.Text)
		}
	}
	if !got.Below {
		t.Error("the intro line is not under the title")
	}
	for _, w := range []string{"https://github.com/etcd-play/etcd-play", "https://github.com/etcd-play/etcd-play#readme", "https://etcd.io/docs/"} {
		found := false
		for _, l := range got.Links {
			found = found || l == w
		}
		if !found {
			t.Errorf("the intro line has no link to %s (links: %q)", w, got.Links)
		}
	}
}

// The storage controls are in a Durability panel of the page's layout, not
// above it, and the panel says how a clean kill differs from a power loss;
// its power loss takes a member down.
func TestDurabilityPanel(t *testing.T) {
	tb := newTab(t, time.Minute)
	tb.waitStorage(`s.storage === "indexeddb"`, "the cluster on IndexedDB")
	l := tb.waitLeader()
	var got struct {
		InLayout, Heading, Lead string
		Controls                int
	}
	tb.eval(`(() => { const s = document.querySelector('.storage[data-storage]');
		const h = s.querySelector('h2'), lead = s.querySelector('.lead');
		return {inLayout: String(s.closest('main.layout') !== null), heading: h ? h.textContent : '', lead: lead ? lead.textContent : '',
			controls: s.querySelectorAll('[data-action="kill-power"], [data-action="kill-all-power"], [data-action="reset"]').length}; })()`, &got)
	t.Logf("storage section: %+v", got)
	if got.InLayout != "true" || got.Heading != "Durability" {
		t.Errorf("the storage section is not a Durability panel in the layout: %+v", got)
	}
	if !strings.Contains(got.Lead, "Kill") || !strings.Contains(got.Lead, "power loss") || strings.Count(got.Lead, ".") != 1 {
		t.Errorf("the panel does not say in one sentence how a kill differs from a power loss: %q", got.Lead)
	}
	if got.Controls != 7 {
		t.Errorf("the panel has %d storage controls; want 5 power losses, all, and reset", got.Controls)
	}
	victim := l.Member%5 + 1
	tb.clickAction("kill-power", victim)
	tb.waitCard(victim, `c.state === "down"`)
}

// A member that is down has no power to lose: its power-loss button says
// so (aria-disabled) until it restarts, and keeps the keyboard's focus when
// it was the button used.
func TestPowerLossDisabledWhenDown(t *testing.T) {
	tb := newTab(t, time.Minute)
	tb.waitStorage(`s.storage === "indexeddb"`, "the cluster on IndexedDB")
	l := tb.waitLeader()
	victim := l.Member%5 + 1
	sel := fmt.Sprintf(`[data-action="kill-power"][data-member="%d"]`, victim)
	tb.run(focusAndEnter(sel))
	tb.waitCard(victim, `c.state === "down"`)
	tb.waitWithin(10*time.Second, fmt.Sprintf(`document.querySelector(%q).getAttribute('aria-disabled') === "true"`, sel), func() string {
		var attr string
		tb.eval(fmt.Sprintf(`String(document.querySelector(%q).getAttribute('aria-disabled'))`, sel), &attr)
		return fmt.Sprintf("member %d is down and its power-loss button has aria-disabled=%s", victim, attr)
	})
	var others int
	tb.eval(`[...document.querySelectorAll('[data-action="kill-power"][aria-disabled="true"]')].length`, &others)
	if others != 1 {
		t.Errorf("%d power-loss buttons say disabled; want only member %d's", others, victim)
	}
	var focused bool
	tb.eval(fmt.Sprintf(`document.activeElement === document.querySelector(%q)`, sel), &focused)
	if !focused {
		t.Errorf("the focus left the power-loss button used, for %+v", tb.active())
	}
	tb.clickAction("restart", victim)
	tb.waitCard(victim, `c.state !== "down"`)
	tb.waitJS(fmt.Sprintf(`document.querySelector(%q).getAttribute('aria-disabled') === "false"`, sel), "the power-loss button back after the restart")
}

// Reset… asks for a confirmation without losing the keyboard's place: Enter
// on Reset… puts the focus on Cancel (not on the destructive choice, and not
// on the body), and Enter on Cancel puts it back on Reset….
func TestResetConfirmKeepsFocus(t *testing.T) {
	tb := newTab(t, time.Minute)
	tb.waitStorage(`s.storage === "indexeddb"`, "the cluster on IndexedDB")
	tb.waitLeader()
	tb.run(focusAndEnter(`[data-action="reset"]`))
	tb.waitJS(`document.querySelector('[data-action="reset-cancel"]') !== null`, "the reset confirmation")
	tb.waitFocus("reset-cancel")
	tb.run(chromedp.KeyEvent("\r"))
	tb.waitJS(`document.querySelector('[data-action="reset"]') !== null`, "Reset… back")
	tb.waitFocus("reset")
	var epoch string
	tb.eval(`document.querySelector('.storage[data-storage]').dataset.epoch`, &epoch)
	if epoch != "1" {
		t.Errorf("the cluster was reset (load %s)", epoch)
	}
}

// waitFocus waits up to 10 s (the page moves the focus a frame after it
// re-rendered) for the control with data-action action to have the focus,
// failing the test with where the focus is instead.
func (tb *tab) waitFocus(action string) {
	tb.t.Helper()
	tb.waitWithin(10*time.Second, fmt.Sprintf(`document.activeElement.dataset && document.activeElement.dataset.action === %q`, action), func() string {
		return fmt.Sprintf("the focus is on %+v, not on the %s control", tb.active(), action)
	})
}

// waitWithin polls expr on every animation frame for up to d and fails
// the test with failure() if it never became truthy.
func (tb *tab) waitWithin(d time.Duration, expr string, failure func() string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, d)
	defer cancel()
	var ok bool
	if err := chromedp.Run(ctx, chromedp.Poll(expr, &ok, pollEvery, chromedp.WithPollingTimeout(0))); err != nil {
		tb.t.Fatalf("%s (after %v: %v)", failure(), d, err)
	}
}

// At a phone's width (390x844) every control (button, input, select, link)
// is at least 24x24 CSS px (WCAG 2.2 AA, 2.5.8), also the Restart of a
// down member, the reset confirmation and the skip link once focused.
func TestTouchTargets390(t *testing.T) {
	tb := blankTab(t, time.Minute)
	tb.run(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	tb.goTo(siteURL)
	l := tb.waitLeader()
	victim := l.Member%5 + 1
	tb.clickAction("kill", victim)
	tb.waitCard(victim, `c.state === "down"`)
	tb.clickAction("reset", 0)
	tb.waitJS(`document.querySelector('[data-action="reset-cancel"]') !== null`, "the reset confirmation")
	tb.eval(`document.querySelector('.skip-link') && document.querySelector('.skip-link').focus(); true`, new(bool))
	var small []string
	tb.eval(`(() => { const out = [];
		for (const e of document.querySelectorAll('button, input, select, a[href], [role="button"]:not(g)')) {
			if (e.getClientRects().length === 0 || e.closest('.visually-hidden')) continue;
			const r = e.getBoundingClientRect();
			if (r.width < 24 || r.height < 24) {
				const name = e.dataset.action || e.id || e.getAttribute('aria-label') || e.textContent.trim().slice(0, 30);
				out.push(e.tagName.toLowerCase() + ' ' + name + (e.dataset.member ? ' #' + e.dataset.member : '') + ': ' + r.width.toFixed(1) + 'x' + r.height.toFixed(1));
			}
		}
		return out; })()`, &small)
	var total int
	tb.eval(`document.querySelectorAll('button, input, select, a[href]').length`, &total)
	t.Logf("%d controls measured at 390x844; %d below 24x24", total, len(small))
	for _, s := range small {
		t.Errorf("target smaller than 24x24 CSS px: %s", s)
	}
	tb.clickAction("reset-cancel", 0)
}

// With prefers-color-scheme: dark the page turns dark (background, panels,
// text, controls), and back to light without it.
func TestDarkScheme(t *testing.T) {
	tb := newTab(t, time.Minute)
	tb.waitLeader()
	type colours struct{ Body, Panel, Ink, Button, Input string }
	read := func(scheme string) colours {
		tb.run(emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}))
		tb.waitJS(fmt.Sprintf(`matchMedia('(prefers-color-scheme: %s)').matches`, scheme), "the "+scheme+" scheme")
		var c colours
		tb.eval(`(() => { const cs = (sel, p) => getComputedStyle(document.querySelector(sel))[p];
			return {body: cs('body', 'backgroundColor'), panel: cs('.panel', 'backgroundColor'), ink: cs('body', 'color'),
				button: cs('.panel button', 'backgroundColor'), input: cs('#write-key', 'backgroundColor')}; })()`, &c)
		return c
	}
	light, dark := read("light"), read("dark")
	t.Logf("light %+v; dark %+v", light, dark)
	lum := func(rgb string) float64 {
		var r, g, b float64
		if _, err := fmt.Sscanf(rgb, "rgb(%f, %f, %f)", &r, &g, &b); err != nil {
			t.Fatalf("colour %q: %v", rgb, err)
		}
		return (0.2126*r + 0.7152*g + 0.0722*b) / 255
	}
	for _, c := range []struct {
		what        string
		light, dark string
		darkIsDark  bool
	}{
		{"page background", light.Body, dark.Body, true},
		{"panel background", light.Panel, dark.Panel, true},
		{"text", light.Ink, dark.Ink, false},
		{"button background", light.Button, dark.Button, true},
		{"input background", light.Input, dark.Input, true},
	} {
		l, d := lum(c.light), lum(c.dark)
		if c.darkIsDark && !(d < 0.25 && l > 0.75) || !c.darkIsDark && !(d > 0.75 && l < 0.25) {
			t.Errorf("%s: light %s (luminance %.2f), dark %s (%.2f)", c.what, c.light, l, c.dark, d)
		}
	}
}
