//go:build browser

package e2e

import (
	"context"
	"encoding/json"
	"path"
	"sync"

	"github.com/chromedp/cdproto/tracing"
	"github.com/chromedp/chromedp"
)

// chromeTrace collects the trace events of a tab (Chromium's tracing,
// reported as they come) that keep accepts. Shared by the task trace and
// the phase trace (phasetrace_test.go).
type chromeTrace struct {
	mu     sync.Mutex
	events []traceEvent
	done   chan struct{}
}

// taskTrace records the page's tasks with Chromium's tracing
// (toplevel): each top-level task of the renderer's main thread
// with its wall duration and its thread (CPU) time. The thread time of the
// longest task does not include time the operating system gave to other
// processes, so it stays meaningful on a loaded machine, where the wall
// figures (the gap, Long Tasks) also measure the machine.
type taskTrace struct{ *chromeTrace }

type traceEvent struct {
	Name string          `json:"name"`
	Ph   string          `json:"ph"`
	Pid  int             `json:"pid"`
	Tid  int             `json:"tid"`
	Ts   float64         `json:"ts"`   // µs, the same clock as a CPU profile's times
	Dur  float64         `json:"dur"`  // µs, wall
	TDur float64         `json:"tdur"` // µs, thread time
	Args json.RawMessage `json:"args"`
}

// startTrace starts tracing the tab's categories (and __metadata, which
// names the threads), keeping the events keep accepts and every
// thread_name event.
func (tb *tab) startTrace(categories []string, keep func(traceEvent) bool) *chromeTrace {
	tb.t.Helper()
	tr := &chromeTrace{done: make(chan struct{})}
	chromedp.ListenTarget(tb.ctx, func(ev any) {
		switch ev := ev.(type) {
		case *tracing.EventDataCollected:
			tr.mu.Lock()
			for _, raw := range ev.Value {
				var e traceEvent
				if json.Unmarshal(raw, &e) == nil && (keep(e) || e.Ph == "M" && e.Name == "thread_name") {
					tr.events = append(tr.events, e)
				}
			}
			tr.mu.Unlock()
		case *tracing.EventTracingComplete:
			// A tab traced again completes again: each trace's listener
			// stays, and closes its done once.
			tr.mu.Lock()
			select {
			case <-tr.done:
			default:
				close(tr.done)
			}
			tr.mu.Unlock()
		}
	})
	tb.run(tracing.Start().WithTransferMode(tracing.TransferModeReportEvents).WithTraceConfig(&tracing.TraceConfig{
		IncludedCategories: append(categories, "__metadata"),
		ExcludedCategories: []string{"*"},
	}))
	return tr
}

// stopMain ends tracing and returns the complete ("X") events of the
// renderer main thread with the most event time: the page's.
func (tr *chromeTrace) stopMain(tb *tab) []traceEvent {
	tb.t.Helper()
	tb.run(chromedp.ActionFunc(func(ctx context.Context) error { return tracing.End().Do(ctx) }))
	select {
	case <-tr.done:
	case <-tb.ctx.Done():
		tb.t.Fatalf("tracing did not complete: %v", tb.ctx.Err())
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	type thread struct{ pid, tid int }
	mains := map[thread]bool{}
	for _, e := range tr.events {
		var a struct{ Name string }
		if e.Ph == "M" && json.Unmarshal(e.Args, &a) == nil && a.Name == "CrRendererMain" {
			mains[thread{e.Pid, e.Tid}] = true
		}
	}
	busy := map[thread]float64{}
	for _, e := range tr.events {
		if th := (thread{e.Pid, e.Tid}); e.Ph == "X" && mains[th] {
			busy[th] += e.Dur
		}
	}
	var page thread
	for th, d := range busy {
		if d > busy[page] {
			page = th
		}
	}
	var evs []traceEvent
	for _, e := range tr.events {
		if e.Ph == "X" && (thread{e.Pid, e.Tid}) == page {
			evs = append(evs, e)
		}
	}
	return evs
}

// startTaskTrace starts tracing the tab's tasks.
func (tb *tab) startTaskTrace() *taskTrace {
	tb.t.Helper()
	return &taskTrace{tb.startTrace([]string{"toplevel"}, func(e traceEvent) bool {
		return e.Ph == "X" && (e.Name == "ThreadControllerImpl::RunTask" || e.Name == "RunTask")
	})}
}

// stopTasks ends tracing and returns the tasks of the renderer main thread
// with the most task time, in the order the trace reported them.
func (tr *taskTrace) stopTasks(tb *tab) []pageTask {
	tb.t.Helper()
	var tasks []pageTask
	for _, e := range tr.stopMain(tb) {
		var a struct {
			File string `json:"src_file"`
			Func string `json:"src_func"`
		}
		var src string
		if json.Unmarshal(e.Args, &a) == nil && a.File != "" {
			src = path.Base(a.File) + ":" + a.Func
		}
		tasks = append(tasks, pageTask{Ts: e.Ts, Dur: e.Dur, CPU: e.TDur, Src: src})
	}
	return tasks
}
