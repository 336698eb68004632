//go:build !wasm

package site

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/etcd-play/etcd-play/app/engine/worker"
)

// moduleWait bounds how long the page waits for the engine worker's module
// before it compiles the wasm itself.
const moduleWait = 5 * time.Second

// earlyWasmScript is a <script> element for the page's head, after the
// engine worker's (worker.EarlyStartScript), that gets the page's wasm
// (web/app.wasm?v=version under base) compiled as soon as the browser reads
// the head. go-app's loader (app.js) starts only once the whole document is
// parsed (a deferred script), 100-250 ms into a cold load, and it pumps the
// wasm's bytes through the page's thread to count its progress.
//
// The engine's worker compiles the same wasm, and posts the module to the
// page ({etcdplayWorker: "module"}, web/engine-worker.js): the page takes
// it rather than compiling it a second time beside the worker on the same
// cores, if it is the page's own wasm (the same URL: a worker of another
// deploy runs another wasm, which the page's version check then refuses).
// Where no worker was started (the browser has none), the script fetches
// and compiles the wasm itself; so it does when the worker ends before
// posting a module, or has posted none moduleWait after it started (a
// worker script of another deploy).
//
// The script hands its module to go-app's loader: the loader's first fetch
// of app.wasm gets a stand-in response whose body grows with the real
// download (the worker's {etcdplayWorker: "progress"} counts, or the
// script's own) and ends with it, so the loader's percentage climbs as
// before; its first WebAssembly.instantiateStreaming instantiates the
// module with the loader's imports. If getting the module failed (a network
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
  var abs = new URL(url, location.href).href;
  var origFetch = window.fetch, origInstantiate = WebAssembly.instantiateStreaming;
  // The loader's progress: the body of the response its fetch gets holds
  // as many (zero) bytes as have arrived of the real download, and ends
  // once the module is there.
  var ctl, ended = false, shown = 0, zero = new Uint8Array(65536);
  var body = new ReadableStream({start: function (c) { ctl = c; }});
  var progress = function (loaded) {
    if (ended) return;
    for (var n = loaded - shown; n > 0; n -= zero.length) ctl.enqueue(zero.subarray(0, Math.min(n, zero.length)));
    shown = Math.max(shown, loaded);
  };
  var finish = function () { if (!ended) { ended = true; ctl.close(); } };
  var compile = function () {
    return origFetch(url).then(function (resp) {
      if (!resp.ok || !resp.body || typeof resp.body.tee !== "function") return WebAssembly.compileStreaming(resp);
      var t = resp.body.tee(), reader = t[1].getReader(), loaded = 0;
      var count = function () {
        return reader.read().then(function (r) { if (r.done) return; loaded += r.value.byteLength; progress(loaded); return count(); });
      };
      count().catch(function () {});
      return WebAssembly.compileStreaming(new Response(t[0], {status: resp.status, statusText: resp.statusText, headers: resp.headers}));
    });
  };
  var eng = globalThis.` + worker.EarlyGlobal + `, early;
  if (eng && eng.worker) {
    early = new Promise(function (resolve, reject) {
      var w = eng.worker, timer;
      var done = function () { clearTimeout(timer); w.removeEventListener("message", onMessage); w.removeEventListener("error", onError); };
      var onMessage = function (e) {
        var d = e.data;
        if (!d || typeof d !== "object" || typeof d.etcdplayWorker !== "string") return;
        var own = d.url === abs;
        if (d.etcdplayWorker === "progress" && own) { progress(+d.loaded || 0); return; }
        done();
        if (d.etcdplayWorker === "module" && own && d.module instanceof WebAssembly.Module) resolve(d.module);
        else reject(new Error("the engine worker ended, or runs another wasm"));
      };
      var onError = function () { done(); reject(new Error("the engine worker failed")); };
      w.addEventListener("message", onMessage);
      w.addEventListener("error", onError);
      (eng.events || []).forEach(function (e) { if (e.type === "message") onMessage(e); });
      timer = setTimeout(function () { done(); reject(new Error("no module from the engine worker")); }, ` + strconv.Itoa(int(moduleWait.Milliseconds())) + `);
    }).catch(compile);
  } else {
    early = compile();
  }
  early.then(finish, finish); // a failure is reported by the loader's own load, below
  var fetched = false, instantiated = false;
  window.fetch = function (input) {
    var u = typeof input === "string" ? input : (input && input.url) || "";
    if (!fetched && u === url) {
      fetched = true;
      return Promise.resolve(new Response(body, {status: 200, headers: {"Content-Type": "application/wasm"}}));
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
