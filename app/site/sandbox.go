//go:build !wasm

package site

// sandboxScript is the first script of the page's head. It makes the page
// start where the browser denies it storage, and say why when it cannot
// start at all. Both happen in an iframe sandboxed without
// allow-same-origin (sandbox="allow-scripts"), whose origin is opaque:
//
//   - Reading localStorage or sessionStorage throws a SecurityError, and
//     go-app reads localStorage when it starts (the Go program dies with
//     the exception, leaving the loader on screen). Where a read throws,
//     the script gives the window an in-memory Storage of that name (the
//     data lasts as long as the page). Storage blocked by the person's
//     settings throws the same way and gets the same stand-in.
//   - The page's own requests are cross-origin there: fetching app.wasm
//     fails unless the host sends Access-Control-Allow-Origin (GitHub
//     Pages sends "*"; many hosts send nothing). Only in an opaque origin,
//     the script watches that one fetch; when it fails, the loader says
//     what the embedding page must add (allow-same-origin), as an alert,
//     with data-etcdplay-error="sandboxed" on the loader, and the parent
//     window gets {etcdplay: 1, type: "error", error} (the postMessage
//     API's event for a playground that cannot run).
//
// Where the wasm does load, the engine sees the opaque origin too and runs
// the cluster in the page (no Web Worker: a sandboxed frame may not start
// one from the site's URL) and in memory (IndexedDB and Web Locks are
// denied), and says so (app/engine/local).
const sandboxScript = `<script>(function () {
  function memoryStorage() {
    var m = new Map();
    return {
      get length() { return m.size; },
      key: function (i) { var k = Array.from(m.keys())[i]; return k === undefined ? null : k; },
      getItem: function (k) { k = String(k); return m.has(k) ? m.get(k) : null; },
      setItem: function (k, v) { m.set(String(k), String(v)); },
      removeItem: function (k) { m.delete(String(k)); },
      clear: function () { m.clear(); }
    };
  }
  ["localStorage", "sessionStorage"].forEach(function (name) {
    try { window[name]; } catch (e) {
      try { Object.defineProperty(window, name, {value: memoryStorage(), configurable: true}); } catch (e2) {}
    }
  });
  if (self.origin !== "null" || typeof fetch !== "function") return;
  var message = "This playground is embedded in a sandboxed frame without allow-same-origin, " +
    "so the browser treats its own files as another site's, and this host does not allow that " +
    "(app.wasm could not be loaded). The page that embeds it must allow it: " +
    '<iframe sandbox="allow-scripts allow-same-origin" ...>.';
  var show = function () {
    var loader = document.getElementById("app-wasm-loader");
    var label = document.getElementById("app-wasm-loader-label");
    if (loader) loader.setAttribute("data-etcdplay-error", "sandboxed");
    if (label) { label.textContent = message; label.setAttribute("role", "alert"); }
    try { window.parent.postMessage({etcdplay: 1, type: "error", error: message}, "*"); } catch (e) {}
  };
  var origFetch = fetch;
  window.fetch = function (input) {
    var p = origFetch.apply(this, arguments);
    var url = typeof input === "string" ? input : (input && input.url) || "";
    if (/\/web\/app\.wasm(\?|$)/.test(url)) {
      // After go-app's own handler, which writes the error into the label.
      p.catch(function () { setTimeout(show, 0); });
    }
    return p;
  };
})();</script>`
