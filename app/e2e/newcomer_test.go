//go:build browser

package e2e

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// What a newcomer trips over in the key panel, the chart and the keyboard's
// focus ring.

// Typing a key and pressing Enter (as one would to read it) does not put an
// empty value over it: the focus moves to the value field; Enter there puts.
func TestWriteKeyEnterKeepsValue(t *testing.T) {
	tb := newTab(t, time.Minute)
	l := tb.waitLeader()
	if r := tb.write("put", l.Member, "greeting", "hello", false); r.Status != "ok" {
		t.Fatalf("put greeting: %s", r.Text)
	}
	var before int
	tb.eval(`document.querySelectorAll('.write-result').length`, &before)
	tb.typeInto("#write-value", "")
	tb.typeInto("#write-key", "greeting")
	tb.run(chromedp.KeyEvent("\r"))
	tb.waitFocusID("write-value")
	var after int
	tb.eval(`document.querySelectorAll('.write-result').length`, &after)
	if after != before {
		var title string
		tb.eval(`document.querySelector('.write-result .title').textContent`, &title)
		t.Fatalf("Enter in the key field sent a request (%q)", title)
	}
	if r := tb.write("get", l.Member, "greeting", "", false); r.Status != "ok" || len(r.Values) != 1 || r.Values[0] != "hello" {
		t.Fatalf("greeting reads %+v after Enter in the key field; want hello", r)
	}
	// Enter in the value field puts.
	tb.typeInto("#write-key", "greeting")
	tb.typeInto("#write-value", "bonjour")
	tb.run(chromedp.KeyEvent("\r"))
	tb.waitJS(`(() => { const e = document.querySelector('.write-result'); return e && e.dataset.status === "ok" && e.querySelector('.title').textContent.startsWith("put greeting"); })()`,
		"Enter in the value field to put greeting")
}

// The Keys results and the Events say on screen which way they are ordered
// (newest first), and are.
func TestListsSayTheirOrder(t *testing.T) {
	tb := newTab(t, time.Minute)
	l := tb.waitLeader()
	for _, k := range []string{"first", "second"} {
		if r := tb.write("put", l.Member, k, "v", false); r.Status != "ok" {
			t.Fatalf("put %s: %s", k, r.Text)
		}
	}
	var got struct {
		Keys, Events string
		Titles       []string
		Ticks        []int
	}
	tb.eval(`(() => { const keys = document.querySelector('#write-h').closest('.panel'), ev = document.querySelector('.panel.events');
		return {keys: keys.innerText, events: ev.innerText, titles: [...keys.querySelectorAll('.write-result .title')].map(e => e.textContent),
			ticks: [...ev.querySelectorAll('.log .when')].map(e => +e.textContent.replace('tick ', ''))}; })()`, &got)
	if !strings.Contains(got.Keys, "newest first") || !strings.Contains(got.Events, "newest first") {
		t.Errorf("the Keys results or the Events do not say their order on screen:\nKeys: %.300q\nEvents: %.300q", got.Keys, got.Events)
	}
	if len(got.Titles) != 2 || !strings.HasPrefix(got.Titles[0], "put second") {
		t.Errorf("key results %q; want put second first", got.Titles)
	}
	for i := 1; i < len(got.Ticks); i++ {
		if got.Ticks[i] > got.Ticks[i-1] {
			t.Fatalf("events not newest first: ticks %v", got.Ticks)
		}
	}
}

// waitFocusID waits up to 10 s for the element with id to have the focus,
// failing the test with where the focus is instead.
func (tb *tab) waitFocusID(id string) {
	tb.t.Helper()
	tb.waitWithin(10*time.Second, fmt.Sprintf(`document.activeElement.id === %q`, id), func() string {
		return fmt.Sprintf("the focus is on %+v, not on #%s", tb.active(), id)
	})
}

