//go:build browser

package e2e

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/profiler"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// workerProfile is a CPU profile of the tab's engine worker (V8's sampling
// profiler in the worker's own target): where the engine's thread spent a
// run, which a profile of the page does not see. Start it with
// startWorkerProfile, end it with stop, which writes the raw profile to
// path + ".cpuprofile" (DevTools opens it) and a summary to path.
type workerProfile struct {
	tb   *tab
	ctx  context.Context
	stop func()
}

// startWorkerProfile starts V8's sampling profiler in the engine worker
// (workerTarget).
func (tb *tab) startWorkerProfile() *workerProfile {
	tb.t.Helper()
	ctx, cancel := tb.workerTarget()
	if err := chromedp.Run(ctx, profiler.Enable(), profiler.SetSamplingInterval(profileSampleMicros), profiler.Start()); err != nil {
		cancel()
		tb.t.Fatalf("starting the worker's profiler: %v", err)
	}
	return &workerProfile{tb: tb, ctx: ctx, stop: cancel}
}

// workerTarget attaches to the engine worker of the only page of this
// build open in the browser (the test runs alone: with two tabs' workers
// it fails rather than guess) and returns a context that runs actions in
// the worker's own target; cancel detaches. It polls the browser's
// targets until one worker remains (a target list has no event to wait
// on; a navigation's old worker ends soon after the new one starts).
func (tb *tab) workerTarget() (context.Context, context.CancelFunc) {
	tb.t.Helper()
	bc := chromedp.FromContext(browserCtx)
	var ids []target.ID
	for deadline := time.Now().Add(10 * time.Second); ; {
		infos, err := target.GetTargets().Do(cdp.WithExecutor(browserCtx, bc.Browser))
		if err != nil {
			tb.t.Fatalf("listing targets: %v", err)
		}
		ids = ids[:0]
		for _, i := range infos {
			if i.Type == "worker" && strings.Contains(i.URL, "engine-worker.js") {
				ids = append(ids, i.TargetID)
			}
		}
		if len(ids) == 1 {
			break
		}
		if time.Now().After(deadline) {
			tb.t.Fatalf("%d engine workers open, want 1", len(ids))
		}
		time.Sleep(100 * time.Millisecond)
	}
	return chromedp.NewContext(browserCtx, chromedp.WithTargetID(ids[0]))
}

// workerMemoryMiB is the size of the engine worker's wasm memory in MiB
// (the worker's etcdplayMemory hook, engine-worker.js): the most the Go
// heap, its stacks and the runtime's other memory ever took together,
// since a wasm memory only grows.
func (tb *tab) workerMemoryMiB() float64 {
	tb.t.Helper()
	ctx, cancel := tb.workerTarget()
	defer cancel()
	var n float64
	if err := chromedp.Run(ctx, chromedp.Evaluate(`self.etcdplayMemory.buffer.byteLength`, &n)); err != nil {
		tb.t.Fatalf("reading the worker's memory size: %v", err)
	}
	return n / (1 << 20)
}

// finish stops the profiler and writes the profile and its summary.
func (w *workerProfile) finish(path, header string) {
	w.tb.t.Helper()
	defer w.stop()
	var p *profiler.Profile
	if err := chromedp.Run(w.ctx, chromedp.ActionFunc(func(ctx context.Context) error {
		var err error
		p, err = profiler.Stop().Do(ctx)
		return err
	})); err != nil {
		w.tb.t.Fatalf("stopping the worker's profiler: %v", err)
	}
	raw, err := json.Marshal(p)
	if err != nil {
		w.tb.t.Fatal(err)
	}
	if err := os.WriteFile(path+".cpuprofile", raw, 0o644); err != nil {
		w.tb.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(header+functionTimes(p, 40)), 0o644); err != nil {
		w.tb.t.Fatal(err)
	}
}

// functionTimes lists p's n costliest functions by inclusive time (a
// function counted once per sample, however often it is on the stack)
// and by self time, in ms, with the idle and busy totals.
func functionTimes(p *profiler.Profile, n int) string {
	byID := make(map[int64]*profiler.ProfileNode, len(p.Nodes))
	parent := make(map[int64]int64, len(p.Nodes))
	for _, nd := range p.Nodes {
		byID[nd.ID] = nd
		for _, c := range nd.Children {
			parent[c] = nd.ID
		}
	}
	incl, self := map[string]float64{}, map[string]float64{}
	var idle, busy float64
	for i, id := range p.Samples {
		ms := 0.0
		if i+1 < len(p.TimeDeltas) {
			ms = float64(p.TimeDeltas[i+1]) / 1000
		}
		leaf := byID[id]
		if leaf == nil || leaf.CallFrame == nil {
			continue
		}
		if leaf.CallFrame.FunctionName == "(idle)" {
			idle += ms
			continue
		}
		busy += ms
		self[leaf.CallFrame.FunctionName] += ms
		seen := map[string]bool{}
		for x, ok := id, true; ok; x, ok = parent[x] {
			if nd := byID[x]; nd != nil && nd.CallFrame != nil && !seen[nd.CallFrame.FunctionName] {
				seen[nd.CallFrame.FunctionName] = true
				incl[nd.CallFrame.FunctionName] += ms
			}
		}
	}
	top := func(m map[string]float64) string {
		type fn struct {
			name string
			ms   float64
		}
		var fs []fn
		for k, v := range m {
			fs = append(fs, fn{k, v})
		}
		slices.SortFunc(fs, func(a, b fn) int { return cmp.Compare(b.ms, a.ms) })
		var b strings.Builder
		for _, f := range fs[:min(n, len(fs))] {
			fmt.Fprintf(&b, "%9.1f ms %5.1f%%  %s\n", f.ms, 100*f.ms/busy, f.name)
		}
		return b.String()
	}
	return fmt.Sprintf("busy %.1f ms, idle %.1f ms\n\ninclusive:\n%s\nself:\n%s", busy, idle, top(incl), top(self))
}
