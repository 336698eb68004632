//go:build browser

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// axe-core (https://github.com/dequelabs/axe-core) is installed by npm at
// the version pinned in testdata/axe/package.json and package-lock.json:
// `make test-browser` runs `npm ci` there when node_modules is missing.
const axeDir = "testdata/axe"

// axeSource returns axe.min.js, failing the test with how to install it
// when it is missing.
func axeSource(t *testing.T) string {
	t.Helper()
	p := filepath.Join(axeDir, "node_modules", "axe-core", "axe.min.js")
	b, err := os.ReadFile(p)
	if err != nil {
		abs, _ := filepath.Abs(axeDir)
		t.Fatalf("axe-core is not installed (%v): run `npm ci` in %s (make test-browser does it when node_modules is missing)", err, abs)
	}
	return string(b)
}

// axeViolation is one axe rule that failed, with the nodes it failed on.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []string `json:"target"`
		Summary string   `json:"summary"`
	} `json:"nodes"`
}

// axeRun is the page-side scan. It runs every rule of axe on the whole
// document, then colour contrast again on each panel after scrolling it into
// view: a panel with content-visibility:auto outside the viewport is not
// rendered, and axe's colour-contrast rule skips what is not rendered. It
// resolves to the violations, each rule's nodes merged and de-duplicated.
const axeRun = `(async () => {
	` + nextFrameJS + `
	const frame = () => new Promise(r => nextFrame(() => nextFrame(r)));
	const opts = {resultTypes: ['violations']};
	const all = new Map();
	const add = (res) => {
		for (const v of res.violations) {
			const e = all.get(v.id) || {id: v.id, impact: v.impact, help: v.help, nodes: [], seen: new Set()};
			for (const n of v.nodes) {
				const key = JSON.stringify(n.target);
				if (e.seen.has(key)) continue;
				e.seen.add(key);
				e.nodes.push({target: n.target.map(String), summary: n.failureSummary || ''});
			}
			all.set(v.id, e);
		}
	};
	window.scrollTo(0, 0);
	await frame();
	add(await axe.run(document, opts));
	const parts = [...document.querySelectorAll('body *')].filter(e => getComputedStyle(e).contentVisibility === 'auto');
	for (const el of parts) {
		el.scrollIntoView({block: 'start'});
		await frame();
		add(await axe.run(el, {...opts, runOnly: {type: 'rule', values: ['color-contrast']}}));
	}
	window.scrollTo(0, 0);
	return [...all.values()].map(({seen, ...v}) => v);
})()`

// axeScan injects axe (once per document) and scans the page in the colour
// scheme given ("light" or "dark", emulated as prefers-color-scheme).
func (tb *tab) axeScan(src, scheme string) []axeViolation {
	tb.t.Helper()
	tb.run(emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}))
	tb.waitJS(fmt.Sprintf(`matchMedia('(prefers-color-scheme: %s)').matches`, scheme), "the "+scheme+" colour scheme to apply")
	var has bool
	tb.eval(`typeof window.axe === 'object'`, &has)
	if !has {
		tb.eval(src+"\n;true", new(bool))
	}
	var vs []axeViolation
	tb.evalAsync(axeRun, &vs)
	sort.Slice(vs, func(i, j int) bool { return vs[i].ID < vs[j].ID })
	return vs
}

// axeCounts formats violations as "rule (nodes), ..." or "none".
func axeCounts(vs []axeViolation) string {
	if len(vs) == 0 {
		return "none"
	}
	var parts []string
	for _, v := range vs {
		parts = append(parts, fmt.Sprintf("%s (%d)", v.ID, len(v.Nodes)))
	}
	return strings.Join(parts, ", ")
}

// axeCheck scans in light and dark and fails the test with every violation.
func (tb *tab) axeCheck(src, config, state string) {
	tb.t.Helper()
	for _, scheme := range []string{"light", "dark"} {
		vs := tb.axeScan(src, scheme)
		tb.t.Logf("axe %s, %s, %s: %s", config, scheme, state, axeCounts(vs))
		for _, v := range vs {
			b, _ := json.MarshalIndent(v.Nodes, "    ", "  ")
			tb.t.Errorf("axe %s, %s, %s: %s [%s] %s on %d node(s):\n    %s", config, scheme, state, v.ID, v.Impact, v.Help, len(v.Nodes), b)
		}
	}
}

