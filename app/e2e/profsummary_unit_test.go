package e2e

import (
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/profiler"
	cdpruntime "github.com/chromedp/cdproto/runtime"
)

// TestSummarizeSavedProfile re-summarizes a profile written by a profiled
// bench run (ETCDPLAY_PROFILE_IN=path.cpuprofile; ETCDPLAY_PROFILE_MS sets
// the long-task threshold, default profileLongTaskMs), e.g. after changing
// the buckets. Skipped without it.
func TestSummarizeSavedProfile(t *testing.T) {
	in := os.Getenv("ETCDPLAY_PROFILE_IN")
	if in == "" {
		t.Skip("ETCDPLAY_PROFILE_IN is not set")
	}
	raw, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	var p profiler.Profile
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatalf("%s: %v", in, err)
	}
	ms := float64(profileLongTaskMs)
	if s := os.Getenv("ETCDPLAY_PROFILE_MS"); s != "" {
		if ms, err = strconv.ParseFloat(s, 64); err != nil {
			t.Fatalf("ETCDPLAY_PROFILE_MS: %v", err)
		}
	}
	var tasks []pageTask
	if raw, err := os.ReadFile(strings.TrimSuffix(in, ".cpuprofile") + ".tasks.json"); err == nil {
		if err := json.Unmarshal(raw, &tasks); err != nil {
			t.Fatal(err)
		}
	}
	os.Stdout.WriteString(summarizeProfile(&p, tasks, ms) + probeGaps(tasks, 5))
}

// TestSummarizeProfile checks the summary on a made-up profile of 1 ms
// samples: a 30 ms task (10 ms of Go hashing, 15 ms of Go collector work
// inside a Status, 5 ms of browser work), idle, then a 3 ms task that is
// under the threshold and must not be counted.
func TestSummarizeProfile(t *testing.T) {
	const wasm = "wasm://wasm/0123"
	frames := []struct {
		id, parent int64
		name, url  string
	}{
		{1, 0, "(root)", ""},
		{2, 1, "(idle)", ""},
		{3, 1, "(program)", ""},
		{4, 1, "_resume", "app.js"},
		{5, 4, "wasm_pc_f_loop", wasm},
		{6, 5, "github.com_etcd_play_etcd_play_node_cluster.__Cluster_.Status", wasm},
		{7, 6, "github.com_etcd_play_etcd_play_node_mvcc.__Store_.HashKV", wasm},
		{8, 7, "hash_crc32.slicingUpdate", wasm},
		{9, 6, "runtime.gcAssistAlloc", wasm},
	}
	p := &profiler.Profile{StartTime: 0}
	byID := map[int64]*profiler.ProfileNode{}
	for _, f := range frames {
		n := &profiler.ProfileNode{ID: f.id, CallFrame: &cdpruntime.CallFrame{FunctionName: f.name, URL: f.url}}
		byID[f.id] = n
		p.Nodes = append(p.Nodes, n)
		if f.parent != 0 {
			byID[f.parent].Children = append(byID[f.parent].Children, f.id)
		}
	}
	add := func(id int64, n int) {
		for range n {
			p.Samples = append(p.Samples, id)
			p.TimeDeltas = append(p.TimeDeltas, 1000)
		}
	}
	add(2, 5)  // idle
	add(8, 10) // hash, under Status
	add(9, 15) // collector, under Status
	add(3, 5)  // browser
	add(2, 5)  // idle
	add(8, 3)  // a short task
	add(2, 5)
	p.EndTime = float64(len(p.Samples)) * 1000

	got := summarizeProfile(p, nil, 25)
	for _, want := range []string{
		"thread busy 33 ms (Go 28 ms); tasks from the runs of samples not (idle)",
		"tasks > 25 ms: 1, 30 ms in all, 30 ms sampled (Go 25 ms), longest 30.0 ms",
		" 50.0%     15.0 ms  gc (Go collector)",
		" 33.3%     10.0 ms  mvcc hash",
		" 16.7%      5.0 ms  browser (JS, DOM, V8 GC, native)",
		" 83.3%     25.0 ms  github.com_etcd_play_etcd_play_node_cluster.__Cluster_.Status",
		" 83.3%     25.0 ms  github.com_etcd_play_etcd_play_node_cluster.__Cluster_.Status\n",
		"  30.0 ms at     0.0 s: gc (Go collector) 50%, mvcc hash 33%, browser (JS, DOM, V8 GC, native) 17%",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}

	// The same with the trace's tasks: the 30 ms run is two back-to-back
	// tasks, 10 ms of hashing then 20 ms, of which only the second is over
	// the threshold (19 ms). The samples are at 1, 2, ... ms, the hash ones
	// at 6..15 ms, the collector's at 16..30 ms.
	got = summarizeProfile(p, []pageTask{{Ts: 5500, Dur: 10000}, {Ts: 15500, Dur: 20000, CPU: 20000}, {Ts: 40500, Dur: 3000}}, 19)
	for _, want := range []string{
		"tasks from the trace",
		"tasks > 19 ms: 1, 20 ms in all, 20 ms sampled (Go 15 ms), longest 20.0 ms",
		" 75.0%     15.0 ms  gc (Go collector)",
		" 25.0%      5.0 ms  browser (JS, DOM, V8 GC, native)",
		"  20.0 ms (thread 20.0 ms) at     0.0 s: gc (Go collector) 75%",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("summary with the trace's tasks lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "mvcc hash") {
		t.Errorf("the hashing is in a short task, yet the summary counts it:\n%s", got)
	}
}

// TestProbeGaps: probe ticks (tiny timer tasks) at 0, 10 and 60 ms; between
// the last two a 30 ms timer task and a 15 ms frame, with a 0.2 ms task
// left out. The 50 ms gap comes first, with its two tasks, in start order
// although the trace listed them out of order.
func TestProbeGaps(t *testing.T) {
	tick := func(ms float64) pageTask { return pageTask{Ts: ms * 1000, Dur: 100, Src: "dom_timer.cc:DOMTimer"} }
	tasks := []pageTask{
		tick(0), tick(10),
		{Ts: 42000, Dur: 15000, CPU: 9000, Src: "proxy_impl.cc:ScheduledActionSendBeginMainFrame"},
		{Ts: 11000, Dur: 30000, CPU: 29000, Src: "dom_timer.cc:DOMTimer"},
		{Ts: 57500, Dur: 200, Src: "connector.cc:PostDispatchNextMessageFromPipe"},
		tick(60),
	}
	got := probeGaps(tasks, 1)
	want := "  49.9 ms at     0.0 s:\n" +
		"        30.0 ms (thread  29.0 ms)  dom_timer.cc:DOMTimer\n" +
		"        15.0 ms (thread   9.0 ms)  proxy_impl.cc:ScheduledActionSendBeginMainFrame\n"
	if !strings.HasSuffix(got, want) {
		t.Fatalf("probeGaps:\n%s\nwant it to end with:\n%s", got, want)
	}
	if strings.Contains(got, "connector.cc") {
		t.Fatalf("a task under 0.5 ms is listed:\n%s", got)
	}
}
