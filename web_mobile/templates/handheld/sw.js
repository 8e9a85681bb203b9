// scantrack's service worker: keeps the app shell so the scan screen reloads offline.
// The cache name is a digest of the shell: a changed file is a new worker and a new cache.
const CACHE = "scantrack-shell-{{ version }}";
const SHELL = {{ shell | safe }};
const PAGES = new Set(["/", "/scan", "/enrol"]);
// Pages come from the network while it answers (so they are fresh), from the cache when
// it does not; a dead WLAN can hang instead of failing, hence the time limit.
const NETWORK_WAIT_MS = 4000;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("scantrack-shell-") && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

function fromNetwork(request) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("network timeout")), NETWORK_WAIT_MS);
    fetch(request).then((resp) => { clearTimeout(timer); resolve(resp); },
                        (err) => { clearTimeout(timer); reject(err); });
  });
}

async function page(request, path) {
  const cache = await caches.open(CACHE);
  try {
    const resp = await fromNetwork(request);
    if (resp.ok) cache.put(path, resp.clone());
    return resp;
  } catch (err) {
    const cached = await cache.match(path);
    if (cached) return cached;
    throw err;
  }
}

async function asset(request) {
  const cached = await caches.match(request, { cacheName: CACHE });
  return cached || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // The API and Socket.IO are never cached: what they answer must be live.
  if (PAGES.has(url.pathname) && request.mode === "navigate") {
    event.respondWith(page(request, url.pathname));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(asset(request));
  }
});