// fillPanels puts on screen what a session shows besides the cluster, where
// the page has it: a key result, a failed write (on the minority of Split
// 2|3), a table of keys, console output and the reset confirmation.
func (tb *tab) fillPanels() {
	tb.t.Helper()
	var full bool
	tb.eval(`document.querySelector('#write-key') !== null`, &full)
	if !full {
		return
	}
	tb.waitJS(`[3, 4, 5].some(id => document.querySelector('.card[data-member="' + id + '"]').dataset.state === "leader")`, "a leader on the majority side")
	if r := tb.write("put", 4, "axe/a", "1", false); r.Status != "ok" {
		tb.t.Fatalf("put on the majority: %s", r.Text)
	}
	if r := tb.write("get", 4, "axe/", "", true); r.Status != "ok" || len(r.Keys) == 0 {
		tb.t.Fatalf("get axe/ --prefix on the majority: %+v", r)
	}
	if r := tb.write("put", 1, "axe/b", "2", false); r.Status != "error" {
		tb.t.Fatalf("a put on the minority did not fail: %s", r.Text)
	}
	tb.fillMVCCPanel() // before the console: its answers then stay under the console's
	tb.consoleRun("get axe/a")
	tb.consoleRun("nonsense")
	// From the keyboard: the console's and the MVCC panel's answers still
	// grow the page while it settles, and a mouse click at the button's
	// computed position then lands beside it (CI, full page and phone
	// width); the focused button's Enter is the control itself.
	tb.waitJS(`(() => { const b = document.querySelector('[data-action="reset"]'); return b !== null && !b.disabled; })()`, "the reset control")
	tb.eval(`(() => { const b = document.querySelector('[data-action="reset"]'); b.scrollIntoView({block: "center"}); b.focus(); return document.activeElement === b; })()`, new(bool))
	tb.run(chromedp.KeyEvent("\r"))
	tb.waitJS(`document.querySelector('[data-action="reset-cancel"]') !== null`, "the reset confirmation")
}

// fillMVCCPanel shows the MVCC panel's tables during Split 2|3: a key's
// history on the majority, a running watch, and every member's reads (the
// minority's stale and failed ones among them).
func (tb *tab) fillMVCCPanel() {
	tb.t.Helper()
	tb.choose("#mvcc-member", "4")
	tb.typeInto("#mvcc-key", "axe/a")
	tb.clickAction("mvcc-history", 0)
	tb.waitJS(`document.querySelector('.hist-row[data-key="axe/a"]') !== null`, "the history of axe/a on member 4")
	tb.typeInto("#watch-key", "axe/")
	tb.click("#watch-prefix")
	tb.clickAction("watch-start", 0)
	tb.waitJS(`document.querySelector('.watch-row[data-running="true"]') !== null`, "the panel's watch to run")
	tb.clickAction("read-all", 0)
	tb.waitJS(`(() => { const cs = [...document.querySelectorAll('.read-row td.read')]; return cs.length > 0 && cs.every(c => c.dataset.status !== "pending"); })()`,
		"every member's reads to answer")
}

// axe-core reports no violation on the full page, on ?embed=1 and at a
// phone's width (390x844), in the light and the dark scheme, after a
// member was killed and after Split 2|3 (every state colour, the down
// card, cut links and the notices on screen), with the Raft log view
// shown where the page has it.
func TestAxeNoViolations(t *testing.T) {
	src := axeSource(t)
	configs := []struct {
		name, query string
		w, h        int64
	}{
		{"full page", "", 0, 0},
		{"embed", "?embed=1", 0, 0},
		{"390x844", "", 390, 844},
	}
	for _, cfg := range configs {
		t.Run(strings.ReplaceAll(cfg.name, " ", "_"), func(t *testing.T) {
			// A scan took 20-40 s at a load average of 40 on 2 cores (the
			// MVCC panel adds tables to scan): 5 minutes leave room for four.
			tb := blankTab(t, 5*time.Minute)
			if cfg.w > 0 {
				tb.run(chromedp.EmulateViewport(cfg.w, cfg.h, chromedp.EmulateMobile))
			}
			tb.goTo(siteURL + cfg.query)
			l := tb.waitLeader()
			var logs bool // the full page has the Raft log view: scanned shown
			tb.eval(`document.querySelector('[data-action="show-logs"]') !== null`, &logs)
			if logs {
				tb.showLogs()
			}
			victim := l.Member%5 + 1 // a follower
			tb.clickAction("kill", victim)
			tb.waitCard(victim, `c.state === "down"`)
			tb.axeCheck(src, cfg.name, "after a kill")

			tb.clickAction("restart", victim)
			tb.waitCard(victim, `c.state !== "down"`)
			tb.clickAction("split", 0)
			tb.waitJS(`document.querySelectorAll('.link.cut').length === 12`, "the 12 links between the sides to show as cut")
			tb.fillPanels()
			tb.axeCheck(src, cfg.name, "after Split 2|3")
		})
	}
}
