/* Filing a complaint without an account (Guangxi A.1 item 13): click the place on the map, say
 * what is wrong, add a photo if you have one; the answer is a receipt code, and the same panel
 * looks a receipt code up (its state and the dates of each step, nothing else).
 * POST {api}/complaints (multipart: lon, lat, description, photo), GET {api}/complaints/{code}. */
(function () {
  "use strict";

  const TEXT = {
    zh: {
      title: "我要投诉", place: "位置", description: "问题描述", photo: "照片（可选）", send: "提交投诉",
      sending: "提交中…", receipt: "回执码（请保存，用于查询进度）", state: "当前状态", lookup: "查询回执",
      code: "回执码", find: "查询", failed: "提交失败",
    },
    en: {
      title: "File a complaint", place: "Place", description: "What is wrong", photo: "Photo (optional)",
      send: "Send the complaint", sending: "sending…", receipt: "Receipt code (keep it to follow the complaint)",
      state: "State", lookup: "Look up a receipt", code: "Receipt code", find: "Look up", failed: "Not sent",
    },
  };

  function t(tools, key) { return TEXT[tools.app.lang][key] || key; }
  function esc(v) { return window.OneMap.escapeHtml(v === null || v === undefined ? "" : v); }

  /* A same-origin request; a signed-in page session repeats its CSRF token (account.js). */
  function send(url, options) {
    const account = window.onemap && window.onemap.account;
    if (account) return account.request(url, options);
    return fetch(url, Object.assign({ credentials: "same-origin" }, options));
  }

  /* A time of the API (UTC) in the browser's own zone: 2026-12-03 22:59. */
  function localTime(iso) {
    const d = new Date(iso);
    const pad = (n) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }

  function stateLines(tools, body) {
    const zh = tools.app.lang === "zh";
    const steps = (body.steps || []).map((s) => `<li>${esc(localTime(s.time))} ${esc(zh ? s.zh : s.en)}</li>`);
    const title = (body.state_title || "").split(" / ")[zh ? 0 : 1] || body.state;
    return `<p>${esc(t(tools, "state"))}: <b class="om-complaint-state">${esc(title)}</b></p><ol>${steps.join("")}</ol>`;
  }

  function panel(tools, latlng) {
    const api = tools.app.config.api;
    const wrap = document.createElement("div");
    wrap.className = "om-complaint";
    const place = latlng ? `${latlng.lng.toFixed(5)}, ${latlng.lat.toFixed(5)}` : "";
    wrap.innerHTML = `<h4>${esc(t(tools, "title"))}</h4>
      <form class="om-complaint-form">
        <p>${esc(t(tools, "place"))}: <span class="om-complaint-place">${esc(place)}</span></p>
        <label>${esc(t(tools, "description"))}<textarea name="description" rows="3" required maxlength="2000"></textarea></label>
        <label>${esc(t(tools, "photo"))}<input type="file" name="photo" accept="image/jpeg,image/png"></label>
        <button type="submit">${esc(t(tools, "send"))}</button>
      </form>
      <div class="om-complaint-answer"></div>
      <form class="om-receipt-form">
        <label>${esc(t(tools, "lookup"))}<input name="receipt" placeholder="XXXX-XXXX-XXXX" maxlength="20"></label>
        <button type="submit">${esc(t(tools, "find"))}</button>
      </form>
      <div class="om-receipt-answer"></div>`;
    const answer = wrap.querySelector(".om-complaint-answer");
    const form = wrap.querySelector(".om-complaint-form");
    if (!latlng) form.hidden = true;
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const data = new FormData();
      data.append("lon", latlng.lng.toFixed(6));
      data.append("lat", latlng.lat.toFixed(6));
      data.append("description", form.elements.description.value);
      const photo = form.elements.photo.files[0];
      if (photo) data.append("photo", photo, photo.name);
      answer.textContent = t(tools, "sending");
      const response = await send(`${api}/complaints`, { method: "POST", body: data });
      const body = await response.json().catch(() => ({}));
      if (!response.ok) {
        answer.innerHTML = `<p class="om-error">${esc(t(tools, "failed"))}: ${esc(body.description || response.status)}</p>`;
        return;
      }
      form.hidden = true;
      answer.innerHTML = `<p>${esc(t(tools, "receipt"))}:</p><p class="om-receipt-code">${esc(body.receipt)}</p>${stateLines(tools, body)}`;
    });
    const lookup = wrap.querySelector(".om-receipt-form");
    lookup.addEventListener("submit", async (e) => {
      e.preventDefault();
      const out = wrap.querySelector(".om-receipt-answer");
      const code = lookup.elements.receipt.value.trim();
      const response = await send(`${api}/complaints/${encodeURIComponent(code)}`, { method: "GET" });
      const body = await response.json().catch(() => ({}));
      out.innerHTML = response.ok ? stateLines(tools, body) : `<p class="om-error">${esc(body.description || response.status)}</p>`;
    });
    return wrap;
  }

  function pick(tools, { latlng }) {
    tools.result.clearLayers();
    L.circleMarker(latlng, { ...tools.vector, radius: 8, color: "#000", weight: 2, fillColor: "#ffeb3b", fillOpacity: 1,
      className: "om-complaint-marker" }).addTo(tools.result);
    const node = panel(tools, latlng);
    tools.lastTable = () => node; // the same form when the panel is redrawn: what is typed stays
    tools.show(node);
  }

  if (window.OneMapTools) {
    window.OneMapTools.register({
      id: "complaint", process: "complaint", title: { zh: "我要投诉（点击地图选位置）", en: "File a complaint (click the place)" },
      pick, draw: () => null,
    });
  }
})();
