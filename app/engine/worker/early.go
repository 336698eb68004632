package worker

import (
	"strconv"
	"strings"
)

// EarlyStartScript is a <script> element for the page's head that starts
// the engine worker of the site at base (its URL prefix, "" at the root)
// and version before the page's own wasm has loaded, so that the browser
// fetches and compiles the two at once (the page's first leader comes
// sooner). It leaves the worker, and the events the worker posts until the
// page's Dial adopts it, on globalThis[EarlyGlobal]. Where the browser has
// no Web Workers it does nothing, and Dial starts none either.
func EarlyStartScript(base, version string) string {
	u := strconv.Quote(scriptURL(strings.TrimRight(base, "/")+"/web", version))
	return `<script>(function () { try { if (typeof Worker !== "function") return;` +
		` var q = [], w = new Worker(` + u + `);` +
		` w.onmessage = w.onmessageerror = w.onerror = function (e) { q.push(e); };` +
		` globalThis.` + EarlyGlobal + ` = {worker: w, url: ` + u + `, events: q}; } catch (e) {} })();</script>`
}

// EarlyGlobal names the page's global where the site's head script leaves
// the engine worker it started: {worker, url, events} (events: the
// message, messageerror and error events that came before the page's Go
// code took the worker over).
const EarlyGlobal = "etcdplayEarlyEngine"
