//go:build !wasm

package site

import (
	"net/url"
	"strconv"
	"strings"
)

// earlyWasmScript is a <script> element for the page's head that fetches
// and compiles the page's wasm (web/app.wasm?v=version under base) as soon
// as the browser reads the head. go-app's loader (app.js) starts only once
// the whole document is parsed (a deferred script), 100-250 ms into a cold
// load, and it pumps the wasm's bytes through the page's thread to count
// its progress; the compile then waits for both.
//
// The script hands its module to go-app's loader: the loader's first fetch
// of app.wasm gets an empty response at once (its progress ends at 100%),
// and its first WebAssembly.instantiateStreaming instantiates the early
// module with the loader's imports. If the early compile fails (a network
// error, a bad response), that call loads the wasm as the loader would
// have, so the loader's own error reporting is unchanged. Nothing happens
// where go-app would not load the wasm (?wasm=false, a crawler), where the
// browser lacks WebAssembly.compileStreaming, or in an opaque origin
// (sandboxScript watches go-app's own fetch there).
func earlyWasmScript(base, version string) string {
	u := strconv.Quote(strings.TrimRight(base, "/") + "/web/app.wasm?v=" + url.QueryEscape(version))
	return `<script>(function () {
  if (self.origin === "null" || typeof fetch !== "function" || typeof WebAssembly !== "object" ||
    typeof WebAssembly.compileStreaming !== "function" || typeof WebAssembly.instantiateStreaming !== "function") return;
  if (/bot|googlebot|crawler|spider|robot|crawling/i.test(navigator.userAgent) ||
    new URLSearchParams(location.search).get("wasm") === "false") return;
  var url = ` + u + `;
  var origFetch = window.fetch, origInstantiate = WebAssembly.instantiateStreaming;
  var early = WebAssembly.compileStreaming(origFetch(url));
  early.catch(function () {}); // reported by the loader's own load, below
  var fetched = false, instantiated = false;
  window.fetch = function (input) {
    var u = typeof input === "string" ? input : (input && input.url) || "";
    if (!fetched && u === url) {
      fetched = true;
      return Promise.resolve(new Response(new Uint8Array(0), {status: 200, headers: {"Content-Type": "application/wasm"}}));
    }
    return origFetch.apply(this, arguments);
  };
  WebAssembly.instantiateStreaming = function (source, imports) {
    if (instantiated || !fetched) return origInstantiate.apply(this, arguments);
    instantiated = true;
    return Promise.resolve(source).then(function () { return early; }).then(function (module) {
      return WebAssembly.instantiate(module, imports).then(function (instance) { return {module: module, instance: instance}; });
    }, function () {
      return origInstantiate.call(WebAssembly, origFetch(url), imports);
    });
  };
})();</script>`
}
