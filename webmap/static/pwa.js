/* The page as an installed app: registers the service worker (sw.js, served at the app's root),
 * shows a banner while the data shown comes from the device's copy (with when it was fetched),
 * and makes the worker forget every kept answer when someone signs in or out. */
(function () {
  "use strict";

  const TEXT = {
    zh: (at) => `离线：显示的是 ${at} 获取的数据`,
    en: (at) => `Offline: showing data fetched ${at}`,
  };
  let banner = null;
  let oldest = null; // the oldest fetch time among the kept answers shown since going offline

  function lang() { return (window.onemap && window.onemap.lang) || "zh"; }

  function when(iso) {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return "?";
    const pad = (n) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }

  function showOffline(fetchedAt) {
    if (fetchedAt && (!oldest || fetchedAt < oldest)) oldest = fetchedAt;
    if (!banner) {
      banner = document.createElement("div");
      banner.className = "om-offline";
      banner.setAttribute("role", "status");
    }
    banner.textContent = TEXT[lang()](oldest ? when(oldest) : "?");
    banner.dataset.fetchedAt = oldest || "";
    if (!banner.isConnected && document.body) document.body.appendChild(banner);
  }

  function back() {
    oldest = null;
    if (banner && banner.isConnected) banner.remove();
  }

  const FORGET_WAIT_MS = 3000; // a worker being replaced may never answer: sign-in goes on

  /* Ask the worker to drop every kept answer; resolves once it has (at once without a worker,
   * and after FORGET_WAIT_MS at the latest, so signing in or out never hangs on it). */
  function forget() {
    const worker = navigator.serviceWorker && navigator.serviceWorker.controller;
    if (!worker) return Promise.resolve();
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve();
      setTimeout(resolve, FORGET_WAIT_MS);
      worker.postMessage({ type: "forget" }, [channel.port2]);
    });
  }

  if ("serviceWorker" in navigator) {
    const root = (document.querySelector('link[rel="manifest"]') || {}).dataset?.root || "";
    navigator.serviceWorker.register(`${root}/sw.js`, { scope: `${root}/` }).catch(() => {
      // no worker (e.g. not a secure context): the page works as before, online only
    });
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && event.data.type === "offline") showOffline(event.data.fetched_at);
      if (event.data && event.data.type === "online") back();
    });
  }
  window.addEventListener("online", back);

  window.OneMapPWA = { forget, showOffline, back };
})();
