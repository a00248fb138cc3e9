/* The one-enterprise-one-file completeness (Guangxi Appendix E) in an enterprise's popup, for a
 * signed-in user the archive is open to (staff; an enterprise user for its own): how many E.1
 * items are present, expired and missing, and which. GET {api}/archive/{credit_code}. */
(function () {
  "use strict";

  const TEXT = {
    zh: { title: "一企一档", present: "齐全", expired: "过期", missing: "缺失", items: "过期及缺失条目" },
    en: { title: "Enterprise file (E.1)", present: "present", expired: "expired", missing: "missing", items: "Expired and missing items" },
  };

  /* Whether to ask at all (a hint that spares a refused request; the server decides): the
   * user's grants on the archive (accounts.policy.DOCUMENTS), as /me lists them. */
  function mayAsk(user, code) {
    const grants = user.permissions || [];
    if (grants.includes("read:*") || grants.includes("read:documents")) return true;
    const own = grants.includes("read:*:own") || grants.includes("read:documents:own");
    return own && (user.enterprises || []).includes(code);
  }

  function esc(v) { return window.OneMap.escapeHtml(v === null || v === undefined ? "" : v); }

  async function decorate(app, popup) {
    const account = app.account;
    const root = popup.getElement && popup.getElement();
    const box = root && root.querySelector('.om-popup[data-layer="enterprises"]');
    if (!account || !account.user || !box || box.querySelector(".om-archive")) return;
    const link = box.querySelector("a.om-api");
    if (!link) return;
    const marker = document.createElement("div");
    marker.className = "om-archive";
    box.appendChild(marker); // claimed at once: a second popupopen does not fetch again
    const item = await account.request(link.getAttribute("href").replace(/\?.*$/, "") + "?f=json");
    const code = item.ok ? ((await item.json()).properties || {}).credit_code : null;
    if (!code || !mayAsk(account.user, code)) { marker.remove(); return; }
    const answer = await account.request(`${app.config.api}/archive/${encodeURIComponent(code)}`);
    if (!answer.ok) { marker.remove(); return; }
    const body = await answer.json();
    const t = TEXT[app.lang] || TEXT.zh;
    const zh = app.lang === "zh";
    const gaps = body.items.filter((i) => i.state !== "present")
      .map((i) => `<li data-state="${esc(i.state)}">${esc(i.item)}. ${esc(zh ? i.title_zh : i.title_en)}（${esc(t[i.state])}）</li>`);
    marker.innerHTML = `<p><b>${esc(t.title)}</b>: ${esc(t.present)} <span class="om-archive-present">${body.counts.present}</span>
      · ${esc(t.expired)} <span class="om-archive-expired">${body.counts.expired}</span>
      · ${esc(t.missing)} <span class="om-archive-missing">${body.counts.missing}</span></p>
      <details><summary>${esc(t.items)}</summary><ul>${gaps.join("")}</ul></details>`;
  }

  document.addEventListener("DOMContentLoaded", () => {
    const app = window.onemap;
    if (app) app.map.on("popupopen", (e) => { decorate(app, e.popup); });
  });
})();
