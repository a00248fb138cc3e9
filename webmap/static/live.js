/* The live panel (Jiangsu 7.4.1 超标预警推送): open alerts by kind with their colour, stations
 * offline, the air stations' AQI and fresh values, from the /events stream. A new alert rings
 * (when the sound is on) and flashes its station on the map; a click opens it. The stream is
 * filtered by the server for the signed-in user; the browser reconnects it by itself. A user
 * who may write alerts acknowledges an open one with its button (POST {api}/collections/alerts/
 * items/{id}/acknowledge; the server decides, the stream tells every other page). */
(function () {
  "use strict";

  const KINDS = ["exceedance", "anomaly", "disconnection"];
  const COLOURS = { exceedance: "#e31a1c", anomaly: "#ff7f00", disconnection: "#6a3d9a" };
  const TEXT = {
    zh: {
      title: "实时告警", exceedance: "超标", anomaly: "设备异常", disconnection: "断线", sound: "声音",
      offline: "离线站点", aqi: "空气质量指数", none: "无", live: "实时", lost: "连接中断，重连中…",
      acknowledged: "已确认", acknowledge: "确认",
    },
    en: {
      title: "Live alerts", exceedance: "Exceedance", anomaly: "Anomaly", disconnection: "Disconnected",
      sound: "Sound", offline: "Stations offline", aqi: "AQI", none: "none", live: "live",
      lost: "connection lost, reconnecting…", acknowledged: "acknowledged", acknowledge: "Acknowledge",
    },
  };

  class OneMapLive {
    constructor(app) {
      this.app = app;
      this.alerts = new Map(); // id → alert (open or acknowledged)
      this.values = new Map(); // station code → {time, values}
      this.sound = false;
      this.lastEventAt = null;
      this.air = [];
      this.flashing = new Set(); // the markers flashing at new alerts' stations
      this.user = null; // the signed-in user (account.js), for the acknowledge buttons
      document.addEventListener("onemap:account", (e) => { this.user = e.detail; this.render(); });
      this.addPanel();
      this.connect();
      this.loadAir();
    }

    /* The air stations and their hourly AQI (as the judgement last stored it). */
    async loadAir() {
      try {
        const fc = await this.app.getJSON(`${this.app.config.api}/collections/stations/items?type=air&limit=100&f=json`);
        this.air = (fc.features || []).map((f) => f.properties);
        this.renderAir();
      } catch (err) { /* the panel works without it */ }
    }

    t(key) { return TEXT[this.app.lang][key] || key; }

    /* Whether to offer the button (a hint sparing a refused request; the server decides): the
     * user's grants on alerts as /me lists them, an enterprise's for its own stations. */
    mayAcknowledge(alert) {
      const grants = (this.user && this.user.permissions) || [];
      if (alert.state !== "open") return false;
      if (grants.includes("write:*") || grants.includes("write:alerts")) return true;
      const own = grants.includes("write:*:own") || grants.includes("write:alerts:own");
      return own && (this.user.enterprises || []).includes(alert.credit_code);
    }

    async acknowledge(alert, button) {
      button.disabled = true;
      const answer = await this.app.account.request(
        `${this.app.config.api}/collections/alerts/items/${alert.id}/acknowledge`, { method: "POST" });
      const body = await answer.json().catch(() => ({}));
      if (!answer.ok) {
        button.disabled = false;
        button.title = body.description || String(answer.status);
        return;
      }
      if (this.alerts.has(body.id)) this.alerts.set(body.id, Object.assign({}, this.alerts.get(body.id), body));
      this.render();
    }

    addPanel() {
      const control = L.control({ position: "bottomright" });
      control.onAdd = () => {
        const div = L.DomUtil.create("div", "om-live leaflet-bar");
        div.innerHTML =
          `<h4>${this.t("title")} <span class="om-live-state"></span></h4>` +
          `<div class="om-live-kinds"></div><ul class="om-live-list"></ul>` +
          `<div class="om-live-offline"></div><div class="om-live-aqi"></div>` +
          `<label><input type="checkbox" class="om-live-sound"> ${this.t("sound")}</label>`;
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        div.querySelector(".om-live-sound").addEventListener("change", (e) => { this.sound = e.target.checked; });
        return div;
      };
      control.addTo(this.app.map);
      this.el = control.getContainer();
      this.app.panel(this.el, "live"); // a corner panel from 768 px, a sheet of the bar below
      this.render();
    }

    root() { return (this.app.config.api || "/ogcapi").replace(/\/ogcapi\/?$/, ""); }

    connect() {
      const source = new EventSource(`${this.root()}/events`);
      this.source = source;
      const state = this.el.querySelector(".om-live-state");
      source.onopen = () => { state.textContent = `· ${this.t("live")}`; state.classList.remove("om-live-lost"); };
      source.onerror = () => { state.textContent = `· ${this.t("lost")}`; state.classList.add("om-live-lost"); };
      source.addEventListener("snapshot", (e) => {
        this.alerts.clear();
        for (const alert of JSON.parse(e.data).alerts) this.alerts.set(alert.id, alert);
        this.render();
      });
      source.addEventListener("alert", (e) => this.onAlert(JSON.parse(e.data)));
      source.addEventListener("values", (e) => {
        const data = JSON.parse(e.data);
        this.values.set(data.station_code, data);
        this.lastEventAt = Date.now();
        this.renderValues(data);
      });
    }

    onAlert({ change, alert }) {
      this.lastEventAt = Date.now();
      if (alert.state === "closed") this.alerts.delete(alert.id);
      else this.alerts.set(alert.id, alert);
      if (change === "opened") {
        this.flash(alert);
        if (this.sound) this.ring();
      }
      this.render();
    }

    render() {
      const esc = window.OneMap.escapeHtml;
      const counts = Object.fromEntries(KINDS.map((k) => [k, 0]));
      for (const a of this.alerts.values()) counts[a.kind] = (counts[a.kind] || 0) + 1;
      // colours through the CSSOM: the page's CSP refuses style attributes in markup
      const kinds = this.el.querySelector(".om-live-kinds");
      kinds.innerHTML = KINDS.map((k) =>
        `<span class="om-live-kind" data-kind="${k}">${esc(this.t(k))} <b>${counts[k]}</b></span>`).join(" ");
      kinds.querySelectorAll(".om-live-kind").forEach((chip) => { chip.style.background = COLOURS[chip.dataset.kind]; });
      const newest = [...this.alerts.values()].sort((a, b) => (b.updated_at || "").localeCompare(a.updated_at || ""));
      const list = this.el.querySelector(".om-live-list");
      list.innerHTML = "";
      for (const alert of newest.slice(0, 8)) {
        const li = document.createElement("li");
        li.dataset.alert = alert.id;
        li.style.borderLeftColor = COLOURS[alert.kind];
        const message = this.app.lang === "zh" ? alert.message_zh : alert.message_en;
        li.innerHTML = `${esc(message || alert.station_code)}` +
          (alert.state === "acknowledged" ? ` <small>(${esc(this.t("acknowledged"))})</small>` : "");
        li.addEventListener("click", () => this.open(alert));
        if (this.mayAcknowledge(alert) && this.app.account) {
          const button = document.createElement("button");
          button.type = "button";
          button.className = "om-live-ack";
          button.textContent = this.t("acknowledge");
          button.addEventListener("click", (e) => { e.stopPropagation(); this.acknowledge(alert, button); });
          li.append(" ", button);
        }
        list.appendChild(li);
      }
      const offline = [...new Set(newest.filter((a) => a.kind === "disconnection").map((a) => a.station_code))];
      this.el.querySelector(".om-live-offline").textContent =
        `${this.t("offline")}: ${offline.length ? offline.join(", ") : this.t("none")}`;
    }

    renderValues(data) {
      this.el.dataset.lastValues = `${data.station_code} ${data.time}`;
      this.renderAir();
    }

    renderAir() {
      const esc = window.OneMap.escapeHtml;
      const fresh = (code, key) => {
        const v = this.values.get(code);
        return v && v.values[key] ? v.values[key].value : null;
      };
      this.el.querySelector(".om-live-aqi").innerHTML = this.air.length
        ? `${this.t("aqi")}: ` + this.air.map((p) => {
          const aqi = p.aqi === null || p.aqi === undefined ? "–" : p.aqi;
          const pm = fresh(p.code, "a34004");
          return `<span data-station="${esc(p.code)}">${esc(p.code)} ${esc(aqi)}` +
            (pm === null ? "" : ` <small>PM2.5 ${esc(pm)}</small>`) + "</span>";
        }).join(" · ")
        : "";
    }

    flash(alert) {
      if (alert.lat === undefined || alert.lon === undefined || alert.lat === null) return;
      const marker = L.circleMarker([alert.lat, alert.lon], {
        radius: 18, color: COLOURS[alert.kind], weight: 3, fill: false, className: "om-live-flash",
      }).addTo(this.app.map);
      this.flashing.add(marker);
      setTimeout(() => { marker.remove(); this.flashing.delete(marker); }, 8000);
    }

    ring() {
      try {
        const audio = new (window.AudioContext || window.webkitAudioContext)();
        const tone = audio.createOscillator();
        tone.frequency.value = 880;
        tone.connect(audio.destination);
        tone.start();
        tone.stop(audio.currentTime + 0.4);
        this.rang = (this.rang || 0) + 1;
      } catch (err) { /* no audio: the flash and the panel remain */ }
    }

    async open(alert) {
      const cfg = this.app.config.layers.find((l) => l.id === "alerts");
      try {
        const feature = await this.app.getJSON(`${this.app.config.api}/collections/alerts/items/${alert.id}?f=json`);
        if (cfg && feature && feature.geometry) { this.app.show(cfg, feature); return; }
      } catch (err) { /* fall back to the station's place */ }
      if (alert.lat !== null && alert.lat !== undefined) this.app.map.setView([alert.lat, alert.lon], 15);
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (window.onemap && window.EventSource) window.onemap.live = new OneMapLive(window.onemap);
  });
  window.OneMapLive = OneMapLive;
})();
