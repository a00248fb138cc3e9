/* What enterprises declare and the office reviews (Jiangsu 7.1.1, 7.4.2-7.4.9), on the page.
 *
 * Signed in, the declared layers of GET /forms (solid waste, LDAR, energy, carbon, manual
 * monitoring, operating conditions) fill a panel: choose one, see its rows with the state of
 * each (submitted, accepted, returned with the reason), enter a new one with the layer's form
 * (POST {api}/collections/{id}/items: an enterprise's row is submitted for review), and, for
 * the office (the form's "review"), accept a submitted row or return it with a reason
 * (POST …/items/{id}/review). The server decides everything; the panel only shows its answers. */
(function () {
  "use strict";

  const TEXT = {
    zh: {
      open: "申报与审核", layer: "申报类别", add: "新申报", submit: "提交", cancel: "取消",
      accept: "通过", giveBack: "退回", reason: "退回原因", none: "暂无记录", waiting: "待审核",
      all: "全部", state: "审核状态", submitted: "已提交，待审核", failed: "失败",
    },
    en: {
      open: "Declarations", layer: "Register", add: "New declaration", submit: "Submit",
      cancel: "Cancel", accept: "Accept", giveBack: "Return", reason: "Reason returned",
      none: "no rows", waiting: "To review", all: "All", state: "Review",
      submitted: "Submitted for review", failed: "failed",
    },
  };
  const STATES = {
    submitted: ["已申报待审核", "Submitted"],
    accepted: ["已通过", "Accepted"],
    returned: ["已退回", "Returned"],
  };
  const GEOJSON = "application/geo+json";

  function esc(v) { return window.OneMap.escapeHtml(v === null || v === undefined ? "" : v); }

  class OneMapDeclarations {
    constructor(app) {
      this.app = app;
      this.forms = [];
      const control = L.control({ position: "bottomleft" });
      control.onAdd = () => {
        const div = L.DomUtil.create("div", "om-declarations leaflet-bar");
        div.hidden = true;
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
      };
      control.addTo(app.map);
      this.box = control.getContainer();
      document.addEventListener("onemap:account", () => this.follow());
    }

    t(key) { return (TEXT[this.app.lang] || TEXT.zh)[key]; }
    zh() { return this.app.lang === "zh"; }
    account() { return this.app.account; }
    request(url, options) { return this.account().request(url, options); }

    follow() {
      const account = this.account();
      const forms = account && account.user ? Object.values(account.forms).filter((f) => f.declared) : [];
      this.forms = forms;
      this.box.hidden = !forms.length;
      if (!forms.length) { this.box.innerHTML = ""; return; }
      const options = forms.map((f) => `<option value="${esc(f.id)}">${esc(this.app.title(f))}</option>`).join("");
      this.box.innerHTML = `<button type="button" class="om-declarations-open">${esc(this.t("open"))}</button>`
        + `<div class="om-declarations-body" hidden>`
        + `<label>${esc(this.t("layer"))} <select name="layer">${options}</select></label>`
        + `<div class="om-declarations-tools"></div><form class="om-declaration-form" hidden></form>`
        + `<div class="om-declarations-message" role="alert"></div>`
        + `<div class="om-declarations-list"></div></div>`;
      const body = this.box.querySelector(".om-declarations-body");
      this.box.querySelector(".om-declarations-open").addEventListener("click", () => {
        body.hidden = !body.hidden;
        if (!body.hidden) this.show();
      });
      this.box.querySelector("select[name=layer]").addEventListener("change", () => this.show());
    }

    form() {
      const id = this.box.querySelector("select[name=layer]").value;
      return this.forms.find((f) => f.id === id);
    }

    say(text) { this.box.querySelector(".om-declarations-message").textContent = text || ""; }

    /* The chosen register: its tools (new, and the reviewer's filter) and its rows. */
    async show(message) {
      const form = this.form();
      const tools = this.box.querySelector(".om-declarations-tools");
      const creatable = form.writable && !form.geometry && form.fields.length;
      const filter = form.review
        ? `<select name="state"><option value="submitted">${esc(this.t("waiting"))}</option>`
          + `<option value="">${esc(this.t("all"))}</option></select>` : "";
      tools.innerHTML = (creatable ? `<button type="button" class="om-declare">${esc(this.t("add"))}</button>` : "") + filter;
      if (creatable) tools.querySelector(".om-declare").addEventListener("click", () => this.newForm(form));
      if (form.review) tools.querySelector("select[name=state]").addEventListener("change", () => this.list(form));
      this.box.querySelector(".om-declaration-form").hidden = true;
      this.say(message);
      await this.list(form);
    }

    /* Up to 100 rows the server lets the user read: an enterprise's own, the office's all
     * (or those waiting for review). */
    async list(form) {
      const holder = this.box.querySelector(".om-declarations-list");
      const q = new URLSearchParams({ f: "json", limit: "100", sortby: "-id" }); // newest first
      const state = this.box.querySelector(".om-declarations-tools select[name=state]");
      if (state && state.value) q.set("review_status", state.value);
      const answer = await this.request(`${this.app.config.api}/collections/${form.id}/items?${q}`, {
        headers: { Accept: GEOJSON },
      });
      if (!answer.ok) { holder.textContent = `${this.t("failed")} (${answer.status})`; return; }
      const features = (await answer.json()).features || [];
      if (!features.length) { holder.innerHTML = `<p>${esc(this.t("none"))}</p>`; return; }
      const shown = form.fields.length ? form.fields.slice(0, 4) : [];
      const head = shown.map((f) => `<th>${esc(this.app.title(f))}</th>`).join("") + `<th>${esc(this.t("state"))}</th>`
        + (form.review ? "<th></th>" : "");
      const rows = features.map((feature) => {
        const p = feature.properties || {};
        const names = STATES[p.review_status] || [p.review_status, p.review_status];
        const reason = p.review_status === "returned" && p.review_reason ? `：${esc(p.review_reason)}` : "";
        const cells = shown.map((f) => `<td>${esc(this.shown(f, p[f.name]))}</td>`).join("");
        const act = form.review && p.review_status === "submitted"
          ? `<td><button type="button" class="om-accept">${esc(this.t("accept"))}</button>`
            + `<input name="reason" placeholder="${esc(this.t("reason"))}">`
            + `<button type="button" class="om-return">${esc(this.t("giveBack"))}</button></td>`
          : (form.review ? "<td></td>" : "");
        return `<tr data-id="${esc(feature.id)}" data-state="${esc(p.review_status)}">${cells}`
          + `<td class="om-review-state">${esc(names[this.zh() ? 0 : 1])}${reason}</td>${act}</tr>`;
      }).join("");
      holder.innerHTML = `<table class="om-table om-declared" data-layer="${esc(form.id)}"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
      holder.querySelectorAll("tr[data-id]").forEach((tr) => {
        const accept = tr.querySelector(".om-accept");
        if (!accept) return;
        accept.addEventListener("click", () => this.review(form, tr.dataset.id, "accept", null));
        tr.querySelector(".om-return").addEventListener("click", () => {
          this.review(form, tr.dataset.id, "return", tr.querySelector("input[name=reason]").value.trim());
        });
      });
    }

    /* A value as the form names it: an enumeration's label. */
    shown(field, value) {
      const c = field.choices.find((x) => String(x.value) === String(value));
      return c ? this.app.title(c) : value;
    }

    async review(form, id, decision, reason) {
      const url = `${this.app.config.api}/collections/${form.id}/items/${encodeURIComponent(id)}/review`;
      const answer = await this.request(url, {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify(reason === null ? { decision } : { decision, reason }),
      });
      const body = await answer.json().catch(() => ({}));
      if (!answer.ok) { this.say(body.description || `${this.t("failed")} (${answer.status})`); return; }
      await this.show();
    }

    /* A new row of a table register, from the layer's form (the page's edit inputs). */
    newForm(form) {
      const el = this.box.querySelector(".om-declaration-form");
      const account = this.account();
      const rows = form.fields.map((f) => {
        const title = `${this.app.title(f)}${f.unit ? ` (${f.unit})` : ""}`;
        const mark = f.required ? " *" : "";
        const value = f.name === form.owner_field && form.owners && form.owners.length === 1 ? form.owners[0] : null;
        return `<label class="om-field" data-field="${esc(f.name)}"><span>${esc(title)}${mark}</span>`
          + `${account.input(f, value)}<span class="om-field-error" role="alert"></span></label>`;
      }).join("");
      el.innerHTML = `<h5>${esc(this.app.title(form))}</h5>${rows}`
        + `<button type="submit">${esc(this.t("submit"))}</button> <button type="button" class="om-cancel">${esc(this.t("cancel"))}</button>`;
      el.hidden = false;
      el.querySelector(".om-cancel").addEventListener("click", () => { el.hidden = true; });
      el.onsubmit = (e) => { e.preventDefault(); this.create(form, el); };
    }

    async create(form, el) {
      el.querySelectorAll(".om-field-error").forEach((s) => { s.textContent = ""; });
      const properties = this.account().changes(el, form, {});
      const answer = await this.request(`${this.app.config.api}/collections/${form.id}/items`, {
        method: "POST", headers: { "Content-Type": GEOJSON },
        body: JSON.stringify({ type: "Feature", geometry: null, properties }),
      });
      const body = await answer.json().catch(() => ({}));
      if (!answer.ok) {
        const message = body.description || `${this.t("failed")} (${answer.status})`;
        // the server names the field: "月份(period) …", "… period …" or, a field's own check,
        // its Chinese title first ("…: 废物代码 999-999-99 不在名录格式内 …")
        const named = form.fields.find((f) => message.includes(`(${f.name})`) || message.includes(` ${f.name} `))
          || form.fields.find((f) => message.startsWith(`${f.zh} `) || message.includes(`: ${f.zh} `));
        const slot = named && el.querySelector(`.om-field[data-field="${named.name}"] .om-field-error`);
        if (slot) slot.textContent = message;
        this.say(message);
        return;
      }
      el.hidden = true;
      const state = body.properties && body.properties.review_status;
      await this.show(state === "submitted" ? this.t("submitted") : "");
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (window.onemap && window.onemap.account) {
      window.onemap.declarations = new OneMapDeclarations(window.onemap);
      window.onemap.declarations.follow();
    }
  });
  window.OneMapDeclarations = OneMapDeclarations;
})();
