package app

import (
	"strings"
	"testing"
	"time"

	"github.com/etcd-play/etcd-play/app/engine"
)

// A violation renders the timeline (one row per member, the stale read
// marked), the operations as text (user data escaped) and the
// explanation; data-lincheck follows the verdict's state.
func TestRenderCheckPanel(t *testing.T) {
	render := func(set func(p *playground)) string {
		p := populated()
		set(p)
		return renderHTML(t, p)
	}
	html := render(func(*playground) {})
	if !strings.Contains(html, `data-lincheck="none"`) || !strings.Contains(html, `data-action="check-history"`) {
		t.Fatal("the panel without a verdict lacks its hooks")
	}
	violation := engine.LinVerdictView{Seq: 2, Ops: 3, Keys: 1, Key: "<x>", Tick: 40, Elapsed: 3 * time.Millisecond,
		Explanation: `stale read: put("<x>", "2") finished before get("<x>") started`,
		Failing: []engine.LinOpView{
			{Member: 5, InvokeTick: 15, AnswerTick: 17, Kind: "put", Key: "<x>", Value: "1", Answer: "ok"},
			{Member: 2, InvokeTick: 34, AnswerTick: 37, Kind: "put", Key: "<x>", Value: "2", Answer: "ok"},
			{Member: 5, InvokeTick: 38, AnswerTick: 38, Kind: "get", Key: "<x>", Answer: `"1"`, Stale: true},
		}}
	html = render(func(p *playground) { p.view.verdict, p.view.hasVerdict = violation, true })
	for _, want := range []string{
		`data-lincheck="violation"`, `not linearizable: key &#34;&lt;x&gt;&#34;`, `class="lin-timeline"`,
		`member 2</text>`, `member 5</text>`, `class="lin-bar op-get stale"`, `stale: get`, `<strong>stale read: </strong>`,
		`member 5: get &#34;&lt;x&gt;&#34; → &#34;1&#34; (invoked at tick 38, answered at tick 38)`, `tick 15</text>`, `tick 38</text>`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the violation lacks %s", want)
		}
	}
	if strings.Contains(html, "<x>") {
		t.Error("a key was rendered as markup")
	}
	ok := engine.LinVerdictView{Seq: 3, OK: true, Ops: 20000, Keys: 100, Elapsed: 95 * time.Millisecond, Tick: 900, Auto: true, OtherReads: 2}
	html = render(func(p *playground) { p.view.verdict, p.view.hasVerdict = ok, true })
	if !strings.Contains(html, `data-lincheck="ok"`) ||
		!strings.Contains(html, "linearizable: 20000 operations on 100 keys checked in 95 ms at tick 900 (automatic, after a stress run; 2 other reads not checked: serializable reads may be stale by design") {
		t.Errorf("the ok verdict reads wrong:\n%s", html)
	}
	skipped := engine.LinVerdictView{Seq: 4, Skipped: true, Auto: true, Ops: 98000}
	html = render(func(p *playground) { p.view.verdict, p.view.hasVerdict = skipped, true })
	if !strings.Contains(html, `data-lincheck="skipped"`) || !strings.Contains(html, "not checked automatically: the history holds 98000 operations") {
		t.Errorf("the skipped verdict reads wrong:\n%s", html)
	}
	html = render(func(p *playground) { p.view.verdict, p.view.hasVerdict, p.check.asking = ok, true, true })
	if !strings.Contains(html, `data-lincheck="running"`) || !strings.Contains(html, `data-action="check-cancel"`) {
		t.Error("a check asked for does not show running with a Cancel button")
	}
}
