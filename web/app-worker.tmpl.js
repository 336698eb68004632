// etcd-play service worker. A template: native.go hands it to go-app, which
// fills in the site's version and the list of its files; the template
// itself is not published.
//
// Contract:
// - Offline: install precaches every resource of the site into the cache
//   "etcd-play-<version>", fetching each one past the HTTP cache
//   (cache: "reload"), so a server that sends only Last-Modified cannot hand
//   the new worker an old app.wasm.
// - Updates: every request of the site goes to the network first, past the
//   HTTP cache (cache: "no-store"; these files are small), and falls back to
//   the cache only when the network fails. The one exception is the wasm,
//   whose URL carries the version (web/app.wasm?v=VERSION, written into
//   app.js by the build): it is served cache-first, as a given URL only ever
//   names one wasm. So the first load after a deploy already runs the new
//   index.html, app.js and app.wasm: no reload is needed, whichever worker
//   version answers.
// - A response that differs from the cached one (ETag, Last-Modified or
//   length) replaces it, so the offline copy follows the last successful load.
// - activate deletes every other cache of this origin's go-app workers.
const cacheName = "etcd-play-" + "{{.Version}}";
const resourcesToCache = {{.ResourcesToCache}};

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(cacheName);
      await Promise.all(
        resourcesToCache.map(async (url) => {
          const resp = await fetch(new Request(url, { cache: "reload" }));
          if (!resp.ok) {
            throw new Error("precaching " + url + ": HTTP " + resp.status);
          }
          // The site's one page is kept under the scope URL (with its
          // trailing slash), whichever form the list names it by, and as a
          // plain response: a navigation may not be answered with a
          // redirected one.
          const key = new URL(resp.redirected ? resp.url : url, self.location.href).href;
          const isRoot = key === self.registration.scope || key + "/" === self.registration.scope;
          if (isRoot || resp.redirected) {
            await cache.put(isRoot ? self.registration.scope : key, new Response(await resp.blob(), {
              status: resp.status, statusText: resp.statusText, headers: resp.headers,
            }));
            return;
          }
          await cache.put(url, resp);
        })
      );
      await self.skipWaiting();
    })()
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const keys = await caches.keys();
      await Promise.all(keys.filter((k) => k !== cacheName).map((k) => caches.delete(k)));
      await self.clients.claim();
    })()
  );
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET" || !req.url.startsWith(self.registration.scope)) {
    return; // not ours: the browser handles it
  }
  event.respondWith(networkFirst(event, req));
});

// sameBody reports whether two responses carry the same version of a file.
function sameBody(a, b) {
  for (const h of ["ETag", "Last-Modified", "Content-Length"]) {
    if (a.headers.get(h) !== b.headers.get(h)) {
      return false;
    }
  }
  return a.headers.has("ETag") || a.headers.has("Last-Modified");
}

async function networkFirst(event, req) {
  const nav = req.mode === "navigate";
  // A navigation is cached by its path: the playground's page (with or
  // without a query such as ?embed=1) at the scope URL, as install keeps it.
  const url = new URL(req.url);
  if (url.searchParams.has("v")) {
    const hit = await caches.match(req, { cacheName: cacheName });
    if (hit) {
      return hit;
    }
  }
  const page = url.origin + url.pathname;
  const scope = self.registration.scope;
  const key = !nav ? req : page === scope || page + "/" === scope || page === scope + "index.html" ? scope : page;
  let resp;
  try {
    // A navigation keeps redirect "manual": a redirect reaches the browser
    // as such instead of as a redirected response it would refuse.
    resp = await fetch(nav ? new Request(req.url, { cache: "no-store", redirect: "manual" })
      : new Request(req, { cache: url.searchParams.has("v") ? "default" : "no-store" }));
  } catch (err) {
    const cached = await caches.match(key, { cacheName: cacheName });
    if (cached) {
      return cached;
    }
    throw err;
  }
  if (resp.status === 200) {
    const copy = resp.clone(); // before the page consumes resp
    event.waitUntil(
      (async () => {
        const cache = await caches.open(cacheName);
        const cached = await cache.match(key);
        if (!cached || !sameBody(cached, copy)) {
          await cache.put(key, copy);
        }
      })()
    );
  }
  return resp;
}
