//go:build browser

package e2e

import (
	"context"
	"encoding/json"
	"os"

	"github.com/chromedp/cdproto/profiler"
	"github.com/chromedp/chromedp"
)

// profileSampleMicros is the CPU profile's sampling interval: fine enough
// to split a 25 ms task into ~100 samples, coarse enough that the
// profiler's own cost stays small (it still slows the page: the BENCH
// figures of a profiled run are not comparable with unprofiled ones).
const profileSampleMicros = 250

// startCPUProfile starts V8's sampling CPU profiler (the Profiler domain)
// in the tab. JavaScript and wasm frames are both sampled; with an
// unstripped app.wasm (make build-prof) the wasm frames carry Go's
// function names.
func (tb *tab) startCPUProfile() {
	tb.t.Helper()
	tb.run(profiler.Enable(), profiler.SetSamplingInterval(profileSampleMicros), profiler.Start())
}

// stopCPUProfile stops the profiler and returns what it recorded.
func (tb *tab) stopCPUProfile() *profiler.Profile {
	tb.t.Helper()
	var p *profiler.Profile
	tb.run(chromedp.ActionFunc(func(ctx context.Context) error {
		var err error
		p, err = profiler.Stop().Do(ctx)
		return err
	}))
	return p
}

// writeCPUProfile writes the summary of p (summarizeProfile: where the
// time of the page's tasks longer than longTaskMs went; tasks from the
// trace taken meanwhile; probeGaps: which tasks filled the longest gaps)
// to path, the raw profile to path + ".cpuprofile"
// (the format Chromium's DevTools Performance panel loads) and the tasks to
// path + ".tasks.json" (TestSummarizeSavedProfile reads both back). header
// goes first in the summary.
func (tb *tab) writeCPUProfile(p *profiler.Profile, tasks []pageTask, path, header string, longTaskMs float64) {
	tb.t.Helper()
	for suffix, v := range map[string]any{".cpuprofile": p, ".tasks.json": tasks} {
		raw, err := json.Marshal(v)
		if err != nil {
			tb.t.Fatalf("encoding %s: %v", suffix, err)
		}
		if err := os.WriteFile(path+suffix, raw, 0o644); err != nil {
			tb.t.Fatalf("writing the CPU profile: %v", err)
		}
	}
	if err := os.WriteFile(path, []byte(header+summarizeProfile(p, tasks, longTaskMs)+probeGaps(tasks, 5)), 0o644); err != nil {
		tb.t.Fatalf("writing the CPU profile summary: %v", err)
	}
	tb.t.Logf("CPU profile: summary in %s, raw profile in %s.cpuprofile", path, path)
}
