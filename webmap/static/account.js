/* Signing in and editing on the one-map page.
 *
 * A control holds the sign-in form (POST /login; the session cookie is HttpOnly, the CSRF
 * token comes back in the answer and from GET /me). Signed in, the user's edit forms come from
 * GET /forms (rendered from the layer registry, limited by the policy): a popup of a layer the
 * user may write gets an Edit button; the form shows Chinese titles with units, enumerations as
 * selects of their labels and required marks; Save sends a merge patch with If-Match and the
 * CSRF token, and the server's validation message is shown next to the field it names. Points
 * are moved by clicking the map. An enterprise user's own records are listed first.
 * Nothing here decides what is allowed: the server does, on every request. */
(function () {
  "use strict";

  const TEXT = {
    zh: {
      signIn: "登录", signOut: "退出", login: "登录名", password: "密码", submit: "登录",
      edit: "编辑", save: "保存", cancel: "取消", saved: "已保存", move: "在地图上点击新位置",
      moved: "新位置已选定，保存后生效", mine: "本企业的记录", failed: "失败", required: "必填",
      stale: "该要素已被他人修改，请关闭后重新打开", none: "（空）",
    },
    en: {
      signIn: "Sign in", signOut: "Sign out", login: "Login", password: "Password",
      submit: "Sign in", edit: "Edit", save: "Save", cancel: "Cancel", saved: "Saved",
      move: "Click the map for the new position", moved: "New position chosen: save to keep it",
      mine: "Your enterprise's records", failed: "failed", required: "required",
      stale: "Changed by someone else meanwhile: close and open it again", none: "(none)",
    },
  };
  const PAGE = { "X-Onemap-Page": "1" }; // no Basic challenge (and browser dialog) on a 401

  function esc(v) { return window.OneMap.escapeHtml(v); }

  class OneMapAccount {
    constructor(app) {
      this.app = app;
      this.user = null;
      this.csrf = null;
      this.forms = {};
      const control = L.control({ position: "topright" });
      control.onAdd = () => {
        const div = L.DomUtil.create("div", "om-account leaflet-bar");
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        this.box = div;
        return div;
      };
      control.addTo(app.map);
      app.map.on("popupopen", (e) => this.decoratePopup(e.popup));
      this.refresh();
    }

    t(key) { return (TEXT[this.app.lang] || TEXT.zh)[key]; }

    async request(url, options) {
      const headers = Object.assign({}, PAGE, (options && options.headers) || {});
      if (this.csrf && options && options.method && options.method !== "GET") {
        headers["X-CSRF-Token"] = this.csrf;
      }
      return fetch(url, Object.assign({}, options, { headers, credentials: "same-origin" }));
    }

    async refresh() {
      // ask who is signed in only when a session may exist (no 401 for an anonymous visit)
      const maybe = document.cookie.split(";").some((c) => c.trim().startsWith("onemap_signed_in="));
      const me = maybe ? await this.request(`${this.app.config.root}/me`).catch(() => null) : null;
      if (maybe && !(me && me.ok)) document.cookie = "onemap_signed_in=; max-age=0; path=/";
      if (me && me.ok) {
        const body = await me.json();
        this.user = body;
        this.csrf = body.csrf_token || null;
        const [forms, layers] = await Promise.all([
          this.request(`${this.app.config.root}/forms`),
          this.request(`${this.app.config.root}/page/layers`),
        ]);
        this.forms = {};
        if (forms.ok) for (const f of (await forms.json()).layers) this.forms[f.id] = f;
        if (layers.ok) this.app.personalise(await layers.json());
      } else {
        const was = this.user;
        this.user = null;
        this.csrf = null;
        this.forms = {};
        if (was) this.app.personalise(null);
      }
      this.render();
    }

    render() {
      // other panels follow who is signed in (cases.js: the list of cases waiting for them)
      document.dispatchEvent(new CustomEvent("onemap:account", { detail: this.user }));
      if (!this.user) {
        this.box.innerHTML = `<button type="button" class="om-sign-in-open">${esc(this.t("signIn"))}</button>`
          + `<form class="om-sign-in" hidden>`
          + `<label>${esc(this.t("login"))}<input name="login" autocomplete="username" required></label>`
          + `<label>${esc(this.t("password"))}<input name="password" type="password" autocomplete="current-password" required></label>`
          + `<button type="submit">${esc(this.t("submit"))}</button><div class="om-error" role="alert"></div></form>`;
        const form = this.box.querySelector("form");
        this.box.querySelector(".om-sign-in-open").addEventListener("click", () => { form.hidden = !form.hidden; });
        form.addEventListener("submit", (e) => { e.preventDefault(); this.signIn(form); });
        return;
      }
      const u = this.user;
      this.box.innerHTML = `<div class="om-user"><span class="om-login">${esc(u.login)}</span> `
        + `<span class="om-role">(${esc(u.role)})</span> `
        + `<button type="button" class="om-sign-out">${esc(this.t("signOut"))}</button></div>`
        + `<div class="om-mine"></div>`;
      this.box.querySelector(".om-sign-out").addEventListener("click", () => this.signOut());
      if (u.enterprises && u.enterprises.length) this.listMine();
    }

    async signIn(form) {
      const data = { login: form.login.value, password: form.password.value };
      const response = await this.request(`${this.app.config.root}/login`, {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(data),
      });
      if (!response.ok) {
        const body = await response.json().catch(() => ({}));
        form.querySelector(".om-error").textContent = body.description || `${this.t("failed")} (${response.status})`;
        return;
      }
      if (window.OneMapPWA) await window.OneMapPWA.forget(); // answers kept for someone else
      await this.refresh();
    }

    async signOut() {
      await this.request(`${this.app.config.root}/logout`, { method: "POST" });
      if (window.OneMapPWA) await window.OneMapPWA.forget(); // nothing of this user stays
      await this.refresh();
    }

    /* An enterprise user's own records, first: its rows of each layer it may write. */
    async listMine() {
      const holder = this.box.querySelector(".om-mine");
      const items = [];
      for (const form of Object.values(this.forms)) {
        const cfg = this.app.layers[form.id] && this.app.layers[form.id].cfg;
        if (!cfg || !form.owner_field || !form.owners) continue;
        for (const code of form.owners) {
          const q = new URLSearchParams({ f: "json", limit: "50", [form.owner_field]: code });
          const r = await this.request(`${this.app.config.api}/collections/${form.id}/items?${q}`);
          if (!r.ok) continue;
          for (const f of (await r.json()).features) items.push({ cfg, feature: f });
        }
      }
      if (!items.length) return;
      holder.innerHTML = `<h5>${esc(this.t("mine"))}</h5><ul>` + items.map((it, i) => {
        const p = it.feature.properties;
        const label = p.name || p.code || p[it.cfg.key[0]] || it.feature.id;
        return `<li><a href="#" data-i="${i}">${esc(this.app.title(it.cfg))} · ${esc(label)}</a></li>`;
      }).join("") + "</ul>";
      holder.querySelectorAll("a[data-i]").forEach((a) => a.addEventListener("click", (e) => {
        e.preventDefault();
        const it = items[Number(a.dataset.i)];
        this.app.show(it.cfg, it.feature);
      }));
    }

    /* ---- editing ---- */
    decoratePopup(popup) {
      const root = popup.getElement && popup.getElement();
      const box = root && root.querySelector(".om-popup");
      if (!box || box.querySelector(".om-edit")) return;
      const form = this.forms[box.dataset.layer];
      const api = box.querySelector("a.om-api");
      const match = api && api.getAttribute("href").match(/\/items\/([^/?]+)/);
      if (!form || !match) return;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "om-edit";
      button.textContent = this.t("edit");
      button.addEventListener("click", () => this.openForm(popup, box, form, decodeURIComponent(match[1])));
      box.appendChild(button);
    }

    input(field, value) {
      const name = esc(field.name);
      const v = value === null || value === undefined ? "" : value;
      if (field.choices.length) {
        const options = [`<option value="">${esc(this.t("none"))}</option>`].concat(field.choices.map((c) => {
          const selected = String(c.value) === String(v) ? " selected" : "";
          return `<option value="${esc(c.value)}"${selected}>${esc(this.app.title(c))}</option>`;
        }));
        return `<select name="${name}">${options.join("")}</select>`;
      }
      if (field.type === "boolean") {
        const pick = (x, label) => `<option value="${x}"${String(v) === x ? " selected" : ""}>${label}</option>`;
        return `<select name="${name}"><option value="">${esc(this.t("none"))}</option>`
          + `${pick("true", esc(this.app.t("yes")))}${pick("false", esc(this.app.t("no")))}</select>`;
      }
      if (field.type === "integer" || field.type === "real") {
        const bounds = (field.minimum !== null ? ` min="${field.minimum}"` : "")
          + (field.maximum !== null ? ` max="${field.maximum}"` : "");
        const step = field.type === "integer" ? "1" : "any";
        return `<input name="${name}" type="number" step="${step}"${bounds} value="${esc(v)}">`;
      }
      const text = Array.isArray(v) ? v.join(";") : v;
      return `<input name="${name}" value="${esc(text)}">`;
    }

    async openForm(popup, box, form, fid) {
      const url = `${this.app.config.api}/collections/${form.id}/items/${encodeURIComponent(fid)}?f=json`;
      const response = await this.request(url, { headers: { Accept: "application/geo+json" } });
      if (!response.ok) return;
      const etag = response.headers.get("ETag");
      const feature = await response.json();
      const props = feature.properties || {};
      const rows = form.fields.map((f) => {
        const title = `${this.app.title(f)}${f.unit ? ` (${f.unit})` : ""}`;
        const mark = f.required ? ` <abbr class="om-required" title="${esc(this.t("required"))}">*</abbr>` : "";
        return `<label class="om-field" data-field="${esc(f.name)}"><span>${esc(title)}${mark}</span>`
          + `${this.input(f, props[f.name])}<span class="om-field-error" role="alert"></span></label>`;
      }).join("");
      const move = form.geometry === "POINT" ? `<button type="button" class="om-move">${esc(this.t("move"))}</button>` : "";
      // the popup's content becomes the form (a node: Leaflet would re-render an HTML string)
      box = document.createElement("div");
      box.className = "om-popup om-editing";
      box.innerHTML = `<form class="om-edit-form" data-layer="${esc(form.id)}"><h4>${esc(this.app.title(form))}</h4>${rows}`
        + `<div class="om-edit-actions">${move}<button type="submit" class="om-save">${esc(this.t("save"))}</button>`
        + `<button type="button" class="om-cancel">${esc(this.t("cancel"))}</button></div>`
        + `<div class="om-error" role="alert"></div></form>`;
      popup.setContent(box);
      const el = box.querySelector("form");
      let geometry = null;
      el.querySelector(".om-cancel").addEventListener("click", () => this.app.map.closePopup(popup));
      const moveButton = el.querySelector(".om-move");
      if (moveButton) {
        moveButton.addEventListener("click", () => {
          this.app.map.getContainer().classList.add("om-picking");
          this.app.map.once("click", (e) => {
            this.app.map.getContainer().classList.remove("om-picking");
            geometry = { type: "Point", coordinates: [e.latlng.lng, e.latlng.lat] };
            moveButton.textContent = this.t("moved");
            popup.setLatLng(e.latlng);
          });
        });
      }
      el.dataset.etag = etag || "";
      el.addEventListener("submit", (e) => {
        e.preventDefault();
        this.save(popup, el, form, feature, geometry);
      });
    }

    changes(el, form, props) {
      const out = {};
      for (const f of form.fields) {
        const input = el.elements[f.name];
        if (!input) continue;
        const raw = input.value.trim();
        let value = raw === "" ? null : raw;
        if (value !== null && (f.type === "integer" || f.type === "real")) value = Number(raw);
        if (value !== null && f.type === "boolean") value = raw === "true";
        if (value !== null && f.type === "integer" && f.choices.length) value = Number(raw);
        if (value !== null && f.type === "text[]") value = raw.split(/[;；,，]/).map((s) => s.trim()).filter(Boolean);
        const before = props[f.name] === undefined ? null : props[f.name];
        if (JSON.stringify(before) !== JSON.stringify(value)) out[f.name] = value;
      }
      return out;
    }

    async save(popup, el, form, feature, geometry) {
      const etag = el.dataset.etag;
      el.querySelectorAll(".om-field-error").forEach((s) => { s.textContent = ""; });
      const patch = { properties: this.changes(el, form, feature.properties || {}) };
      if (geometry) patch.geometry = geometry;
      const headers = { "Content-Type": "application/merge-patch+json" };
      if (etag) headers["If-Match"] = etag;
      const url = `${this.app.config.api}/collections/${form.id}/items/${encodeURIComponent(feature.id)}`;
      const response = await this.request(url, { method: "PATCH", headers, body: JSON.stringify(patch) });
      const body = await response.json().catch(() => ({}));
      if (!response.ok) {
        const message = response.status === 412 ? this.t("stale") : (body.description || `HTTP ${response.status}`);
        // the server names the field: "环境风险等级(risk_level) …" or "… risk_level …"
        const named = form.fields.find((f) => message.includes(`(${f.name})`) || message.includes(` ${f.name} `));
        const slot = named && el.querySelector(`.om-field[data-field="${named.name}"] .om-field-error`);
        (slot || el.querySelector(".om-error")).textContent = message;
        return;
      }
      // the saved version is the one to change next; its values the ones to compare with
      el.dataset.etag = response.headers.get("ETag") || "";
      if (body.properties) feature.properties = body.properties;
      el.querySelector(".om-error").textContent = this.t("saved");
      el.dataset.saved = "true";
      const state = this.app.layers[form.id];
      if (state) this.app.load(state);
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (window.onemap) window.onemap.account = new OneMapAccount(window.onemap);
  });
  window.OneMapAccount = OneMapAccount;
})();
