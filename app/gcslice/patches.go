//go:build !js

package gcslice

// A patch replaces one anchor, which must occur exactly once in the
// runtime's file, by its replacement. Each replacement keeps the anchor's
// text and adds calls to the functions of runtime_gcslice_js.go.txt.
type patch struct {
	file        string // in $GOROOT/src/runtime
	anchor, new string
}

// patches is written against the runtime of Go 1.26.
var patches = []patch{
	// A browser task begins when JavaScript calls into Go from its event
	// loop (events is empty; a nested call comes from Go's own call into
	// JavaScript, inside the current task).
	{
		file: "lock_js.go",
		anchor: `func handleEvent() {
`,
		new: `func handleEvent() {
	if len(events) == 0 {
		gcSliceTaskBegins()
	}
`,
	},
	// findRunnable, with nothing to run: the idle mark worker starts only
	// while the task is under the budget; past it, a wake-up at most 1 ms away
	// (pollUntil, which beforeIdle turns into a browser timeout) brings Go
	// back to mark on in a new task.
	{
		file: "proc.go",
		anchor: `	if gcBlackenEnabled != 0 && gcShouldScheduleWorker(pp) && gcController.addIdleMarkWorker() {
		node := (*gcBgMarkWorkerNode)(gcBgMarkWorkerPool.pop())
`,
		new: `	if gcBlackenEnabled != 0 && gcSliceOver() && (pollUntil == 0 || pollUntil > now+1e6) {
		pollUntil = now + 1e6
	}
	if gcBlackenEnabled != 0 && gcShouldScheduleWorker(pp) && !gcSliceOver() && gcController.addIdleMarkWorker() {
		node := (*gcBgMarkWorkerNode)(gcBgMarkWorkerPool.pop())
`,
	},
	// The idle worker's drain loop asks pollWork whether to stop.
	{
		file: "proc.go",
		anchor: `func pollWork() bool {
`,
		new: `func pollWork() bool {
	if gcSliceOver() {
		return true
	}
`,
	},
	// The fractional worker (the one background worker a single P gets)
	// asks pollFractionalWorkerExit, and is not started past the budget.
	{
		file: "mgc.go",
		anchor: `func pollFractionalWorkerExit() bool {
`,
		new: `func pollFractionalWorkerExit() bool {
	if gcSliceOver() {
		return true
	}
`,
	},
	{
		file: "mgcpacer.go",
		anchor: `func (c *gcControllerState) findRunnableGCWorker(pp *p, now int64) (*g, int64) {
`,
		new: `func (c *gcControllerState) findRunnableGCWorker(pp *p, now int64) (*g, int64) {
	if gcSliceOver() {
		return nil, now
	}
`,
	},
	// An assist's credit is capped (gcSliceCapCredit).
	{
		file: "malloc.go",
		anchor: `		gcAssistAlloc(assistG)
`,
		new: `		gcAssistAlloc(assistG)
		gcSliceCapCredit(assistG)
`,
	},
	// The CPU limiter never turns assists off (gcSliceLimiter).
	{
		file: "mgclimit.go",
		anchor: `func (l *gcCPULimiterState) limiting() bool {
`,
		new: `func (l *gcCPULimiterState) limiting() bool {
	if !gcSliceLimiter {
		return false
	}
`,
	},
	// The background sweeper yields between batches of spans.
	{
		file: "mgcsweep.go",
		anchor: `			if nSwept%sweepBatchSize == 0 {
				goschedIfBusy()
			}
`,
		new: `			if nSwept%sweepBatchSize == 0 {
				gcSliceSweepYield()
			}
`,
	},
}
