/* The characteristic-pollutant catalogue by pollutant (Jiangsu 7.4.5), on the page: choose a
 * pollutant, see every enterprise whose catalogue lists it, in which medium, through which
 * outfalls, and what it was measured to emit (the year's flow-weighted concentration and load
 * from its stored loads, or its accepted manual results), beside what it declared. Read from
 * {api}/collections/pollutant_catalogue/items (public) and the enterprises' names. */
(function () {
  "use strict";

  const TEXT = {
    zh: {
      open: "特征污染物名录", pollutant: "污染物", enterprise: "企业", medium: "介质",
      outfalls: "排放口", measured: "实测浓度", load: "实测年排放量 (t)", declared: "申报年排放量 (t)",
      limit: "限值", none: "无", online: "在线", manual: "手工",
    },
    en: {
      open: "Pollutant catalogue", pollutant: "Pollutant", enterprise: "Enterprise",
      medium: "Medium", outfalls: "Outfalls", measured: "Measured concentration",
      load: "Load measured (t)", declared: "Load declared (t)", limit: "Limit", none: "none",
      online: "online", manual: "manual",
    },
  };
  const MEDIA = {
    wastewater: ["废水", "Wastewater"],
    exhaust: ["废气", "Exhaust"],
    soil_groundwater: ["土壤和地下水", "Soil and groundwater"],
  };

  function esc(v) { return window.OneMap.escapeHtml(v === null || v === undefined ? "" : v); }
  /* Four significant digits, no trailing zeros (62.5, 1000, 0.01235). */
  function number(v) { return v === null || v === undefined ? "" : String(Number(Number(v).toPrecision(4))); }

  class OneMapCatalogue {
    constructor(app) {
      this.app = app;
      this.entries = null;
      const control = L.control({ position: "bottomleft" });
      control.onAdd = () => {
        const div = L.DomUtil.create("div", "om-catalogue leaflet-bar");
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
      };
      control.addTo(app.map);
      this.box = control.getContainer();
      this.box.innerHTML = `<button type="button" class="om-catalogue-open">${esc(this.t("open"))}</button>`
        + `<div class="om-catalogue-body" hidden></div>`;
      const body = this.box.querySelector(".om-catalogue-body");
      this.box.querySelector(".om-catalogue-open").addEventListener("click", async () => {
        body.hidden = !body.hidden;
        if (!body.hidden && !this.entries) await this.load(body);
      });
    }

    t(key) { return (TEXT[this.app.lang] || TEXT.zh)[key]; }

    async get(path) {
      const answer = await fetch(`${this.app.config.api}/collections/${path}`, {
        headers: { Accept: "application/geo+json" }, credentials: "same-origin",
      });
      return answer.ok ? (await answer.json()).features || [] : [];
    }

    async load(body) {
      const [entries, enterprises] = await Promise.all([
        this.get("pollutant_catalogue/items?f=json&limit=10000"),
        this.get("enterprises/items?f=json&limit=10000&properties=name,credit_code&skipGeometry=true"),
      ]);
      this.entries = entries.map((f) => f.properties);
      this.names = Object.fromEntries(enterprises.map((f) => [f.properties.credit_code, f.properties.name]));
      const pollutants = new Map();
      for (const e of this.entries) if (!pollutants.has(e.parameter)) pollutants.set(e.parameter, e.name);
      const options = [...pollutants].sort((a, b) => a[1].localeCompare(b[1], "zh"))
        .map(([code, name]) => `<option value="${esc(code)}">${esc(name)} (${esc(code)})</option>`).join("");
      body.innerHTML = `<label>${esc(this.t("pollutant"))} <select name="parameter">${options}</select></label>`
        + `<div class="om-catalogue-table"></div>`;
      const select = body.querySelector("select[name=parameter]");
      select.addEventListener("change", () => this.show(select.value));
      if (select.value) this.show(select.value);
    }

    /* Every enterprise whose catalogue lists ``code``, the measured ones first. */
    show(code) {
      const zh = this.app.lang === "zh";
      const rows = this.entries.filter((e) => e.parameter === code)
        .sort((a, b) => (b.measured_load_t || 0) - (a.measured_load_t || 0));
      const head = ["enterprise", "medium", "outfalls", "measured", "load", "declared", "limit"]
        .map((k) => `<th>${esc(this.t(k))}</th>`).join("");
      const body = rows.map((e) => {
        const measured = e.measured_concentration === null || e.measured_concentration === undefined
          ? esc(this.t("none"))
          : `${esc(number(e.measured_concentration))} ${esc(e.concentration_unit)} (${esc(this.t(e.measured_from))} ${esc(e.measured_year)})`;
        const medium = MEDIA[e.medium] ? MEDIA[e.medium][zh ? 0 : 1] : e.medium;
        return `<tr data-credit-code="${esc(e.credit_code)}"><td>${esc(this.names[e.credit_code] || e.credit_code)}</td>`
          + `<td>${esc(medium)}</td><td>${esc(e.outfalls)}</td><td class="om-measured">${measured}</td>`
          + `<td>${esc(number(e.measured_load_t))}</td><td>${esc(number(e.annual_load_t))}</td>`
          + `<td>${esc(number(e.limit_value))}</td></tr>`;
      }).join("");
      this.box.querySelector(".om-catalogue-table").innerHTML = `<table class="om-table om-catalogue-rows" data-parameter="${esc(code)}">`
        + `<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (window.onemap) window.onemap.catalogue = new OneMapCatalogue(window.onemap);
  });
  window.OneMapCatalogue = OneMapCatalogue;
})();
