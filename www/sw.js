// Mail Lab's service worker: after one visit, the lab works offline (a student on a train).
// Trunk gives the page's files hashed names; on install this worker reads index.html, finds
// those names, and caches index.html with them in a cache named after the build (its wasm
// file), so a new deploy fills a new cache and the old one is deleted. The page itself is
// fetched from the network first (a new deploy shows at once) and from the cache when offline;
// the build's files, whose names change with their content, from the cache first.
const PREFIX = 'maillab-';
const ASSET = /[^\s'"`=>(),]+\.(?:wasm|js|css|svg)\b/g;

self.addEventListener('install', (event) => {
  self.skipWaiting();
  event.waitUntil(cacheBuild());
});

self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

/** Caches index.html as the network has it now, and the files it names; drops older builds. */
async function cacheBuild(page) {
  const scope = self.registration.scope;
  const response = page ?? await fetch(scope, { cache: 'no-cache' });
  if (!response.ok) return;
  const html = await response.clone().text();
  const files = [...new Set(html.match(ASSET) ?? [])]
    .map((f) => new URL(f, scope).href)
    .filter((f) => f.startsWith(self.location.origin) && !f.endsWith('/sw.js'));
  const wasm = files.find((f) => f.endsWith('.wasm')) ?? 'unknown';
  const name = PREFIX + wasm.split('/').pop();
  const cache = await caches.open(name);
  if (!(await cache.match(wasm))) await cache.addAll(files.filter((f) => f !== scope));
  await cache.put(scope, response);
  for (const old of await caches.keys()) {
    if (old.startsWith(PREFIX) && old !== name) await caches.delete(old);
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || !request.url.startsWith(self.location.origin)) return;
  const scope = self.registration.scope;
  if (request.mode === 'navigate' && new URL(request.url).pathname === new URL(scope).pathname) {
    // The lab's page, whatever its options (?embed=1…): the network's, else the cached one.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) event.waitUntil(cacheBuild(response.clone()).catch(() => {}));
          return response;
        })
        .catch(async () => (await caches.match(scope)) ?? Response.error()),
    );
    return;
  }
  event.respondWith(caches.match(request).then((hit) => hit ?? fetch(request)));
});
