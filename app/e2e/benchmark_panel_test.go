//go:build browser

package e2e

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The Benchmark panel runs N puts at full speed (BENCH_PUTS, default
// 10,000) and reports like etcd's benchmark put: the report's element
// says done with a positive requests/s and the run's wall time, the live
// region announces the completion, and the driver goes back to the page's
// chosen speed; the page with the report passes axe-core. It prints the
// figures (a BENCH line), with the main thread's longest gap during the run
// as TestStressResponsiveness measures it; it asserts no speed.
// BENCH_STORAGE=memory runs it on a cluster in memory (storage=memory);
// ETCDPLAY_WORKER_PROFILE profiles the engine worker meanwhile,
// ETCDPLAY_PAGE_PROFILE the page's main thread.
func TestBenchmarkPanel(t *testing.T) {
	freshNativeSite(t)
	tb := blankTab(t, 3*time.Minute)
	storage := "indexeddb"
	if os.Getenv("BENCH_STORAGE") == "memory" {
		// Straight to the page in memory: one page, one engine worker.
		storage = "memory"
		tb.run(chromedp.Navigate(siteURL + "?storage=memory"))
		tb.waitJS(`document.querySelector('.durability[data-storage="memory"]') !== null`, "the page in memory")
	} else {
		tb.open()
	}
	tb.waitLeader()
	puts := 10000
	if s := os.Getenv("BENCH_PUTS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("BENCH_PUTS=%q: %v", s, err)
		}
		puts = n
	}
	tb.choose("#bench-count", strconv.Itoa(puts))
	// BENCH_SIZE (value bytes), BENCH_KEYS (key space) and BENCH_WINDOW
	// (puts in flight per member) run another load, to compare.
	size, keys, window := os.Getenv("BENCH_SIZE"), os.Getenv("BENCH_KEYS"), os.Getenv("BENCH_WINDOW")
	for sel, v := range map[string]string{"#bench-size": size, "#bench-keys": keys} {
		if v != "" {
			tb.typeInto(sel, v)
			tb.run(chromedp.KeyEvent("\t"))
		}
	}
	if window != "" {
		tb.choose("#bench-window", window)
	}
	tb.eval(`document.querySelector('#bench-size').value`, &size)
	tb.eval(`document.querySelector('#bench-keys').value`, &keys)
	tb.eval(`document.querySelector('#bench-window').value`, &window)
	var speed string
	tb.eval(`document.querySelector('#speed').value`, &speed)
	var status string
	tb.eval(`document.querySelector('.bench-status').textContent`, &status)
	if status != "" {
		t.Fatalf("the live region says %q before any benchmark", status)
	}

	tb.eval(benchProbe, new(bool)) // the main thread's longest gap meanwhile (bench_test.go)
	// ETCDPLAY_WORKER_PROFILE=path: a CPU profile of the engine worker
	// during the run (make profile-bench).
	var wp *workerProfile
	if path := os.Getenv("ETCDPLAY_WORKER_PROFILE"); path != "" {
		wp = tb.startWorkerProfile()
	}
	// ETCDPLAY_PAGE_PROFILE=path: the same of the page's main thread.
	pagePath := os.Getenv("ETCDPLAY_PAGE_PROFILE")
	if pagePath != "" {
		tb.startCPUProfile()
	}
	t0 := time.Now()
	tb.clickAction("bench-start", 0)
	tb.waitJS(`(() => { const r = document.querySelector('.bench-report'); return r !== null && r.dataset.benchDone === "true"; })()`,
		"the benchmark's report")
	wall := time.Since(t0)
	if pagePath != "" {
		p := tb.stopCPUProfile()
		if err := os.WriteFile(pagePath, []byte(fmt.Sprintf("page main thread, Benchmark panel, %d puts, storage=%s\n", puts, storage)+functionTimes(p, 60)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if wp != nil {
		wp.finish(os.Getenv("ETCDPLAY_WORKER_PROFILE"), fmt.Sprintf("engine worker, Benchmark panel, %d puts, storage=%s, %.3f s from the click to the report\n", puts, storage, wall.Seconds()))
	}
	var m struct{ MaxGap, LongTaskMax float64 }
	tb.eval(benchCollect, &m)
	mem := "none" // a native engine: no worker, the cluster runs in the server
	if !nativeMode {
		mem = fmt.Sprintf("%.0f", tb.workerMemoryMiB())
	}
	var r struct{ BenchRps, BenchTotal, BenchPuts string }
	tb.eval(`({...document.querySelector('.bench-report').dataset})`, &r)
	rps, total := atof(r.BenchRps), atof(r.BenchTotal)
	if r.BenchPuts != strconv.Itoa(puts) || !(rps > 0) || !(total > 0) {
		t.Fatalf("report %+v, want %d puts at a positive rate over a positive time", r, puts)
	}
	// The run cannot take longer than from the click to the report.
	if total > wall.Seconds() {
		t.Errorf("the report's total %.3f s exceeds the %.3f s from the click to the report", total, wall.Seconds())
	}
	tb.eval(`document.querySelector('.bench-status').textContent`, &status)
	if want := fmt.Sprintf("benchmark done: %d puts", puts); len(status) < len(want) || status[:len(want)] != want {
		t.Errorf("the live region says %q, want it to start with %q", status, want)
	}
	var report string
	tb.eval(`document.querySelector('.bench-report').innerText`, &report)
	for _, want := range []string{"Summary", "Requests/sec:", "Response time histogram", "Latency distribution", "99.9% in"} {
		if !strings.Contains(report, want) {
			t.Errorf("the report lacks %q:\n%s", want, report)
		}
	}
	// The speed comes back: the achieved rate falls to about the chosen one.
	tb.waitJS(`(() => { const a = document.querySelector('.achieved').dataset.achieved; return a !== "" && +a <= 1.5 * `+speed+`; })()`,
		"the achieved tick rate to fall back to the chosen "+speed+" ticks/s")
	// The finished report passes axe-core (in view: panels out of the
	// viewport are not rendered).
	tb.eval(`document.querySelector('.bench-report').scrollIntoView(), true`, new(bool))
	tb.axeCheck(axeSource(t), "full page", "after a benchmark")
	t.Logf("report:\n%s", report)
	fmt.Printf("BENCH benchmark-panel storage=%s puts=%d keys=%s value-bytes=%s in-flight-per-member=%s requests-per-sec=%.1f total-seconds=%.4f click-to-report-seconds=%.3f main-thread-gap-ms=%.1f longtask-max-ms=%.1f worker-memory-mib=%s\n",
		storage, puts, keys, size, window, rps, total, wall.Seconds(), m.MaxGap, m.LongTaskMax, mem)
}
