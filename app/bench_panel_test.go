package app

import (
	"strings"
	"testing"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// benchPage returns a page whose refresh shows the page's benchmark run
// with progress pr.
func benchPage(pr engine.StressProgress) *playground {
	p := populated()
	p.bench.run = 3
	p.view.stress, p.view.stressOn, p.view.stressOf = pr, true, 3
	return p
}

// tagWith returns the start tag in html that holds attr (its attributes
// come in any order), or "".
func tagWith(html, attr string) string {
	i := strings.Index(html, attr)
	if i < 0 {
		return ""
	}
	j := strings.LastIndex(html[:i], "<")
	k := strings.Index(html[i:], ">")
	return html[j : i+k+1]
}

func renderHTML(t *testing.T, p *playground) string {
	t.Helper()
	e := app.NewTestEngine()
	if err := e.Load(p); err != nil {
		t.Fatal(err)
	}
	e.ConsumeAll()
	return app.HTMLString(p)
}

// A finished benchmark reads like etcd's benchmark put: the summary in
// seconds (ticks times the measured seconds per tick; requests/s over
// wall time), the histogram from its first non-empty bucket with bars
// scaled to the largest, the latency distribution 10% .. 99.9%, and the
// automation hooks; the live region announces the completion.
func TestRenderBenchReport(t *testing.T) {
	pr := engine.StressProgress{Total: 1000, Done: 1000, OK: 998, Failed: 2,
		P10: 2, P25: 3, P50: 3, P75: 4, P90: 4, P95: 5, P99: 7, P999: 9, Min: 1, Max: 9, Mean: 3.5, Stddev: 1.25,
		Hist:      [engine.LatencyBuckets]int{1: 10, 2: 90, 3: 880, 4: 18, 5: 2},
		StartTick: 100, EndTick: 300, TickSeconds: 0.002}
	html := renderHTML(t, benchPage(pr))
	for _, want := range []string{
		`data-action="bench-start"`, `data-bench-rps="2495.0"`, `data-bench-total="0.4000"`, `data-bench-puts="1000"`,
		"Summary", "Total:", "0.4000 secs. (200 ticks)", "Slowest:", "0.0180 secs. (9 ticks)", "Fastest:", "0.0020 secs. (1 ticks)",
		"Average:", "0.0070 secs. (3.50 ticks)", "Stddev:", "0.0025 secs.", "Requests/sec:", "2495.0000", "Errors:",
		"Response time histogram", "0.0020 [10]", "0.0080 [880]", "|" + strings.Repeat("∎", 40) + "<", "|" + strings.Repeat("∎", 4) + "<", "0.0320 [2]",
		"Latency distribution", "10% in 0.0040 secs. (2 ticks)", "50% in 0.0060 secs.", "99% in 0.0140 secs.", "99.9% in 0.0180 secs. (9 ticks)",
		`role="status"`, "benchmark done: 1000 puts (2 failed) in 0.40 s, 2495 requests/s",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	// (The native renderer writes a true data attribute bare; the browser
	// reads "true".)
	if tag := tagWith(html, `class="bench-report"`); !strings.Contains(tag, "data-bench-done") || strings.Contains(tag, `data-bench-done="false"`) {
		t.Errorf("the report's element %s is not done", tag)
	}
	if strings.Contains(html, "0.0000 [0]") || strings.Contains(html, "0.0640 [0]") {
		t.Error("the histogram shows empty buckets before its first put or after its last")
	}
}

// While the benchmark runs the panel shows its progress, not a report, and
// its live region says nothing; the start button waits for the run.
func TestRenderBenchRunning(t *testing.T) {
	html := renderHTML(t, benchPage(engine.StressProgress{Total: 10000, Done: 2500, OK: 2500, Running: true, P50: 4}))
	if tag := tagWith(html, `class="bench-report"`); !strings.Contains(tag, `data-bench-done="false"`) {
		t.Errorf("the running report's element %s", tag)
	}
	for _, want := range []string{"2,500 of 10,000 puts", `id="bench-progress"`} {
		if !strings.Contains(html, want) {
			t.Errorf("the running benchmark lacks %q", want)
		}
	}
	for _, bad := range []string{"Requests/sec", "benchmark done", "data-bench-rps"} {
		if strings.Contains(html, bad) {
			t.Errorf("the running benchmark shows %q", bad)
		}
	}
	if tag := tagWith(html, `data-action="bench-start"`); strings.Contains(tag, `disabled="false"`) || !strings.Contains(tag, "disabled") {
		t.Errorf("the start button %s is enabled while a run is running", tag)
	}
}

// A stress run that is not the benchmark's shows no benchmark report.
func TestRenderBenchOtherRun(t *testing.T) {
	p := benchPage(engine.StressProgress{Total: 10, Done: 10, OK: 10})
	p.view.stressOf = 4
	if html := renderHTML(t, p); strings.Contains(html, "bench-report") || strings.Contains(html, "benchmark done") {
		t.Error("the benchmark panel reports a stress run it did not start")
	}
}

// summarize: without a measured tick period there are no seconds (and no
// requests/s), and a run answered within one tick counts one tick.
func TestBenchSummaryEdges(t *testing.T) {
	s := summarize(engine.StressProgress{Done: 5, OK: 5, Min: 0, Max: 0, StartTick: 7, EndTick: 7,
		Hist: [engine.LatencyBuckets]int{0: 5}})
	if s.ticks != 1 || s.total != 0 || s.rps != 0 || len(s.hist) != 1 || s.hist[0].bar != strings.Repeat("∎", 40) {
		t.Fatalf("summary %+v", s)
	}
	var long [engine.LatencyBuckets]int
	long[3], long[engine.LatencyBuckets-1] = 1, 1
	s = summarize(engine.StressProgress{Done: 2, OK: 2, Max: 1 << 30, Hist: long, TickSeconds: 1})
	if len(s.hist) != engine.LatencyBuckets-3 || s.hist[0].upToTicks != 4 || s.hist[len(s.hist)-1].upToTicks != 1<<30 {
		t.Fatalf("histogram %+v, want buckets 4 .. the longest latency (the last bucket's)", s.hist)
	}
	stopped := engine.StressProgress{Total: 100, Done: 40, OK: 40, StartTick: 1, EndTick: 11, TickSeconds: 0.01}
	if got, want := benchAnnouncement(stopped, true), "benchmark stopped: 40 puts (0 failed) in 0.10 s, 400 requests/s"; got != want {
		t.Fatalf("announcement %q, want %q", got, want)
	}
	if got := benchAnnouncement(stopped, false); got != "" {
		t.Fatalf("announcement of another run %q", got)
	}
	if got := groupDigits(100000); got != "100,000" {
		t.Fatalf("groupDigits(100000) = %q", got)
	}
}

// The Stress panel offers the rate "as fast as it goes"; chosen, the
// puts-per-tick input is disabled (the engine's window sets the pace).
func TestRenderStressFullSpeed(t *testing.T) {
	p := populated()
	html := renderHTML(t, p)
	if tag := tagWith(html, `id="stress-max"`); !strings.Contains(tag, `type="checkbox"`) || !strings.Contains(html, `<label for="stress-max">as fast as it goes</label>`) {
		t.Fatalf("no labelled full-speed checkbox: %s", tag)
	}
	if tag := tagWith(html, `id="stress-rate"`); strings.Contains(tag, "disabled") && !strings.Contains(tag, `disabled="false"`) {
		t.Fatalf("the rate is disabled without full speed: %s", tag)
	}
	p = populated()
	p.stress.fullSpeed = true
	html = renderHTML(t, p)
	if tag := tagWith(html, `id="stress-rate"`); !strings.Contains(tag, "disabled") || strings.Contains(tag, `disabled="false"`) {
		t.Fatalf("the rate is enabled at full speed: %s", tag)
	}
}

// The benchmark's speed comes back once its run ended or another run took
// its place, not while it starts or runs, nor before a refresh saw it.
func TestBenchEnded(t *testing.T) {
	for _, c := range []struct {
		name      string
		run, of   uint64
		on, going bool
		want      bool
	}{
		{"starting", 0, 2, true, false, false},
		{"not yet refreshed", 3, 2, true, false, false},
		{"running", 3, 3, true, true, false},
		{"ended", 3, 3, true, false, true},
		{"replaced", 3, 4, true, true, true},
	} {
		p := populated()
		p.bench.run = c.run
		p.view.stressOf, p.view.stressOn, p.view.stress = c.of, c.on, engine.StressProgress{Running: c.going}
		if got := p.benchEnded(); got != c.want {
			t.Errorf("%s: benchEnded() = %v, want %v", c.name, got, c.want)
		}
	}
}

// The window and the value size bound each other (benchMaxHistoryBytes):
// the defaults run; a value too large for the window is refused with an
// alert that says how large a value may be at that window (Run's handler
// starts nothing while errText is not empty).
func TestBenchWindowBoundsValues(t *testing.T) {
	// The default window is the storage's; a chosen one stays.
	for _, c := range []struct {
		persistent bool
		chosen     int
		want       int
	}{{true, 0, 1024}, {false, 0, 256}, {true, 16, 16}, {false, 1024, 1024}} {
		f := newBenchForm()
		f.window = c.chosen
		if r := f.resolved(c.persistent); r.window != c.want || r.valueSize != 256 || r.errText() != "" {
			t.Errorf("persistent %t, chosen %d: resolved %+v, error %q; want window %d, no error", c.persistent, c.chosen, r, r.errText(), c.want)
		}
	}
	for _, c := range []struct {
		window, size int
		want         string // "" none
	}{
		{1024, 256, ""},
		{1024, 257, "at 1,024 in flight, values of at most 256 bytes"},
		{256, 1024, ""},
		{1024, 1024, "1,024 in flight per member with 1,024-byte values"},
		{64, benchMaxValueSize, ""},
	} {
		f := benchForm{count: 1000, keys: 10, window: c.window, valueSize: c.size}
		got := f.errText()
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("window %d, %d-byte values: error %q, want one containing %q", c.window, c.size, got, c.want)
		}
	}
	// Every offered window runs with some value size.
	for _, w := range benchWindows {
		if (benchForm{window: w, valueSize: 1}).comboErr() != "" {
			t.Errorf("window %d refuses even 1-byte values", w)
		}
	}
	// On IndexedDB (and before the page knows its storage: the default)
	// the panel offers 1,024 by default, and refuses 1,000-byte values
	// with it; in memory (asked for, or a fallback), 256 takes them.
	p := populated()
	if !p.benchPersistent() {
		t.Fatal("a page that knows nothing of its storage yet takes it for IndexedDB (the default)")
	}
	p.storage.has, p.storage.view.Persistent = true, true
	p.bench.valueSize = 1000
	html := renderHTML(t, p)
	if tag := tagWith(windowSelect(html), `value="1024"`); !strings.Contains(tag, "selected") {
		t.Errorf("on IndexedDB the window's selected option is not 1,024: %s", tag)
	}
	if !strings.Contains(html, `role="alert"`) || !strings.Contains(html, "values of at most 256 bytes") {
		t.Fatalf("no alert for 1,024 in flight with 1,000-byte values:\n%s", html)
	}
	for _, memory := range []func(p *playground){
		func(p *playground) { p.page.Memory = true },                                   // storage=memory
		func(p *playground) { p.storage.has, p.storage.view.Persistent = true, false }, // a fallback
	} {
		p = populated()
		memory(p)
		p.bench.valueSize = 1000
		html = renderHTML(t, p)
		if tag := tagWith(windowSelect(html), `value="256"`); !strings.Contains(tag, "selected") || strings.Contains(html, `role="alert"`) {
			t.Errorf("in memory: 256 not selected (%s), or an alert for 1,000-byte values", tag)
		}
	}
	// A field's own error comes first.
	p.bench.err = "value bytes must be a whole number from 1 to 1024"
	if got := p.bench.errText(); got != p.bench.err {
		t.Errorf("errText %q, want the field's %q", got, p.bench.err)
	}
}

// windowSelect is the Benchmark panel's window select in html, or "".
func windowSelect(html string) string {
	i := strings.Index(html, `id="bench-window"`)
	if i < 0 {
		return ""
	}
	j := strings.Index(html[i:], "</select>")
	if j < 0 {
		return ""
	}
	return html[i : i+j]
}
