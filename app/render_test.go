package app

import (
	"github.com/etcd-play/etcd-play/app/engine"
	"strings"
	"testing"
	"time"

	"github.com/etcd-play/etcd-play/node/mvcc"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// populated returns a page showing a cluster in an interesting state: a
// leader with follower progress, a down member, faulty links with traffic,
// events, chart samples, key results and console output holding markup and
// binary bytes.
func populated() *playground {
	p := New(Options{Version: "v-test"}).(*playground)
	p.mounted = true
	p.view = liveView{
		members: []engine.MemberView{
			{ID: 1, Name: "etcd-1", State: "leader", Term: 3, Leader: 1, Commit: 9, Applied: 9, Revision: 4, Keys: 2, Hash: 0xdeadbeef, HashRevision: 4,
				Progress: []engine.FollowerProgress{{ID: 2, Match: 9, Next: 10, State: "replicate"}}},
			{ID: 2, Name: "etcd-2", State: "follower", Term: 3, Leader: 1, Commit: 9, Applied: 9, Revision: 4, Keys: 2, Hash: 0xdeadbeef, HashRevision: 4},
			{ID: 3, Name: "etcd-3", State: "down", Term: 2},
		},
		links: []engine.LinkView{
			{From: 1, To: 2, Delivered: 50, InFlight: 3},
			{From: 2, To: 1, Cut: true},
			{From: 1, To: 3, Drop: 0.5, Delay: 4},
		},
		activity: map[linkKey]uint64{{1, 2}: 20},
		now:      42,
		stress:   engine.StressProgress{Total: 100, Done: 40, OK: 39, Failed: 1, P50: 3, P99: 9, Running: true},
		stressOn: true,
	}
	p.events = []engine.EventView{{Seq: 1, Tick: 5, Kind: "leader", Member: 1, Text: "member 1 became leader <b>x</b>"}}
	t0 := time.Unix(0, 0)
	for i := 0; i < 5; i++ {
		p.chart.sample(p.view.members, t0.Add(time.Duration(i)*time.Second))
	}
	p.write.results = []writeResult{{seq: 1, title: "get", summary: "1 key(s)",
		kvs: []*mvcc.KeyValue{{Key: []byte("<img src=x onerror=alert(1)>"), Value: []byte("\x00\xff")}}}}
	p.console.entries = []consoleEntry{{seq: 1, line: "get <script>", out: "<script>alert(1)</script>"}}
	return p
}

// The whole page renders natively with every panel populated, with the
// automation hooks in place and user data escaped.
func TestRenderPopulatedPage(t *testing.T) {
	p := populated()
	e := app.NewTestEngine()
	if err := e.Load(p); err != nil {
		t.Fatal(err)
	}
	e.ConsumeAll()
	html := app.HTMLString(p)
	for _, want := range []string{
		`data-member="1"`, `data-state="leader"`, `data-term="3"`, `data-leader="1"`, `data-revision="4"`,
		`data-keys="2"`, `data-hash="3735928559"`, `data-applied="9"`, `data-state="down"`,
		`data-action="kill"`, `data-action="restart"`, `data-action="kill-all"`, `data-action="restart-all"`,
		`data-action="isolate-leader"`, `data-action="split"`, `data-action="heal"`, `data-action="stress"`,
		`data-action="put"`, `data-action="get"`, `data-action="delete"`, `data-action="toggle-link"`,
		`class="link cut"`, `aria-label="link etcd-2 to etcd-1: cut;`, `class="link lossy slow"`, `class="inflight"`, `data-hash-agree="agree"`,
		`version v-test`, `★ leader`, `✕ down`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	for _, bad := range []string{"<img src=x", "<script>", "<b>x</b>"} {
		if strings.Contains(html, bad) {
			t.Errorf("user data rendered as markup: %s", bad)
		}
	}
	for _, want := range []string{"&lt;img src=x onerror=alert(1)&gt;", `&#34;\x00\xff&#34;`, "&lt;script&gt;alert(1)&lt;/script&gt;"} {
		if !strings.Contains(html, want) {
			t.Errorf("the page lacks the escaped text %s", want)
		}
	}
}

// The pre-rendered page (no engine yet) renders and says it is starting.
func TestRenderBeforeMount(t *testing.T) {
	p := New(Options{Version: "v0"}).(*playground)
	html := app.HTMLString(p.Render())
	if !strings.Contains(html, `data-ready="false"`) || !strings.Contains(html, "starting") {
		t.Errorf("pre-rendered page: %.300s", html)
	}
}

// A deferred page (the browser's first render) leaves the side, client and
// history sections empty and is not ready; once the deferral ends they are
// built and data-ready is set.
func TestDeferredSectionsAndReady(t *testing.T) {
	p := populated()
	p.deferred = true
	e := app.NewTestEngine()
	if err := e.Load(p); err != nil {
		t.Fatal(err)
	}
	e.ConsumeAll()
	html := app.HTMLString(p)
	// go-app writes a true data-* value as a bare attribute.
	ready := func(html string) bool {
		return strings.Contains(html, `data-ready `) || strings.Contains(html, `data-ready>`) || strings.Contains(html, `data-ready="true"`)
	}
	if ready(html) {
		t.Error("deferred page is ready")
	}
	later := []string{`class="bench-status`, `class="console-form`, `class="series`}
	for _, absent := range later {
		if strings.Contains(html, absent) {
			t.Errorf("deferred page has %s", absent)
		}
	}
	if !strings.Contains(html, `data-member="1"`) {
		t.Error("deferred page lacks the cluster's cards")
	}
	p = populated()
	p.deferred = false
	e = app.NewTestEngine()
	if err := e.Load(p); err != nil {
		t.Fatal(err)
	}
	e.ConsumeAll()
	html = app.HTMLString(p)
	if !ready(html) {
		t.Errorf("page not ready once the deferral ended: %.300s", html)
	}
	for _, present := range later {
		if !strings.Contains(html, present) {
			t.Errorf("page lacks %s once the deferral ended", present)
		}
	}
	n := 0
	for _, cls := range []string{`class="side"`, `class="client"`, `class="history"`} {
		i := strings.Index(html, cls)
		if i < 0 {
			t.Fatalf("no section %s", cls)
		}
		if !strings.HasPrefix(html[i+len(cls):], "></section>") {
			n++
		}
	}
	if n != 3 {
		t.Errorf("%d of 3 sections built after the deferral", n)
	}
}
