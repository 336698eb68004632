//go:build browser

package e2e

import (
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// The messages drawn in flight move along their link from the sender's disc
// towards the receiver's: a message seen in two frames 300 ms apart at 1
// tick/s (every link delayed 4 ticks, so it flies for several ticks and
// across a new refresh) lies on the line between the two discs both times,
// nearer the sender first, further on the second time. Running, where the
// canvas draws it (its script's positions); paused, where the browser lays
// out its element, which stays where it is. A click on a moving message
// answers that the clock must be paused, and does not cut the link under it.
func TestMessagesMoveAlongTheirLinks(t *testing.T) {
	tb := blankTab(t, 3*time.Minute)
	tb.run(chromedp.Navigate(siteURL + "?storage=memory"))
	tb.waitJS(`document.querySelector('.playground[data-ready="true"]') !== null`, "the wasm to mount the page")
	tb.waitLeader()
	tb.delayLinksFromOne(4)
	tb.choose("#speed", "1")
	// Each sample: per message ID, the progress along from -> to of its
	// glyph's centre (0 at the sender's disc centre, 1 at the receiver's)
	// and its distance from that line, in CSS pixels.
	type pos struct{ Progress, Off float64 }
	sample := func() map[string]pos {
		var got map[string]pos
		tb.eval(`(() => {
		  const c = e => { const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; };
		  const paused = document.querySelector('.view .msgs.paused') !== null;
		  const drawn = paused ? {} : etcdplayMessages.positions(document.querySelector('.view .msg-canvas'));
		  const out = {};
		  for (const m of document.querySelectorAll('.view .msg[data-msg-id]')) {
		    const a = document.querySelector('.view .node[data-node="' + m.dataset.from + '"] circle');
		    const b = document.querySelector('.view .node[data-node="' + m.dataset.to + '"] circle');
		    if (!a || !b || !(paused || m.dataset.msgId in drawn)) continue;
		    const [ax, ay] = c(a), [bx, by] = c(b), [x, y] = paused ? c(m) : drawn[m.dataset.msgId];
		    const dx = bx - ax, dy = by - ay, len = Math.hypot(dx, dy);
		    out[m.dataset.msgId] = {Progress: ((x - ax) * dx + (y - ay) * dy) / (len * len), Off: Math.abs((x - ax) * dy - (y - ay) * dx) / len};
		  }
		  return out;
		})()`, &got)
		return got
	}
	tb.waitJS(`document.querySelectorAll('.view .msg[data-from="1"]').length >= 2`, "messages from etcd-1 drawn")
	var moved, checked int
	deadline := time.Now().Add(30 * time.Second)
	for moved < 3 && time.Now().Before(deadline) {
		first := sample()
		tb.run(chromedp.Sleep(300 * time.Millisecond)) // the interval measured: the condition is the positions below
		second := sample()
		for id, p := range first {
			q, ok := second[id]
			if !ok {
				continue
			}
			checked++
			for _, s := range []pos{p, q} {
				if s.Progress < 0 || s.Progress > 1 || s.Off > 30 {
					t.Fatalf("message %s drawn off its link: progress %.2f, %.1f px from the line", id, s.Progress, s.Off)
				}
			}
			if q.Progress < p.Progress-1e-6 {
				t.Fatalf("message %s went backwards: progress %.3f then %.3f", id, p.Progress, q.Progress)
			}
			if q.Progress > p.Progress+0.01 {
				moved++
			}
		}
	}
	if moved < 3 {
		t.Fatalf("%d messages moved along their link in 30 s (%d seen twice)", moved, checked)
	}
	t.Logf("%d of %d messages seen twice moved on", moved, checked)

	// A click where a message is drawn, moving: the page answers, the link
	// under it stays as it was.
	var at struct {
		ID  string  `json:"id"`
		X   float64 `json:"x"`
		Y   float64 `json:"y"`
		Cut string  `json:"cut"`
	}
	tb.waitJS(`Object.keys(etcdplayMessages.positions(document.querySelector('.view .msg-canvas'))).length > 0`, "a message drawn moving")
	tb.eval(`(() => {
	  const d = etcdplayMessages.positions(document.querySelector('.view .msg-canvas'));
	  const id = Object.keys(d)[0], m = document.querySelector('.view .msg[data-msg-id="' + id + '"]');
	  const l = document.querySelector('.view .link[data-from="' + m.dataset.from + '"][data-to="' + m.dataset.to + '"]');
	  return {id, x: d[id][0], y: d[id][1], cut: l.dataset.cut};
	})()`, &at)
	tb.run(chromedp.MouseClickXY(at.X, at.Y))
	tb.waitJS(`(n => n !== null && n.dataset.notice.startsWith('pause the clock to drop a message'))(document.querySelector('[data-notice]'))`, "the answer to a click on a moving message")
	var cuts []string
	tb.eval(`[...document.querySelectorAll('.view .link')].map(l => l.dataset.cut)`, &cuts)
	for _, c := range cuts {
		if c != "false" {
			t.Fatalf("a click on moving message %s cut a link: %q", at.ID, cuts)
		}
	}

	tb.clickAction("pause", 0)
	tb.waitJS(`document.querySelector('[data-action="play"]') !== null`, "paused")
	tb.waitJS(`document.querySelector('.view .msgs.paused') !== null`, "the messages drawn paused")
	first := sample()
	tb.run(chromedp.Sleep(300 * time.Millisecond))
	second := sample()
	if len(first) == 0 {
		t.Fatal("no message drawn while paused")
	}
	for id, p := range first {
		if q, ok := second[id]; !ok || math.Abs(q.Progress-p.Progress) > 1e-6 {
			t.Fatalf("paused, message %s moved or went: %+v then %+v (present %t)", id, p, q, ok)
		}
	}
}

// Clicking a message drops that message, also when its element showed
// another message before (the layer reuses the places of delivered
// messages for new ones): the element's first message is long delivered,
// the one it shows now is dropped (the event log names it by its ID once
// the next tick applied the drop), and the notice names it.
func TestDropMessageInReusedPlace(t *testing.T) {
	tb := blankTab(t, 2*time.Minute)
	tb.run(chromedp.Navigate(siteURL + "?storage=memory&speed=5"))
	tb.waitJS(`document.querySelector('.playground[data-ready="true"]') !== null`, "the wasm to mount the page")
	tb.waitLeader()
	// Remember, per element, the first message it showed.
	tb.eval(`(() => {
	  const tag = () => { for (const e of document.querySelectorAll('.view .msg[data-msg-id]')) e.__first ??= e.dataset.msgId; requestAnimationFrame(tag); };
	  tag();
	  return true;
	})()`, new(bool))
	tb.waitJS(`[...document.querySelectorAll('.view .msg[data-msg-id]')].some(e => e.__first !== undefined && e.__first !== e.dataset.msgId)`,
		"an element that showed another message before")
	tb.clickAction("pause", 0)
	tb.waitJS(`document.querySelector('.view .msgs.paused') !== null`, "the messages drawn paused")
	var m struct {
		ID    string `json:"id"`
		First string `json:"first"`
		Type  string `json:"type"`
		From  string `json:"from"`
		To    string `json:"to"`
	}
	tb.waitJS(`[...document.querySelectorAll('.view .msg[data-msg-id]')].some(e => e.__first !== undefined && e.__first !== e.dataset.msgId)`,
		"a reused element while paused")
	tb.eval(`(() => {
	  const e = [...document.querySelectorAll('.view .msg[data-msg-id]')].find(e => e.__first !== undefined && e.__first !== e.dataset.msgId);
	  return {id: e.dataset.msgId, first: e.__first, type: e.dataset.msgType, from: e.dataset.from, to: e.dataset.to};
	})()`, &m)
	tb.click(`.view .msg[data-msg-id="` + m.ID + `"]`)
	tb.waitJS(`(n => n !== null && n.dataset.notice.startsWith('drop `+m.Type+` `+m.From+`→`+m.To+`: done'))(document.querySelector('[data-notice]'))`, "the drop of the message clicked")
	// The drop is an action: it applies as the next tick starts.
	tb.step(tb.now() + 1)
	tb.waitJS(`(document.querySelector('.log') || document.body).textContent.includes('dropped `+m.Type+` `+m.From+` -> `+m.To+` ') && (document.querySelector('.log') || document.body).textContent.includes('message `+m.ID+`)')`,
		"the event log to name the message dropped")
	t.Logf("dropped message %s (%s %s→%s) from an element first made for message %s", m.ID, m.Type, m.From, m.To, m.First)
}

// delayLinksFromOne delays etcd-1's links to the others by ticks (its
// messages then fly for several ticks).
func (tb *tab) delayLinksFromOne(ticks int) {
	tb.t.Helper()
	tb.typeInto("#link-delay", strconv.Itoa(ticks))
	tb.choose("#link-from", "1")
	for to := 2; to <= 5; to++ {
		tb.choose("#link-to", strconv.Itoa(to))
		tb.clickAction("set-link", 0)
		// The notice line is rendered away between notices: poll for it.
		tb.waitJS(`(n => n !== null && n.dataset.notice.startsWith('link 1→`+strconv.Itoa(to)+`: done'))(document.querySelector('[data-notice]'))`, "the delay set")
	}
}

// With reduced motion asked for (prefers-reduced-motion), the messages
// drawn while the clock runs stand still within a tick and step on when
// the page shows the next: at 1 tick/s, two samples 300 ms apart in the
// same tick find every message where it was, and over ticks they advance.
func TestMessagesStepWithReducedMotion(t *testing.T) {
	tb := blankTab(t, 3*time.Minute)
	tb.run(emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}}))
	tb.run(chromedp.Navigate(siteURL + "?storage=memory"))
	tb.waitJS(`document.querySelector('.playground[data-ready="true"]') !== null`, "the wasm to mount the page")
	tb.waitLeader()
	tb.delayLinksFromOne(4)
	tb.choose("#speed", "1")
	drawn := func() map[string][2]float64 {
		var d map[string][2]float64
		tb.eval(`etcdplayMessages.positions(document.querySelector('.view .msg-canvas'))`, &d)
		return d
	}
	tb.waitJS(`Object.keys(etcdplayMessages.positions(document.querySelector('.view .msg-canvas'))).length >= 2`, "messages drawn")
	still, stepped := 0, 0
	first := drawn()
	deadline := time.Now().Add(30 * time.Second)
	for (still < 3 || stepped < 3) && time.Now().Before(deadline) {
		n0, p0 := tb.now(), drawn()
		tb.run(chromedp.Sleep(300 * time.Millisecond)) // the interval sampled: the condition is the positions below
		p1, n1 := drawn(), tb.now()
		if n0 != n1 {
			continue
		}
		for id, a := range p0 {
			if b, ok := p1[id]; ok {
				if a != b {
					t.Fatalf("tick %d: message %s moved from %v to %v within the tick", n0, id, a, b)
				}
				still++
			}
		}
		for id, a := range first {
			if b, ok := p1[id]; ok && math.Hypot(b[0]-a[0], b[1]-a[1]) > 1 {
				stepped++
			}
		}
	}
	if still < 3 || stepped < 3 {
		t.Fatalf("in 30 s: %d messages seen still within a tick, %d seen to step on over ticks; want 3 of each", still, stepped)
	}
}
