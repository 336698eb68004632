package e2e

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/chromedp/cdproto/profiler"
)

// profileLongTaskMs is the task length from which a profiled bench run
// summarizes where the time went (a frame at 60 Hz is 16.7 ms; the issue's
// bound on the main-thread gap is 50 ms).
const profileLongTaskMs = 25

// profBucket is one part of the page's work, recognised by the (V8-mangled)
// Go function names on a sample's stack: "github.com/x/y.(*T).M" appears as
// "github.com_x_y.__T_.M".
type profBucket struct {
	name  string
	match []string // substrings of a frame's function name
}

// profBuckets are tried in order; a sample goes to the first bucket any of
// its frames matches (so the collector's work inside a hash counts as gc).
// Samples on no Go frame are "browser" (JavaScript, rendering, IndexedDB's
// own work, V8's collector); Go samples matching nothing are "other Go".
var profBuckets = []profBucket{
	{"gc (Go collector)", []string{"runtime.gcBgMarkWorker", "runtime.gcAssistAlloc", "runtime.gcDrain", "runtime.markroot",
		"runtime.gcMarkDone", "runtime.gcMarkTermination", "runtime.gcStart", "runtime.bgsweep", "runtime.sweepone", "runtime.scanobject"}},
	{"mvcc hash", []string{"node_mvcc.__Store_.HashKV", "node_mvcc.__Store_.hashScan", "node_mvcc.__curHash_", "node_mvcc.__kvHasher_", "hash_crc32."}},
	{"mvcc compaction", []string{"node_mvcc.__Store_.Compact", "node_mvcc.__Store_.compact"}},
	{"raft snapshot", []string{"Snapshot", "snapPart", "SnapshotPart"}},
	{"IndexedDB write", []string{"node_durable.__idbBackend_.write"}},
	{"durable other", []string{"node_durable."}},
	{"cluster status", []string{"node_cluster.__Cluster_.Status", "node_cluster.__Cluster_.Inspect", "app.__clusterEngine_.Status"}},
	{"mvcc other", []string{"node_mvcc."}},
	{"raft", []string{"go.etcd.io_raft"}},
	{"render (go-app)", []string{"go_app_v10"}},
	{"app other", []string{"etcd_play_app."}},
	{"node/cluster/transport other", []string{"etcd_play_node", "etcd_play_transport"}},
	{"malloc", []string{"runtime.mallocgc"}},
}

// profSample is one sample with its stack, root first.
type profSample struct {
	at    float64 // µs since the profile's start
	stack []*profiler.ProfileNode
}

func (s profSample) leaf() string { return s.stack[len(s.stack)-1].CallFrame.FunctionName }

// goFrame reports whether a frame runs the page's wasm (Go) code.
func goFrame(n *profiler.ProfileNode) bool { return strings.HasPrefix(n.CallFrame.URL, "wasm://") }

func (s profSample) isGo() bool { return slices.ContainsFunc(s.stack, goFrame) }

func (s profSample) bucket() string {
	if s.leaf() == "(idle)" {
		return "idle"
	}
	if !s.isGo() {
		return "browser (JS, DOM, V8 GC, native)"
	}
	for _, b := range profBuckets {
		for _, n := range s.stack {
			for _, m := range b.match {
				if strings.Contains(n.CallFrame.FunctionName, m) {
					return b.name
				}
			}
		}
	}
	return "other Go"
}

// entry is the first Go function the sample's stack runs after the wasm
// scheduler loop (wasm_pc_f_loop): where the goroutine was resumed. Go's
// wasm port unwinds the stack when a goroutine blocks, so the frames above
// the resumed one are not on the stack.
func (s profSample) entry() string {
	for i, n := range s.stack {
		if n.CallFrame.FunctionName == "wasm_pc_f_loop" && i+1 < len(s.stack) {
			return s.stack[i+1].CallFrame.FunctionName
		}
	}
	return "-"
}

// pageTask is one task of the page's main thread from Chromium's trace
// (tasktrace_test.go): its start (µs, the clock of a CPU profile's
// StartTime), wall and thread time (µs).
type pageTask struct {
	Ts, Dur, CPU float64
	Src          string // where it was posted from, "file:function" ("" if the trace did not say)
}

// path names the sample by where its goroutine was resumed and the
// innermost project (etcd-play) function on its stack, if other than that:
// "resumed > innermost" (shortened: without the module path).
func (s profSample) path() string {
	entry, inner := s.entry(), ""
	for _, n := range s.stack {
		if f := n.CallFrame.FunctionName; strings.Contains(f, "etcd_play_etcd_play") {
			inner = f
		}
	}
	if !s.isGo() {
		return s.bucket()
	}
	short := func(f string) string { return strings.TrimPrefix(f, "github.com_etcd_play_etcd_play_") }
	if inner == "" || inner == entry {
		return short(entry)
	}
	return short(entry) + " > " + short(inner)
}

