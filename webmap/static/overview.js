/* The park at a glance (Jiangsu 7.8.1), the first panel (on a phone, the first sheet): the AQI
 * now per air station and the park's worst with its grade colour, today's and this month's
 * exceedances by medium, stations offline, enterprises by risk level (a count filters the map),
 * and 30-day sparklines of the park's daily AQI and of the exceedance counts. Every figure comes
 * from the API's summary endpoints (config.summary, geoapi/summary.py): nothing is counted from
 * the features in the browser. */
(function () {
  "use strict";

  const TEXT = {
    zh: {
      asOf: "数据截至", aqiNow: "空气质量（小时AQI）", worst: "园区最差", noAqi: "暂无AQI",
      exceedances: "超标事件", today: "今日", month: "本月", offline: "离线站点",
      enterprises: "企业环境风险", all: "全部", trendAqi: "近30日园区日AQI（最差站点）",
      trendEvents: "近30日每日超标事件数", failed: "概览加载失败", loading: "加载中…",
      none: "无", stations: "站点",
    },
    en: {
      asOf: "Data as of", aqiNow: "Air quality (hourly AQI)", worst: "Park's worst", noAqi: "no AQI yet",
      exceedances: "Exceedance events", today: "Today", month: "This month", offline: "Stations offline",
      enterprises: "Enterprises by risk", all: "All", trendAqi: "Park's daily AQI, 30 days (worst station)",
      trendEvents: "Exceedance events per day, 30 days", failed: "overview failed to load", loading: "loading…",
      none: "none", stations: "stations",
    },
  };
  const SPARK_W = 220;
  const SPARK_H = 36;

  function esc(v) { return window.OneMap.escapeHtml(v === null || v === undefined ? "" : v); }

  /* Bars, one per day, scaled to the largest value; a bar's colour from ``colour(d)``. */
  function sparkline(days, value, colour, label) {
    const top = Math.max(1, ...days.map((d) => value(d) || 0));
    const step = SPARK_W / Math.max(1, days.length);
    const bars = days.map((d, i) => {
      const v = value(d);
      if (!v) return ""; // no value, or none that day
      const h = Math.max(1, (v / top) * (SPARK_H - 2));
      return `<rect x="${(i * step).toFixed(1)}" y="${(SPARK_H - h).toFixed(1)}" width="${Math.max(1, step - 1).toFixed(1)}"`
        + ` height="${h.toFixed(1)}" fill="${esc(colour(d))}"><title>${esc(d.date)} ${esc(v)}</title></rect>`;
    }).join("");
    return `<svg class="om-spark" viewBox="0 0 ${SPARK_W} ${SPARK_H}" width="${SPARK_W}" height="${SPARK_H}"`
      + ` role="img" aria-label="${esc(label)}">${bars}</svg>`;
  }

  class OneMapOverview {
    constructor(app) {
      this.app = app;
      this.data = {};
      this.failed = false;
      this.filter = null; // the risk level the enterprises are filtered to
      this.control = L.control({ position: "topleft" });
      this.control.onAdd = () => {
        const div = L.DomUtil.create("div", "om-overview leaflet-bar");
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        div.addEventListener("click", (e) => {
          const button = e.target.closest("button[data-risk]");
          if (button) this.filterRisk(button.dataset.risk || null);
        });
        return div;
      };
      this.control.addTo(app.map);
      this.render();
      this.ready = this.load();
    }

    t(key) { return TEXT[this.app.lang][key] || key; }

    async load() {
      const paths = this.app.config.summary || {};
      const names = Object.keys(paths);
      const results = await Promise.all(names.map((name) => this.app
        .getJSON(`${this.app.config.api}${paths[name]}?f=json`).catch(() => null)));
      names.forEach((name, i) => { this.data[name] = results[i]; });
      this.failed = results.some((r) => r === null);
      this.loaded = true;
      this.render();
      this.app.map.getContainer().dataset.overview = "ready";
    }

    render() {
      const div = this.control.getContainer();
      if (!div) return;
      const parts = [];
      if (!this.loaded) parts.push(`<div class="om-ov-note">${this.t("loading")}</div>`);
      else if (this.failed) parts.push(`<div class="om-ov-note om-ov-failed">${this.t("failed")}</div>`);
      const { air, exceedances, enterprises } = this.data;
      const asOf = (air && air.as_of) || (exceedances && exceedances.as_of);
      if (asOf) parts.push(`<div class="om-ov-asof">${this.t("asOf")} <time datetime="${esc(asOf)}">${esc(this.when(asOf))}</time></div>`);
      if (air) parts.push(this.airHtml(air));
      if (exceedances) parts.push(this.exceedancesHtml(exceedances));
      if (enterprises) parts.push(this.enterprisesHtml(enterprises));
      div.innerHTML = parts.join("");
      this.paint(div);
      this.app.panel(div, "overview");
    }

    /* Local date and time as YYYY-MM-DD HH:MM, read the same in both languages. Built by hand:
     * the first toLocaleString of a page loads the locale's data, ~100 ms on a slow phone. */
    when(iso) {
      const d = new Date(iso);
      if (Number.isNaN(d.getTime())) return iso;
      const two = (n) => String(n).padStart(2, "0");
      return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
    }

    /* Grade colours set through the CSSOM, not as style attributes (a self-only CSP). */
    paint(div) {
      div.querySelectorAll("[data-bg]").forEach((el) => {
        el.style.backgroundColor = el.dataset.bg;
        el.style.color = el.dataset.fg || "#000";
      });
    }

    badge(aqi, grade) {
      if (aqi === null || aqi === undefined || !grade) return `<span class="om-aqi om-aqi-none">–</span>`;
      const dark = ["IV", "V", "VI"].includes(grade.level);
      return `<span class="om-aqi" data-bg="${esc(grade.color)}" data-fg="${dark ? "#fff" : "#000"}"`
        + ` title="${esc(this.app.title(grade))}">${esc(aqi)}</span>`;
    }

    airHtml(air) {
      const worst = air.worst;
      const head = worst
        ? `<div class="om-ov-worst">${this.t("worst")} ${this.badge(worst.aqi, worst.grade)}`
          + ` <b class="om-ov-grade">${esc(this.app.title(worst.grade))}</b> <small>${esc(worst.name)}</small></div>`
        : `<div class="om-ov-note">${this.t("noAqi")}</div>`;
      const rows = air.stations.map((s) => `<li data-station="${esc(s.code)}">${this.badge(s.aqi, s.grade)} ${esc(s.name)}</li>`).join("");
      const trend = sparkline(air.daily, (d) => d.aqi, (d) => (d.grade ? d.grade.color : "#ccc"), this.t("trendAqi"));
      return `<section class="om-ov-air"><h5>${this.t("aqiNow")}</h5>${head}<ul class="om-ov-stations">${rows}</ul>`
        + `<div class="om-ov-trend" data-trend="aqi"><small>${this.t("trendAqi")}</small>${trend}</div></section>`;
    }

    exceedancesHtml(ex) {
      const rows = ex.by_medium.filter((m) => m.today || m.month || m.offline).map((m) => `<tr data-medium="${esc(m.medium)}">`
        + `<th>${esc(this.app.title(m))}</th><td data-count="today">${m.today}</td><td data-count="month">${m.month}</td>`
        + `<td data-count="offline">${m.offline}</td></tr>`).join("");
      const trend = sparkline(ex.daily, (d) => d.events, () => "#d7191c", this.t("trendEvents"));
      return `<section class="om-ov-exceedances"><h5>${this.t("exceedances")}</h5>`
        + `<div class="om-ov-totals"><span>${this.t("today")} <b data-total="today">${ex.total.today}</b></span>`
        + `<span>${this.t("month")} <b data-total="month">${ex.total.month}</b></span>`
        + `<span>${this.t("offline")} <b data-total="offline">${ex.total.offline}</b>/${ex.total.stations}</span></div>`
        + (rows ? `<table class="om-ov-media"><thead><tr><th></th><th>${this.t("today")}</th><th>${this.t("month")}</th><th>${this.t("offline")}</th></tr></thead><tbody>${rows}</tbody></table>` : "")
        + `<div class="om-ov-trend" data-trend="events"><small>${this.t("trendEvents")}</small>${trend}</div></section>`;
    }

    enterprisesHtml(ent) {
      const on = (v) => (this.filter === v ? " om-on" : "");
      const buttons = ent.levels.map((lvl) => `<button type="button" class="om-risk${on(lvl.value)}" data-risk="${esc(lvl.value)}"`
        + ` aria-pressed="${this.filter === lvl.value}"><i class="om-dot" data-bg="${esc(lvl.color || "#999")}"></i>`
        + `${esc(this.app.title(lvl))} <b>${lvl.count}</b></button>`).join("");
      return `<section class="om-ov-enterprises"><h5>${this.t("enterprises")}</h5><div class="om-ov-risks">${buttons}`
        + `<button type="button" class="om-risk${on(null)}" data-risk="" aria-pressed="${this.filter === null}">${this.t("all")} <b>${ent.total}</b></button></div></section>`;
    }

    /* Show only the enterprises of one risk level on the map (null: all of them). */
    filterRisk(value) {
      const ent = this.data.enterprises;
      if (!ent) return;
      this.filter = this.filter === value ? null : value;
      this.app.setFilter(ent.layer, ent.field, this.filter);
      this.render();
    }
  }

  window.OneMapOverview = OneMapOverview;
})();
