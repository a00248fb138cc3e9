// While the server cannot reach its database it answers 503 with Retry-After: show a banner,
// wait, and send the same request again, so the page's loads finish by themselves once the
// database is back (the banner then goes). Loaded before onemap.js, it wraps window.fetch.
// Also: colours given as data-om-color are applied through the DOM, since the page's
// Content-Security-Policy forbids inline style="" attributes.
(function () {
  "use strict";
  const nativeFetch = window.fetch.bind(window);
  const MAX_WAIT_S = 30;
  let banner = null;
  let waiting = 0;

  function showBanner() {
    if (!banner) {
      banner = document.createElement("div");
      banner.className = "om-unavailable";
      banner.setAttribute("role", "status");
      banner.textContent = "数据库暂时不可用，正在重试… / The database is unavailable, retrying…";
    }
    if (!banner.isConnected && document.body) document.body.appendChild(banner);
  }

  function hideBanner() {
    if (banner && banner.isConnected && waiting === 0) banner.remove();
  }

  function delayOf(response) {
    const seconds = Number(response.headers.get("Retry-After"));
    return Math.min(Number.isFinite(seconds) && seconds > 0 ? seconds : 5, MAX_WAIT_S) * 1000;
  }

  async function fetchRetrying(input, init) {
    // Only requests that can be sent again unchanged (a Request's body can be read once).
    if (input instanceof Request && input.bodyUsed) return nativeFetch(input, init);
    for (;;) {
      const response = await nativeFetch(input instanceof Request ? input.clone() : input, init);
      if (response.status !== 503) {
        hideBanner();
        return response;
      }
      waiting += 1;
      showBanner();
      try {
        await new Promise((resolve) => setTimeout(resolve, delayOf(response)));
      } finally {
        waiting -= 1;
      }
    }
  }
  window.fetch = fetchRetrying;

  function colour(root) {
    const marked = root.querySelectorAll ? root.querySelectorAll("[data-om-color]") : [];
    for (const el of marked) el.style.background = el.getAttribute("data-om-color");
  }
  function watch() {
    colour(document);
    new MutationObserver((records) => {
      for (const r of records) for (const n of r.addedNodes) if (n.nodeType === 1) {
        if (n.hasAttribute("data-om-color")) n.style.background = n.getAttribute("data-om-color");
        colour(n);
      }
    }).observe(document.documentElement, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watch);
  else watch();
})();