// The chart's peak is the highest rate it drew: 0 on a page nobody wrote
// to (it said 1, its scale's floor), and more than 0 after a write.
func TestChartPeak(t *testing.T) {
	tb := newTab(t, time.Minute)
	l := tb.waitLeader()
	tb.waitJS(`(document.querySelector('.chart .series.wps').getAttribute('points') || '').trim().split(' ').filter(Boolean).length >= 3`, "three chart samples drawn")
	var caption string
	tb.eval(`document.querySelector('.chart figcaption').textContent`, &caption)
	t.Logf("idle: %q", caption)
	if m := regexp.MustCompile(`, (\d+) peak`).FindStringSubmatch(caption); m == nil || m[1] != "0" {
		t.Errorf("an idle page's chart says %q; want a peak of 0", caption)
	}
	if r := tb.write("put", l.Member, "k", "v", false); r.Status != "ok" {
		t.Fatalf("put: %s", r.Text)
	}
	tb.waitJS(`/, [1-9]\d* peak/.test(document.querySelector('.chart figcaption').textContent)`, "the peak to count the write")
}

// The keyboard's focus ring reaches 3:1 against the background around the
// control (WCAG 2.2, 1.4.11) in a panel and in the header bar, light and
// dark: a yellow ring alone was 1.6:1 on a white panel.
func TestFocusRingContrast(t *testing.T) {
	tb := newTab(t, time.Minute)
	tb.waitLeader()
	for _, scheme := range []string{"light", "dark"} {
		tb.run(emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}))
		tb.waitJS(fmt.Sprintf(`matchMedia('(prefers-color-scheme: %s)').matches`, scheme), "the "+scheme+" scheme")
		for _, c := range []struct{ what, from, want, bg string }{
			{"Put in the Keys panel", "#write-consistency", `[data-action="put"]`, ".panel"},
			{"Speed in the header", `[data-action="step"]`, "#speed", "header.top"},
		} {
			// Focus the control before it, then Tab: a keyboard focus
			// (:focus-visible), as a keyboard user's.
			tb.eval(fmt.Sprintf(`document.querySelector(%q).focus(); true`, c.from), new(bool))
			tb.run(chromedp.KeyEvent("\t"))
			var ok bool
			tb.eval(fmt.Sprintf(`document.activeElement === document.querySelector(%q)`, c.want), &ok)
			if !ok {
				t.Fatalf("Tab from %s went to %+v, not %s", c.from, tb.active(), c.want)
			}
			var ring struct {
				Outline, Shadow, Bg string
				Width               string
			}
			tb.eval(fmt.Sprintf(`(() => { const e = document.activeElement, s = getComputedStyle(e);
				return {outline: s.outlineStyle === 'none' ? '' : s.outlineColor, width: s.outlineWidth, shadow: s.boxShadow,
					bg: getComputedStyle(e.closest(%q)).backgroundColor}; })()`, c.bg), &ring)
			best := 0.0
			for _, col := range regexp.MustCompile(`rgba?\([^)]*\)`).FindAllString(ring.Outline+" "+ring.Shadow, -1) {
				best = math.Max(best, contrast(t, col, ring.Bg))
			}
			t.Logf("%s, %s: outline %s %s, shadow %s on %s: best contrast %.2f", scheme, c.what, ring.Width, ring.Outline, ring.Shadow, ring.Bg, best)
			if best < 3 {
				t.Errorf("%s, %s: the focus ring's best contrast with %s is %.2f:1; want 3:1", scheme, c.what, ring.Bg, best)
			}
		}
	}
}

// contrast is the WCAG contrast ratio of two CSS rgb() colours.
func contrast(t *testing.T, a, b string) float64 {
	t.Helper()
	lum := func(c string) float64 {
		nums := regexp.MustCompile(`[\d.]+`).FindAllString(c, -1)
		if len(nums) < 3 {
			t.Fatalf("colour %q", c)
		}
		var l [3]float64
		for i := range l {
			v, _ := strconv.ParseFloat(nums[i], 64)
			v /= 255
			if v <= 0.03928 {
				l[i] = v / 12.92
			} else {
				l[i] = math.Pow((v+0.055)/1.055, 2.4)
			}
		}
		return 0.2126*l[0] + 0.7152*l[1] + 0.0722*l[2]
	}
	x, y := lum(a), lum(b)
	return (math.Max(x, y) + 0.05) / (math.Min(x, y) + 0.05)
}