// profTask is a task with the samples [start, end) taken during it.
type profTask struct {
	start, end int
	ms         float64 // wall
	cpuMs      float64 // thread time, from the trace (-1: unknown)
}

// summarizeProfile says where the page's main-thread time went in its tasks
// longer than longTaskMs. The tasks come from Chromium's trace (tasks, the
// page thread's tasks); without them a task is a maximal run of samples
// that are not "(idle)" (back-to-back tasks then count as one). A sample
// stands for the interval until the next one. For the long tasks it lists
// the share of each bucket (profBuckets), the Go functions with the most
// time (inclusive and self), where the goroutines were resumed, and the
// longest tasks one by one. Profiling slows the page: the shares are what
// the summary is for, not the durations.
func summarizeProfile(p *profiler.Profile, tasks []pageTask, longTaskMs float64) string {
	byID := make(map[int64]*profiler.ProfileNode, len(p.Nodes))
	parent := make(map[int64]int64, len(p.Nodes))
	for _, n := range p.Nodes {
		byID[n.ID] = n
		for _, c := range n.Children {
			parent[c] = n.ID
		}
	}
	samples := make([]profSample, 0, len(p.Samples))
	weights := make([]float64, 0, len(p.Samples)) // ms each sample stands for
	at := 0.0
	for i, id := range p.Samples {
		if i < len(p.TimeDeltas) {
			at += float64(p.TimeDeltas[i])
		}
		var stack []*profiler.ProfileNode
		for x, ok := id, true; ok; x, ok = parent[x] {
			if n := byID[x]; n != nil && n.CallFrame != nil {
				stack = append(stack, n)
			}
		}
		if len(stack) == 0 {
			continue
		}
		slices.Reverse(stack)
		samples = append(samples, profSample{at: at, stack: stack})
	}
	for i := range samples {
		next := p.EndTime - p.StartTime
		if i+1 < len(samples) {
			next = samples[i+1].at
		}
		weights = append(weights, max(0, next-samples[i].at)/1000)
	}
	var busyMs, goMs float64
	for i, s := range samples {
		if s.leaf() != "(idle)" {
			busyMs += weights[i]
			if s.isGo() {
				goMs += weights[i]
			}
		}
	}

	var long []profTask
	source := "trace"
	if tasks != nil {
		for _, t := range tasks {
			if t.Dur/1000 <= longTaskMs {
				continue
			}
			from, to := t.Ts-p.StartTime, t.Ts+t.Dur-p.StartTime
			i, _ := slices.BinarySearchFunc(samples, from, func(s profSample, at float64) int { return cmp.Compare(s.at, at) })
			j, _ := slices.BinarySearchFunc(samples, to, func(s profSample, at float64) int { return cmp.Compare(s.at, at) })
			long = append(long, profTask{start: i, end: j, ms: t.Dur / 1000, cpuMs: t.CPU / 1000})
		}
	} else {
		source = "runs of samples not (idle)"
		for i := 0; i < len(samples); {
			if samples[i].leaf() == "(idle)" {
				i++
				continue
			}
			t := profTask{start: i, cpuMs: -1}
			for ; i < len(samples) && samples[i].leaf() != "(idle)"; i++ {
				t.ms += weights[i]
			}
			t.end = i
			if t.ms > longTaskMs {
				long = append(long, t)
			}
		}
	}
	slices.SortStableFunc(long, func(a, b profTask) int { return cmp.Compare(b.ms, a.ms) })

	var sb strings.Builder
	fmt.Fprintf(&sb, "profile: %.1f s, %d samples; thread busy %.0f ms (Go %.0f ms); tasks from the %s\n",
		(p.EndTime-p.StartTime)/1e6, len(samples), busyMs, goMs, source)
	var longMs, sampledMs, longGoMs float64
	bucketMs, inclMs, selfMs, entryMs := map[string]float64{}, map[string]float64{}, map[string]float64{}, map[string]float64{}
	for _, t := range long {
		longMs += t.ms
		for i := t.start; i < t.end; i++ {
			s, w := samples[i], weights[i]
			sampledMs += w
			bucketMs[s.bucket()] += w
			if !s.isGo() {
				continue
			}
			longGoMs += w
			selfMs[s.leaf()] += w
			entryMs[s.entry()] += w
			seen := map[string]bool{}
			for _, n := range s.stack {
				if f := n.CallFrame.FunctionName; goFrame(n) && !seen[f] {
					seen[f] = true
					inclMs[f] += w
				}
			}
		}
	}
	fmt.Fprintf(&sb, "tasks > %.0f ms: %d, %.0f ms in all, %.0f ms sampled (Go %.0f ms)", longTaskMs, len(long), longMs, sampledMs, longGoMs)
	if len(long) > 0 {
		fmt.Fprintf(&sb, ", longest %.1f ms", long[0].ms)
	}
	sb.WriteString("\n")
	if len(long) == 0 {
		return sb.String()
	}
	top := func(title string, m map[string]float64, total float64, n int) {
		fmt.Fprintf(&sb, "\n%s (%% of the %.0f ms sampled in tasks > %.0f ms):\n", title, total, longTaskMs)
		for _, e := range byShare(m, n) {
			fmt.Fprintf(&sb, "  %5.1f%% %8.1f ms  %s\n", 100*e.v/total, e.v, e.k)
		}
	}
	top("buckets", bucketMs, sampledMs, len(profBuckets)+3)
	top("Go functions, inclusive", inclMs, sampledMs, 40)
	top("Go functions, self", selfMs, sampledMs, 20)
	top("resumed at (first Go frame after the wasm scheduler loop)", entryMs, sampledMs, 15)

	fmt.Fprintf(&sb, "\nlongest tasks:\n")
	for _, t := range long[:min(10, len(long))] {
		m, sampled := map[string]float64{}, 0.0
		paths := map[string]float64{}
		for i := t.start; i < t.end; i++ {
			m[samples[i].bucket()] += weights[i]
			paths[samples[i].path()] += weights[i]
			sampled += weights[i]
		}
		var parts []string
		for _, e := range byShare(m, 4) {
			parts = append(parts, fmt.Sprintf("%s %.0f%%", e.k, 100*e.v/sampled))
		}
		cpu := ""
		if t.cpuMs >= 0 {
			// Much less thread time than wall time: the machine ran
			// something else meanwhile (a loaded machine, not the page).
			cpu = fmt.Sprintf(" (thread %.1f ms)", t.cpuMs)
		}
		fmt.Fprintf(&sb, "  %6.1f ms%s at %7.1f s: %s\n", t.ms, cpu, samples[t.start].at/1e6, strings.Join(parts, ", "))
		for _, e := range byShare(paths, 3) {
			fmt.Fprintf(&sb, "      %3.0f%% %s\n", 100*e.v/sampled, e.k)
		}
	}
	return sb.String()
}

