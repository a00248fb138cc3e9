/* The analyses on the map, each run through the OGC API processes
 * (POST {api}/processes/{id}/execution with {"inputs": {...}}, answered with a FeatureCollection):
 * receptor screening around a clicked point or the park; the wind-sector trace and the back
 * trajectory from a receptor point over a time window; the sewer/river network trace. */
(function () {
  "use strict";

  const TEXT = {
    zh: {
      tools: "分析工具", screen: "周边敏感目标筛查", screenPark: "园区周边筛查", air: "大气溯源",
      network: "管网/河流追踪", clear: "清除", pick: "请在地图上点击选择位置", running: "计算中…",
      start: "开始", end: "结束", radius: "半径（米）", sewer: "污水管网", river: "河流",
      upstream: "上游", downstream: "下游", xlsx: "下载 XLSX", xlsxMissing: "该服务暂不提供 XLSX 导出",
      direction: "方位", distance: "距离（m）", name: "名称", category: "类别", population: "人口",
      rank: "排名", enterprise: "企业", outfall: "排放口", score: "得分", hours: "上风向小时数",
      count: "共 {n} 项", kind: "类型", sectors: "上风向扇区", trajectory: "后向轨迹",
      candidates: "候选污染源", traversed: "追踪路径", none: "无", ring: "筛查范围",
    },
    en: {
      tools: "Analyses", screen: "Receptor screening", screenPark: "Screen the park", air: "Air source trace",
      network: "Network trace", clear: "Clear", pick: "Click a place on the map", running: "running…",
      start: "Start", end: "End", radius: "Radius (m)", sewer: "Sewer", river: "River",
      upstream: "Upstream", downstream: "Downstream", xlsx: "Download XLSX", xlsxMissing: "XLSX export is not offered by the server",
      direction: "Direction", distance: "Distance (m)", name: "Name", category: "Category", population: "Population",
      rank: "Rank", enterprise: "Enterprise", outfall: "Outfall", score: "Score", hours: "Hours upwind",
      count: "{n} rows", kind: "Kind", sectors: "Upwind sectors", trajectory: "Back trajectory",
      candidates: "Candidate sources", traversed: "Traced path", none: "none", ring: "Screened area",
    },
  };
  const HIGHLIGHT = "#ff3d00";
  const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

  function esc(v) { return window.OneMap.escapeHtml(v === null || v === undefined ? "" : v); }
  function localInput(date) {
    const d = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
    return d.toISOString().slice(0, 16);
  }

  class OneMapTools {
    constructor(app) {
      this.app = app;
      this.map = app.map;
      this.mode = null;
      this.result = L.featureGroup().addTo(this.map);
      // Results drawn in SVG above the canvas of the layers: highlighted and easy to inspect.
      this.map.createPane("omResult").style.zIndex = 450;
      this.svg = L.svg({ pane: "omResult" });
      this.vector = { renderer: this.svg, pane: "omResult" };
      this.control = L.control({ position: "topleft" });
      this.control.onAdd = () => {
        const div = L.DomUtil.create("div", "om-tools leaflet-bar");
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
      };
      this.control.addTo(this.map);
      this.map.on("click", (e) => { if (this.armed()) this.pick(e.latlng, null, null); });
      // A popup's "run the trace" button (an exceedance's ready trace, onemap.js traceButton).
      this.map.getContainer().addEventListener("click", (e) => {
        const button = e.target.closest && e.target.closest("button.om-run-trace");
        if (button) { e.stopPropagation(); this.runReady(button.dataset.process, button.dataset.inputs); }
      });
      this.descriptions = {};
      // How each analysis draws its result: one drawing per analysis, whoever started it.
      this.drawers = {
        "receptor-screening": (fc, inputs) => this.drawScreening(fc, inputs),
        "wind-sector-trace": (fc) => this.drawAir(fc, null),
        "back-trajectory": (fc) => this.drawAir(null, fc),
        "network-trace": (fc) => this.drawNetwork(fc),
      };
      // Tools registered by their own files (OneMapTools.register): a button, a click, a drawing.
      for (const tool of OneMapTools.registered) this.drawers[tool.process] = (fc, inputs) => tool.draw(this, fc, inputs);
      const end = new Date(); end.setMinutes(0, 0, 0);
      this.window = { start: localInput(new Date(end.getTime() - 24 * 3600e3)), end: localInput(end) };
      this.network = { network: "sewer", direction: "upstream" };
      this.render();
      this.latestObservation();
    }

    t(key) { return TEXT[this.app.lang][key] || key; }
    armed() { return this.mode !== null; }
    justPicked() { return performance.now() - (this.pickedAt || -1e9) < 500; }

    /* The newest observation sets the default time window (the demo's data are not today's). */
    async latestObservation() {
      const timed = this.app.config.time_layers || [];
      for (const { id, time_field } of timed) {
        try {
          const q = new URLSearchParams({ f: "json", limit: "1", sortby: `-${time_field}`, properties: time_field, skipGeometry: "true" });
          const page = await this.app.getJSON(`${this.app.config.api}/collections/${id}/items?${q}`);
          const value = page.features && page.features[0] && page.features[0].properties[time_field];
          if (value) {
            const end = new Date(value);
            end.setMinutes(0, 0, 0);
            end.setTime(end.getTime() + 3600e3);
            this.window = { start: localInput(new Date(end.getTime() - 24 * 3600e3)), end: localInput(end) };
            this.render();
            return;
          }
        } catch (err) { /* keep the default window */ }
      }
    }

    render() {
      const div = this.control.getContainer();
      if (!div) return;
      const armed = (m) => (this.mode === m ? " om-armed" : "");
      const w = this.window;
      const n = this.network;
      const option = (v, cur) => `<option value="${v}"${v === cur ? " selected" : ""}>${this.t(v)}</option>`;
      div.innerHTML = `<button type="button" data-tool="screen" class="om-tool${armed("screen")}">${this.t("screen")}</button>
        <button type="button" data-tool="screen-park" class="om-tool">${this.t("screenPark")}</button>
        <button type="button" data-tool="air" class="om-tool${armed("air")}">${this.t("air")}</button>
        <label>${this.t("start")} <input type="datetime-local" name="start" value="${w.start}"></label>
        <label>${this.t("end")} <input type="datetime-local" name="end" value="${w.end}"></label>
        <button type="button" data-tool="network" class="om-tool${armed("network")}">${this.t("network")}</button>
        <select name="network">${option("sewer", n.network)}${option("river", n.network)}</select>
        <select name="direction">${option("upstream", n.direction)}${option("downstream", n.direction)}</select>
        ${OneMapTools.registered.map((tool) => `<button type="button" data-tool="${tool.id}" class="om-tool${armed(tool.id)}">${esc(tool.title[this.app.lang])}</button>`).join("")}
        <button type="button" data-tool="clear" class="om-tool">${this.t("clear")}</button>
        <div class="om-hint">${this.mode ? this.t("pick") : ""}</div>
        <div class="om-result"></div>`;
      // The panel is redrawn on a click: a detached button's click would reach the map.
      div.querySelectorAll("button[data-tool]").forEach((b) => b.addEventListener("click", (e) => {
        e.stopPropagation();
        this.choose(b.dataset.tool);
      }));
      div.querySelectorAll("input,select").forEach((el) => el.addEventListener("change", () => {
        if (el.name === "start" || el.name === "end") this.window[el.name] = el.value;
        else this.network[el.name] = el.value;
      }));
      if (this.lastTable) div.querySelector(".om-result").replaceChildren(this.lastTable());
      this.map.getContainer().classList.toggle("om-picking", !!this.mode);
      this.app.panel(div, "tools");
    }

    choose(tool) {
      if (tool === "clear") { this.mode = null; this.result.clearLayers(); this.lastTable = null; this.render(); return; }
      if (tool === "screen-park") { this.mode = null; this.screen({ site: "park" }, null); return; }
      this.mode = this.mode === tool ? null : tool;
      if (this.mode && this.app.chrome) this.app.chrome.yieldToMap(); // a phone: pick on the map
      this.render();
    }

    /* A click on the map, or on a feature (then a point feature's own position is the site). */
    pick(clicked, cfg, feature) {
      const geometry = feature && feature.geometry;
      const latlng = geometry && geometry.type === "Point"
        ? L.latLng(geometry.coordinates[1], geometry.coordinates[0]) : clicked;
      const mode = this.mode;
      this.mode = null;
      this.pickedAt = performance.now();
      const point = `point:${latlng.lng.toFixed(6)},${latlng.lat.toFixed(6)}`;
      if (mode === "screen") {
        this.startedBy("receptor-screening", cfg, feature, latlng, {})
          .then((inputs) => this.screen(inputs || { site: point }));
      } else if (mode === "air") this.air(point, latlng);
      else if (OneMapTools.registered.some((tool) => tool.id === mode)) {
        OneMapTools.registered.find((tool) => tool.id === mode).pick(this, { latlng, cfg, feature, point });
      } else if (mode === "network") {
        this.startedBy("network-trace", cfg, feature, latlng, { direction: this.network.direction })
          .then((inputs) => this.trace(inputs || { network: this.network.network, start: point }));
      }
      this.render();
    }

    /* The process description (cached): its "map-start" metadata say what a clicked feature of a
     * layer fills in (analytics/registry.py MapStart). */
    async description(id) {
      if (!this.descriptions[id]) {
        this.descriptions[id] = this.app.getJSON(`${this.app.config.api}/processes/${id}?f=json`)
          .catch(() => ({ metadata: [] }));
      }
      return this.descriptions[id];
    }

    /* The inputs a clicked feature gives the process, or null when its layer starts nothing. */
    async startedBy(id, cfg, feature, latlng, choices) {
      if (!cfg || !feature) return null;
      const props = feature.properties || {};
      const known = (name) => (name in choices ? choices[name] : props[name]);
      const entry = ((await this.description(id)).metadata || [])
        .filter((m) => m.role === "map-start" && m.value && m.value.layer === cfg.id)
        .map((m) => m.value)
        .find((v) => Object.entries(v.when || {}).every(([name, values]) => values.includes(String(known(name)))));
      if (!entry) return null;
      const place = { lon: latlng.lng.toFixed(6), lat: latlng.lat.toFixed(6) };
      const inputs = {};
      for (const [name, template] of Object.entries(entry.inputs)) {
        if (template === "{geometry}") { inputs[name] = feature.geometry; continue; }
        const missing = [];
        inputs[name] = template.replace(/\{(\w+)\}/g, (_, key) => {
          const value = key in place ? place[key] : props[key];
          if (value === undefined || value === null || value === "") missing.push(key);
          return value;
        });
        if (missing.length) return null;
      }
      return Object.assign({}, choices, inputs);
    }

    /* A ready trace (an exceedance's process and inputs, as JSON): run and drawn as the tool's. */
    async runReady(id, inputsJson) {
      const draw = this.drawers[id];
      let inputs = null;
      try { inputs = JSON.parse(inputsJson); } catch (err) { /* shown below */ }
      if (!draw || !inputs) { this.show(`${id}?`); return; }
      this.app.map.closePopup();
      const fc = await this.run(id, inputs);
      if (fc) draw(fc, inputs);
    }

    async execute(id, inputs) {
      return this.app.getJSON(this.executionUrl(id), {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/geo+json, application/json" },
        body: JSON.stringify({ inputs }),
      });
    }

    executionUrl(id) { return `${this.app.config.api}/processes/${id}/execution`; }

    show(node) {
      const div = this.control.getContainer().querySelector(".om-result");
      div.replaceChildren(typeof node === "string" ? Object.assign(document.createElement("div"), { textContent: node }) : node);
    }

    table(caption, columns, rows) {
      const table = document.createElement("table");
      table.className = "om-table";
      const head = columns.map(([, title]) => `<th>${esc(this.t(title))}</th>`).join("");
      const body = rows.map((r) => `<tr>${columns.map(([get]) => `<td>${esc(get(r))}</td>`).join("")}</tr>`).join("");
      table.innerHTML = `<caption>${esc(caption)} · ${esc(this.t("count").replace("{n}", rows.length))}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody>`;
      return table;
    }

    async run(id, inputs) {
      this.show(this.t("running"));
      try {
        return await this.execute(id, inputs);
      } catch (err) {
        this.show(err.message);
        return null;
      }
    }

    /* ---- receptor screening ---- */
    async screen(site) {
      const inputs = Object.assign({ radius_m: 5000 }, site);
      const fc = await this.run("receptor-screening", inputs);
      if (fc) this.drawScreening(fc, inputs);
    }

    drawScreening(fc, inputs) {
      this.result.clearLayers();
      // The ring is the site's own buffer from the server: around a polygon (the park, a zone)
      // it follows the boundary, which a circle around a point could not.
      const ring = fc.buffer && L.geoJSON(fc.buffer, { ...this.vector,
        style: () => ({ color: HIGHLIGHT, weight: 2, dashArray: "6 4", fill: false, className: "om-ring" }),
      }).bindTooltip(this.t("ring")).addTo(this.result);
      L.geoJSON(fc, { ...this.vector,
        pointToLayer: (f, ll) => L.circleMarker(ll, { ...this.vector, radius: 6, color: HIGHLIGHT, weight: 2, fillOpacity: 0.6 }),
        style: () => ({ color: HIGHLIGHT, weight: 2 }),
        onEachFeature: (f, layer) => layer.bindTooltip(`${f.properties.name} ${f.properties.distance_m} m`),
      }).addTo(this.result);
      const zh = this.app.lang === "zh";
      const rows = fc.features.map((f) => f.properties);
      this.lastTable = () => {
        const wrap = document.createElement("div");
        wrap.appendChild(this.table(this.t("screen"), [
          [(r) => (zh ? r.direction_zh : r.direction) || "", "direction"],
          [(r) => r.distance_m, "distance"],
          [(r) => r.name, "name"],
          [(r) => (zh ? r.category_zh : r.category) || r.category, "category"],
          [(r) => r.population === null || r.population === undefined ? "" : r.population, "population"],
        ], rows));
        const link = document.createElement("a");
        link.href = "#";
        link.className = "om-xlsx";
        link.textContent = this.t("xlsx");
        link.addEventListener("click", (e) => { e.preventDefault(); this.downloadXlsx("receptor-screening", inputs); });
        wrap.appendChild(link);
        return wrap;
      };
      this.show(this.lastTable());
      if (ring) this.map.fitBounds(ring.getBounds(), { padding: [10, 10], animate: false });
      else if (this.result.getLayers().length) this.map.fitBounds(this.result.getBounds(), { padding: [30, 30], animate: false });
    }

    /* The XLSX of an analysis: the output "result" asked for in that format (OGC API -
     * Processes, execute request "outputs"), saved as a file. */
    async downloadXlsx(id, inputs) {
      const response = await fetch(this.executionUrl(id), {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: XLSX },
        body: JSON.stringify({ inputs, outputs: { result: { format: { mediaType: XLSX } } } }),
      });
      const type = response.headers.get("Content-Type") || "";
      if (!response.ok || !type.startsWith(XLSX)) { this.show(this.t("xlsxMissing")); return; }
      const url = URL.createObjectURL(await response.blob());
      const a = Object.assign(document.createElement("a"), { href: url, download: `${id}.xlsx` });
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    }

    /* ---- wind sectors + back trajectory ---- */
    async air(receptor, latlng) {
      const start = new Date(this.window.start);
      const end = new Date(this.window.end);
      const [sectors, path] = await Promise.all([
        this.run("wind-sector-trace", { receptor, start: start.toISOString(), end: end.toISOString() }),
        this.run("back-trajectory", { receptor, arrival_time: end.toISOString() }),
      ]);
      if (sectors || path) this.drawAir(sectors, path, latlng);
    }

    /* The upwind sectors and ranked candidates, and/or the back trajectory with the sources
     * along it; the receptor at ``latlng`` (else where the result puts it). */
    drawAir(sectors, path, latlng) {
      this.result.clearLayers();
      const receptor = [sectors, path].flatMap((fc) => (fc ? fc.features : []))
        .find((f) => f.properties.kind === "receptor" && f.geometry && f.geometry.type === "Point");
      const at = latlng || (receptor && L.latLng(receptor.geometry.coordinates[1], receptor.geometry.coordinates[0]));
      if (at) L.circleMarker(at, { ...this.vector, radius: 7, color: "#000", weight: 2, fillColor: "#fff", fillOpacity: 1 }).addTo(this.result);
      const draw = (fc, style) => fc && L.geoJSON(fc, { ...this.vector,
        filter: (f) => f.properties.kind !== "receptor",
        style: (f) => style(f),
        pointToLayer: (f, ll) => L.circleMarker(ll, { ...this.vector, radius: 7, color: HIGHLIGHT, weight: 2, fillColor: "#ffeb3b", fillOpacity: 0.9 }),
        onEachFeature: (f, layer) => {
          const p = f.properties;
          if (p.kind === "candidate") layer.bindTooltip(`${p.rank || ""} ${p.enterprise_name || ""}`, { permanent: !!p.rank && p.rank <= 3, direction: "right", className: "om-rank" });
        },
      }).addTo(this.result);
      draw(sectors, (f) => (f.properties.kind === "sector"
        ? { color: "#ff9800", weight: 0.5, fillColor: "#ff9800", fillOpacity: 0.05, className: "om-sector" } : {}));
      draw(path, (f) => (f.properties.kind === "trajectory"
        ? { color: "#6a1b9a", weight: 4, opacity: 0.9, dashArray: "10 6", className: "om-trajectory" } : {}));
      const candidates = ((sectors && sectors.features) || []).filter((f) => f.properties.kind === "candidate").map((f) => f.properties);
      const along = ((path && path.features) || []).filter((f) => f.properties.kind === "candidate").map((f) => f.properties);
      this.lastTable = () => {
        const wrap = document.createElement("div");
        if (sectors) {
          wrap.appendChild(this.table(this.t("sectors"), [
            [(r) => r.rank, "rank"], [(r) => r.enterprise_name, "enterprise"], [(r) => r.outfall_code, "outfall"],
            [(r) => r.score, "score"], [(r) => r.distance_m, "distance"],
          ], candidates));
        }
        if (path) {
          wrap.appendChild(this.table(this.t("trajectory"), [
            [(r) => r.enterprise_name, "enterprise"], [(r) => r.outfall_code, "outfall"], [(r) => r.distance_m, "distance"],
          ], along));
        }
        return wrap;
      };
      this.show(this.lastTable());
      if (this.result.getLayers().length) this.map.fitBounds(this.result.getBounds(), { padding: [30, 30], animate: false });
    }

    /* ---- network trace ---- */
    async trace(inputs) {
      const fc = await this.run("network-trace", Object.assign({ direction: this.network.direction }, inputs));
      if (fc) this.drawNetwork(fc);
    }

    drawNetwork(fc) {
      this.result.clearLayers();
      L.geoJSON(fc, { ...this.vector,
        style: () => ({ color: HIGHLIGHT, weight: 5, opacity: 0.85, className: "om-trace" }),
        pointToLayer: (f, ll) => L.circleMarker(ll, { ...this.vector,
          radius: ["enterprise", "outfall", "receptor", "start"].includes(f.properties.kind) ? 7 : 3,
          color: HIGHLIGHT, weight: 2, fillColor: f.properties.kind === "enterprise" ? "#ffeb3b" : HIGHLIGHT, fillOpacity: 0.9,
        }),
        onEachFeature: (f, layer) => {
          const p = f.properties;
          const label = p.enterprise_name || p.name || p.outfall_code || p.code || p.kind;
          if (label) layer.bindTooltip(String(label));
        },
      }).addTo(this.result);
      const rows = fc.features.map((f) => f.properties).filter((p) => ["enterprise", "outfall", "receptor"].includes(p.kind));
      this.lastTable = () => this.table(this.t("candidates"), [
        [(r) => r.kind, "kind"], [(r) => r.enterprise_name || r.name || "", "name"],
        [(r) => r.outfall_code || "", "outfall"], [(r) => r.distance_m, "distance"],
      ], rows);
      this.show(this.lastTable());
      if (this.result.getLayers().length) this.map.fitBounds(this.result.getBounds(), { padding: [30, 30], animate: false });
    }
  }

  /* Tools that live in files of their own register here before the page starts: {id, process,
   * title: {zh, en}, pick(tools, {latlng, cfg, feature, point}), draw(tools, fc, inputs)}. */
  OneMapTools.registered = [];
  OneMapTools.register = (tool) => { OneMapTools.registered.push(tool); };
  OneMapTools.escape = esc;

  window.OneMapTools = OneMapTools;
})();
