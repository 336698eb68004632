// etcd-play engine worker: the bootstrap of the dedicated Web Worker that
// runs the cluster off the page's thread (issue 13). The page starts it
// with app/engine/worker.Dial; the Go program it loads (the site's own
// app.wasm) sees that it runs in a worker (worker.InWorker) and serves the
// engine protocol over postMessage (worker.Listen) instead of starting the
// UI.
//
// Parameters, read from the script's URL query (or, for a worker started
// from a blob: URL, from the worker's name, which then holds the query):
//   v     the site's version: the wasm is web/app.wasm?v=<v>, the URL the
//         page itself loaded and the service worker precached (so both the
//         HTTP cache and the offline cache answer it). The page's URL is
//         <base>/web/engine-worker.js?v=<version>, exactly the URL the
//         service worker precaches.
//   wasm  optional: another wasm to run (absolute, or relative to this
//         script); tests run their own binary through this bootstrap.
//   exec  optional: wasm_exec.js (default ../wasm_exec.js, where go-app
//         publishes it next to the page).
// The wasm and wasm_exec.js must be of this site's origin.
//
// Control messages (posted to the page as plain objects; every protocol
// frame is an ArrayBuffer, so the two never mix):
//   {etcdplayWorker: "progress", url, loaded}
//     how many bytes of the wasm at url arrived so far, while it
//     downloads, for the page's loader (earlyWasmScript; the page takes
//     both only for its own wasm's URL); the protocol connection skips it.
//   {etcdplayWorker: "module", url, module}
//     the compiled wasm (a WebAssembly.Module) of url, posted once it
//     compiled and before it runs: the page's head script instantiates it
//     instead of compiling the same wasm a second time (app/site's
//     earlyWasmScript); the page's protocol connection skips it.
//   {etcdplayWorker: "exit", code, reason}
//     the Go program is over: it did not load (code -1, reason says why),
//     it exited (code: its exit code; a panic or fatal error exits with 2,
//     reason: the end of what it wrote to stderr, from its last "panic:" or
//     "fatal error:" line), or it trapped (code -1, reason: the exception).
// The Go side adds {etcdplayWorker: "close"} when it closes its end.
//
// Messages that arrive before the Go program has taken over are kept in
// self.etcdplayWorkerInbox (MessageEvents, in order); worker.Listen drains
// it and replaces self.onmessage.
"use strict";

(() => {
  const inbox = [];
  self.etcdplayWorkerInbox = inbox;
  self.onmessage = (e) => inbox.push(e);

  const report = (code, reason) => self.postMessage({ etcdplayWorker: "exit", code: code, reason: String(reason) });

  const query = self.location.protocol === "blob:" ? self.name : self.location.search;
  const params = new URLSearchParams(query);
  const version = params.get("v") || "";
  const resolve = (u) => new URL(u, self.location.protocol === "blob:" ? self.location.origin : self.location.href);
  let wasmURL, execURL;
  try {
    wasmURL = resolve(params.get("wasm") || "app.wasm" + (version ? "?v=" + encodeURIComponent(version) : ""));
    execURL = resolve(params.get("exec") || "../wasm_exec.js");
  } catch (err) {
    report(-1, "bad worker parameters " + JSON.stringify(query) + ": " + err);
    return;
  }
  for (const u of [wasmURL, execURL]) {
    if (u.origin !== self.location.origin) {
      report(-1, "refusing " + u.href + ": not of this site's origin " + self.location.origin);
      return;
    }
  }

  try {
    importScripts(execURL.href);
  } catch (err) {
    report(-1, "loading " + execURL.href + ": " + err);
    return;
  }

  // The tail of the program's stderr (bounded), for the exit report.
  const decoder = new TextDecoder("utf-8");
  const stderrKeep = 64 * 1024;
  let stderr = "";
  const write = globalThis.fs.writeSync.bind(globalThis.fs);
  globalThis.fs.writeSync = (fd, buf) => {
    if (fd === 2) {
      stderr += decoder.decode(buf, { stream: true });
      if (stderr.length > stderrKeep) {
        stderr = stderr.slice(stderr.length - stderrKeep);
      }
    }
    return write(fd, buf);
  };
  const crashText = () => {
    const at = Math.max(stderr.lastIndexOf("panic: "), stderr.lastIndexOf("fatal error: "));
    const text = at >= 0 ? stderr.slice(at) : stderr.slice(-2048);
    return text.length > 4096 ? text.slice(0, 4096) + "…" : text.trimEnd();
  };

  // countBytes returns resp with the same body, and posts to the page how
  // many of its bytes arrived so far ({etcdplayWorker: "progress",
  // loaded}: every 1% of its Content-Length, or 256 KiB without one), for
  // the page's loader to show.
  const countBytes = (resp) => {
    if (!resp.body || typeof resp.body.tee !== "function") {
      return resp;
    }
    const [compile, count] = resp.body.tee();
    const total = parseInt(resp.headers.get("Content-Length") || "0", 10);
    const step = total > 0 ? Math.max(1, Math.floor(total / 100)) : 256 * 1024;
    (async () => {
      const reader = count.getReader();
      let loaded = 0, posted = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        loaded += value.byteLength;
        if (loaded - posted >= step) {
          posted = loaded;
          self.postMessage({ etcdplayWorker: "progress", url: wasmURL.href, loaded: loaded });
        }
      }
      if (loaded > posted) self.postMessage({ etcdplayWorker: "progress", url: wasmURL.href, loaded: loaded });
    })().catch(() => {});
    return new Response(compile, { status: resp.status, statusText: resp.statusText, headers: resp.headers });
  };

  (async () => {
    const go = new Go();
    let exitCode = null;
    go.exit = (code) => {
      exitCode = code;
    };
    let instance;
    try {
      let resp = await fetch(wasmURL.href);
      if (!resp.ok) {
        throw new Error("HTTP " + resp.status + " " + resp.statusText);
      }
      resp = countBytes(resp);
      const compiled = await WebAssembly.instantiateStreaming(resp, go.importObject);
      instance = compiled.instance;
      // A hook for tests' memory figures: the engine's wasm memory (its
      // buffer's byteLength only grows, so it is the most ever used).
      self.etcdplayMemory = instance.exports.mem;
      try {
        self.postMessage({ etcdplayWorker: "module", url: wasmURL.href, module: compiled.module });
      } catch (err) {
        // A browser that cannot post a module: the page compiles its own.
      }
    } catch (err) {
      report(-1, "loading " + wasmURL.href + ": " + err);
      return;
    }
    try {
      await go.run(instance);
    } catch (err) {
      report(-1, String(err) + (stderr ? "\n" + crashText() : ""));
      return;
    }
    report(exitCode === null ? 0 : exitCode, crashText());
  })();
})();