// share is one name's milliseconds in a summary.
type share struct {
	k string
	v float64
}

// byShare returns the n names of m with the most milliseconds, most first
// (ties by name, so that a summary is stable).
func byShare(m map[string]float64, n int) []share {
	l := make([]share, 0, len(m))
	for k, v := range m {
		l = append(l, share{k, v})
	}
	slices.SortFunc(l, func(a, b share) int { return cmp.Or(cmp.Compare(b.v, a.v), strings.Compare(a.k, b.k)) })
	return l[:min(n, len(l))]
}

// probeGaps describes the n longest gaps between the gap probe's ticks
// (bench_test.go's 5 ms interval timer) and the tasks that filled each:
// which tasks ran back to back before the probe got its turn. A probe
// tick is taken to be a timer task (posted from dom_timer.cc) of under
// probeTickUs; the page's own timer tasks run Go and last longer. Tasks
// are from the trace, in any order; those under 0.5 ms are left out.
func probeGaps(tasks []pageTask, n int) string {
	const probeTickUs = 300
	tasks = slices.Clone(tasks)
	slices.SortFunc(tasks, func(x, y pageTask) int { return cmp.Compare(x.Ts, y.Ts) })
	var ticks []int
	for i, t := range tasks {
		if strings.HasPrefix(t.Src, "dom_timer.cc:") && t.Dur < probeTickUs {
			ticks = append(ticks, i)
		}
	}
	type gap struct {
		us   float64
		a, b int // the ticks around it
	}
	var gaps []gap
	for k := 1; k < len(ticks); k++ {
		a, b := ticks[k-1], ticks[k]
		gaps = append(gaps, gap{tasks[b].Ts - (tasks[a].Ts + tasks[a].Dur), a, b})
	}
	slices.SortFunc(gaps, func(x, y gap) int { return cmp.Compare(y.us, x.us) })
	var sb strings.Builder
	fmt.Fprintf(&sb, "\nlongest gaps between the probe's ticks (timer tasks under %d µs), with the tasks over 0.5 ms in them:\n", probeTickUs)
	for _, g := range gaps[:min(n, len(gaps))] {
		fmt.Fprintf(&sb, "  %6.1f ms at %7.1f s:\n", g.us/1000, (tasks[g.a].Ts-tasks[0].Ts)/1e6)
		for _, t := range tasks[g.a+1 : g.b] {
			if t.Dur >= 500 {
				fmt.Fprintf(&sb, "      %6.1f ms (thread %5.1f ms)  %s\n", t.Dur/1000, t.CPU/1000, t.Src)
			}
		}
	}
	return sb.String()
}
