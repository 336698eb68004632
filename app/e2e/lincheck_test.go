//go:build browser

package e2e

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// verdict is the Check panel's verdict element's hooks.
type verdict struct {
	State string `json:"lincheck"`
	Seq   string `json:"seq"`
	Auto  string `json:"auto"`
	Ops   string `json:"ops"`
	Keys  string `json:"keys"`
	Ms    string `json:"ms"`
	Text  string `json:"text"`
}

func (tb *tab) verdict() verdict {
	tb.t.Helper()
	var v verdict
	tb.eval(`(() => { const e = document.querySelector('[data-lincheck]'); return {...e.dataset, text: e.textContent}; })()`, &v)
	return v
}

// The unsafe switch, turned on with its checkbox, lets the old leader of a
// partition answer a linearizable get from its own stale store; Check
// catches it and shows the failing operations, the stale read marked.
// (check-quorum off from the URL, so that the isolated leader keeps
// leading; the switch's warning says so.)
func TestUnsafeSwitchViolationShown(t *testing.T) {
	tb := newTab(t, 3*time.Minute)
	tb.openWith("check-quorum=0&storage=memory")
	old := tb.waitLeader().Member
	if r := tb.write("put", old, "lin", "1", false); r.Status != "ok" {
		t.Fatalf("put through the leader: %s", r.Text)
	}
	var label struct{ Label, Warning string }
	tb.eval(`({label: document.querySelector('label[for="setting-unsafe-local-reads"]').textContent,
		warning: document.getElementById(document.querySelector('[data-setting="unsafe-local-reads"]').getAttribute('aria-describedby')).textContent})`, &label)
	if label.Label != "unsafe local reads" || !strings.HasPrefix(label.Warning, "Unsafe: the leader answers linearizable reads locally.") {
		t.Fatalf("the switch's label is %q and its description %q", label.Label, label.Warning)
	}
	tb.click(`[data-setting="unsafe-local-reads"]`)
	tb.clickAction("apply-settings", 0)
	tb.waitJS(`document.querySelector('[data-setting="unsafe-local-reads"]').dataset.current === "1"`, "the engine to report the switch on")

	tb.clickAction("isolate-leader", 0)
	nu := tb.waitLeader(old).Member
	if r := tb.write("put", nu, "lin", "2", false); r.Status != "ok" {
		t.Fatalf("put through the new leader %d: %s", nu, r.Text)
	}
	r := tb.write("get", old, "lin", "", false)
	if r.Status != "ok" || len(r.Values) != 1 || r.Values[0] != "1" {
		t.Fatalf("get through the old leader %d: %+v; want the stale 1", old, r)
	}
	tb.clickAction("check-history", 0)
	tb.waitJS(`document.querySelector('[data-lincheck]').dataset.lincheck === "violation"`, "the check to report a violation")
	v := tb.verdict()
	var stale struct {
		Bars, StaleBars int
		Item            string
	}
	tb.eval(`({bars: document.querySelectorAll('.lin-timeline .lin-bar').length, staleBars: document.querySelectorAll('.lin-timeline .lin-bar.stale').length,
		item: (document.querySelector('.lin-ops li.stale') || {}).textContent || ""})`, &stale)
	if stale.Bars != 3 || stale.StaleBars != 1 || !strings.Contains(stale.Item, fmt.Sprintf("member %d: get \"lin\"", old)) ||
		!strings.Contains(v.Text, "stale read") {
		t.Fatalf("the violation shows %+v:\n%s", stale, v.Text)
	}
	t.Logf("verdict: %s", v.Text)
	// The violation's timeline and list, and the switch's warning, pass axe.
	tb.eval(`document.querySelector('.check-panel').scrollIntoView({block: "start"}), true`, new(bool))
	tb.axeCheck(axeSource(t), "full page", "with a violation shown")
}

// A stress run's end checks the history by itself: the verdict becomes
// ok without anyone asking.
func TestStressEndChecksHistory(t *testing.T) {
	tb := newTab(t, 2*time.Minute)
	tb.waitLeader()
	if v := tb.verdict(); v.State != "none" {
		t.Fatalf("a verdict before any check: %+v", v)
	}
	for sel, v := range map[string]string{"#stress-rate": "50", "#stress-count": "500"} {
		tb.typeInto(sel, v)
		tb.run(chromedp.KeyEvent("\t"))
	}
	tb.clickAction("stress", 0)
	tb.waitJS(`document.querySelector('.stress-result') !== null && document.querySelector('.stress-result').dataset.running === "false"`,
		"the stress run to finish")
	tb.waitJS(`(() => { const d = document.querySelector('[data-lincheck]').dataset; return d.lincheck === "ok" && d.auto === "true"; })()`,
		"the automatic verdict")
	v := tb.verdict()
	if n, _ := strconv.Atoi(v.Ops); n < 500 || !strings.Contains(v.Text, "linearizable: ") || !strings.Contains(v.Text, "automatic") {
		t.Fatalf("verdict %+v", v)
	}
	t.Logf("verdict: %s", v.Text)
}

// Measure: porcupine's time in the page's engine for the history of a
// 20,000-put stress (the stress panel's largest count, as fast as it
// goes, 100 keys): the automatic check after the run and one asked for
// with the button. Prints a BENCH line.
func TestCheckFigures(t *testing.T) {
	tb := newTab(t, 5*time.Minute)
	tb.openWith("storage=memory")
	tb.waitLeader()
	tb.click("#stress-max")
	for sel, v := range map[string]string{"#stress-count": "20000", "#stress-keys": "100"} {
		tb.typeInto(sel, v)
		tb.run(chromedp.KeyEvent("\t"))
	}
	tb.clickAction("stress", 0)
	tb.waitJS(`document.querySelector('.stress-result') !== null && +document.querySelector('.stress-result').dataset.total === 20000 &&
		document.querySelector('.stress-result').dataset.running === "false"`, "the 20,000-put run to finish")
	tb.waitJS(`(() => { const d = document.querySelector('[data-lincheck]').dataset; return d.lincheck === "ok" && d.auto === "true"; })()`,
		"the automatic verdict")
	auto := tb.verdict()
	tb.clickAction("check-history", 0)
	tb.waitJS(fmt.Sprintf(`(() => { const d = document.querySelector('[data-lincheck]').dataset; return d.lincheck === "ok" && d.auto === "false" && +d.seq > %s; })()`, auto.Seq),
		"the verdict asked for")
	asked := tb.verdict()
	if n, _ := strconv.Atoi(asked.Ops); n < 20000 {
		t.Fatalf("checked %s operations, want at least 20,000", asked.Ops)
	}
	t.Logf("BENCH lincheck 20000-put stress: automatic %s ms (%s ops, %s keys), asked %s ms (%s ops, %s keys)",
		auto.Ms, auto.Ops, auto.Keys, asked.Ms, asked.Ops, asked.Keys)
}
