// Package gcslice makes the Go collector work in slices in the browser.
//
// Under js/wasm the page's Go code and the Go collector share the browser's
// only thread, and the stock runtime runs a collection's background marking,
// and then its sweeping, each in one piece whenever the program goes idle:
// with the heap of the page's heaviest stress (five stores of 10,000 keys
// of 4 KiB values) one such task took 35-90 ms of thread time, the page's
// longest (issue #4). The build therefore compiles app.wasm against a
// slightly changed runtime, through `go build -overlay` (the Go command's
// documented way to replace source files in a build): the background mark
// workers and the background sweeper run only in the first gcSliceBudget
// (6 ms) of a browser task, whoever used it, and let the browser run before
// they go on in a fresh one. The change is in runtime_gcslice_js.go.txt
// (added to the runtime) and patches.go (anchors in the runtime's
// scheduler, collector and js event handling). The runtime also keeps the
// current task's start, which TaskElapsed reads.
//
// Contract:
//   - `go run . runtime-overlay -out DIR` (Write, app/site) writes the
//     changed runtime files and DIR/overlay.json; the Makefile passes
//     -overlay=DIR/overlay.json to every js/wasm build of the page and to
//     the wasm tests of this package.
//   - Write fails, naming the file, when the installed Go's runtime does not
//     contain an anchor exactly once (another Go release): then the Makefile
//     builds with the stock runtime and says so, and the page works with
//     longer pauses. TestOverlayAppliesToThisGo fails too, so that the
//     patch gets updated with the Go release.
//   - The overlay also replaces enabled.go here by sliced.go.txt, so the
//     page and the tests know which runtime they were built with
//     (Enabled), and TaskElapsed can read the runtime's task clock.
package gcslice
