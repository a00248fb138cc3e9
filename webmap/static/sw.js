/* The one-map's service worker: the page opens without a network and says how old its data is.
 *
 * Served by the app at /sw.js (webmap/pwa.py fills in SETTINGS: the release's version, the
 * shell's files and the app's root). What it keeps:
 * - the shell (the page and its own scripts, styles and images): cached at install, per release;
 *   the page itself is asked of the network first, the files are taken from the cache;
 * - data (the OGC API's answers, the overview's figures, the hillshade): asked of the network
 *   first, and a copy kept only of an answer that may be shared, i.e. without
 *   ``Cache-Control: private`` or ``no-store`` (the server marks every answer that depends on who
 *   asks so, see accounts.policy). Without a network the copy is served with the time it was
 *   fetched, and the page is told so (pwa.js shows it).
 * Signing in or out forgets every kept answer (pwa.js sends "forget").
 * Nothing else is touched: writes, sign-in and other origins go to the network as they are.
 */
"use strict";

const SETTINGS = /*SETTINGS*/{};
const SHELL = `onemap-shell-${SETTINGS.version}`;
const DATA = "onemap-data";
const FETCHED_AT = "X-Onemap-Fetched-At";
const MAX_KEPT = 500; // data answers kept on the device, the oldest dropped first
const ROOT = SETTINGS.root || "";
let servedKept = false; // whether the last data answer came from the kept copies
const DATA_PREFIXES = [`${ROOT}/ogcapi/`, `${ROOT}/webmap/hillshade.png`];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL).then((cache) => cache.addAll(SETTINGS.shell)).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((k) => k.startsWith("onemap-shell-") && k !== SHELL).map((k) => caches.delete(k)),
      ))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (event) => {
  const reply = event.ports && event.ports[0];
  if (event.data && event.data.type === "forget") {
    event.waitUntil(caches.delete(DATA).then(() => { if (reply) reply.postMessage("forgotten"); }));
  }
});

/* Whether an answer may be kept for anyone who opens the page on this device. */
function shareable(response) {
  if (!response.ok || response.type !== "basic") return false;
  const control = (response.headers.get("Cache-Control") || "").toLowerCase();
  return !/(^|[,\s])(private|no-store)([,\s=]|$)/.test(control);
}

async function keep(cacheName, request, response) {
  const body = await response.blob();
  const headers = new Headers(response.headers);
  headers.set(FETCHED_AT, new Date().toISOString());
  const copy = new Response(body, { status: response.status, statusText: response.statusText, headers });
  const cache = await caches.open(cacheName);
  await cache.put(request, copy);
  if (cacheName !== DATA) return;
  // every view asks for its own bbox: keep the newest answers only (keys() lists the oldest first)
  const keys = await cache.keys();
  await Promise.all(keys.slice(0, Math.max(0, keys.length - MAX_KEPT)).map((k) => cache.delete(k)));
}

async function tell(clientId, message) {
  const client = clientId ? await self.clients.get(clientId) : null;
  if (client) client.postMessage(message);
}

/* The network's answer (a copy kept when shareable), else the kept copy, else a network error. */
async function networkFirst(event, cacheName, fallbackKey) {
  const request = event.request;
  try {
    const response = await fetch(request);
    if (shareable(response)) event.waitUntil(keep(cacheName, request, response.clone()));
    if (servedKept) {
      servedKept = false;
      event.waitUntil(tell(event.clientId, { type: "online" }));
    }
    return response;
  } catch (err) {
    const cache = await caches.open(cacheName);
    const kept = await cache.match(request) || (fallbackKey && await cache.match(fallbackKey));
    if (kept) {
      servedKept = true;
      event.waitUntil(tell(event.clientId || event.resultingClientId, {
        type: "offline", fetched_at: kept.headers.get(FETCHED_AT),
      }));
      return kept;
    }
    // a network error, as without the worker (a 503 would make service.js wait and retry)
    return Response.error();
  }
}

async function cacheFirst(request) {
  const kept = await caches.match(request);
  return kept || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === `${ROOT}/`) {
    event.respondWith(networkFirst(event, SHELL, `${ROOT}/`));
  } else if (SETTINGS.shell.includes(url.pathname) && !url.search) {
    event.respondWith(cacheFirst(request));
  } else if (DATA_PREFIXES.some((p) => url.pathname.startsWith(p))) {
    event.respondWith(networkFirst(event, DATA, null));
  }
});
