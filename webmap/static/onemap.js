/* The one-map page: layers, popups, legend, layer control, language (search: search.js).
 * Everything about a layer comes from the config the server derives from the layer registry;
 * features come from the OGC API (bbox + paging, in the compact form when the API offers it),
 * never from the HTML. A dense layer stays responsive: its features become map layers a slice
 * of a few milliseconds at a time, drawn on the canvas, and a layer whose style says `cluster`
 * is clustered (Leaflet.markercluster). Analyses: tools.js. */
(function () {
  "use strict";

  const PAGE_SIZE = 5000; // features per request (the API allows up to 10000)
  const MAX_FEATURES = 60000; // per layer and view: beyond this the layer says it is truncated
  const ARROWS_ALWAYS_BELOW = 500; // lines in view
  const ARROWS_FROM_ZOOM = 16;
  const MAX_ZOOM = 19;
  const SLICE_MS = 12; // main-thread work between yields while features are added: no long task
  const SLICE_FEATURES = 200; // features turned into map layers between two clock checks

  const TEXT = {
    zh: {
      title: "园区生态环境一张图", api: "API 记录", yes: "是", no: "否",
      legend: "图例", search: "搜索企业名称或统一社会信用代码", noResult: "无结果",
      lon: "经度", lat: "纬度", zoomIn: "放大至第{z}级显示", truncated: "（已截断）",
      loading: "加载中…", failed: "加载失败", related: "相关记录", lang: "English",
      basemap: "底图", hillshade: "地形晕渲", tiles: "瓦片底图", runTrace: "运行溯源分析",
      link_refused: "链接中的要素无法打开：已删除或当前账号无权查看",
    },
    en: {
      title: "Park environment one-map", api: "API record", yes: "yes", no: "no",
      legend: "Legend", search: "Search enterprise name or credit code", noResult: "No result",
      lon: "Lon", lat: "Lat", zoomIn: "shown from zoom {z}", truncated: " (truncated)",
      loading: "loading…", failed: "failed to load", related: "Related records", lang: "中文",
      basemap: "Basemap", hillshade: "Hillshade", tiles: "Tiles", runTrace: "Run the trace",
      link_refused: "The linked feature cannot be opened: it is gone or this account may not read it",
    },
  };

  /* Let the browser paint and handle input before the next slice of work. */
  function yieldToBrowser() { return new Promise((resolve) => setTimeout(resolve, 0)); }

  function escapeHtml(value) {
    return String(value).replace(/[&<>"']/g, (c) => ({
      "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;",
    })[c]);
  }

  /* A view's bounds as a valid CRS84 bbox: latitudes within ±90°, longitudes within ±180°. A
   * view wider than the world asks for all longitudes; one across the antimeridian (its west
   * edge, brought into -180..180, plus its width beyond 180°) gives west > east, which OGC API
   * Features Part 1 (7.15.3) reads as a box spanning the antimeridian. */
  function requestBox(bounds) {
    const south = Math.max(-90, bounds.getSouth());
    const north = Math.min(90, bounds.getNorth());
    const width = bounds.getEast() - bounds.getWest();
    if (width >= 360) return [-180, south, 180, north];
    const west = ((((bounds.getWest() + 180) % 360) + 360) % 360) - 180;
    const east = west + width;
    return [west, south, east > 180 ? east - 360 : east, north];
  }

  class OneMap {
    constructor(map, config) {
      this.map = map;
      this.config = config;
      const asked = new URLSearchParams(window.location.search).get("lang");
      this.lang = asked === "en" || asked === "zh" ? asked : config.lang || "zh";
      this.layers = {};
      this.listeners = [];
      // account.js says who is signed in once it knows (after the user's layers are in)
      this.accountKnown = false;
      document.addEventListener("onemap:account", () => { this.accountKnown = true; });
    }

    /* Resolves once the page holds the layers of whoever is signed in: at once for a visit
     * without a session, else when account.js has asked (a deep link to an internal layer's
     * feature is looked up only then, not refused for want of the layer). */
    personalised() {
      const maybe = document.cookie.split(";").some((c) => c.trim().startsWith("onemap_signed_in="));
      if (!maybe || this.accountKnown) return Promise.resolve();
      return new Promise((resolve) => {
        document.addEventListener("onemap:account", () => resolve(), { once: true });
        setTimeout(resolve, 10000); // the account's requests failed: go on with the public page
      });
    }

    t(key) { return TEXT[this.lang][key] || key; }
    /* Whether a layer is on when the page opens without a link naming the layers: on a
     * phone-sized screen the overview's few (style.on_phone), else style.visible. */
    onAtStart(cfg) {
      const phone = window.matchMedia && window.matchMedia("(max-width: 767.98px)").matches;
      return !!(phone ? cfg.style.on_phone : cfg.style.visible);
    }

    title(obj) { return obj ? obj[this.lang] || obj.zh : ""; }

    start() {
      const map = this.map;
      // No tile layer sets it when the basemap is the hillshade; clustering needs one.
      if (map.getMaxZoom() === Infinity) map.setMaxZoom(MAX_ZOOM);
      if (window.OneMapChrome) this.chrome = new window.OneMapChrome(this);
      this.addBasemap();
      for (const cfg of this.config.layers) this.layers[cfg.id] = this.makeLayer(cfg);
      // A deep link (links.js) names the view and the layers on; without one, the park's extent
      // and each layer's style do. The view is set before any layer is on the map, so no layer
      // redraws (and no cluster animates) for a zoom change at start.
      this.links = window.OneMapLinks ? new window.OneMapLinks(this) : null;
      const view = this.links && this.links.restoreView() ? Promise.resolve() : this.fitToPark();
      for (const cfg of this.config.layers) {
        if (this.links ? this.links.layerOn(cfg) : this.onAtStart(cfg)) this.layers[cfg.id].holder.addTo(map);
      }
      L.control.scale({ imperial: false, position: "bottomleft" }).addTo(map);
      this.addCoordinates();
      this.addLanguageSwitch();
      if (window.OneMapOverview) this.overview = new window.OneMapOverview(this);
      if (window.OneMapSearch) this.search = new window.OneMapSearch(this);
      this.renderChrome();
      map.on("overlayadd", (e) => { if (e.layer._onemap) this.load(e.layer._onemap); });
      map.on("overlayremove", (e) => { if (e.layer._onemap) this.renderControl(); });
      // Layers load once the view is the park's (not for the provisional DEM view first).
      map.on("moveend", () => { if (map.getContainer().dataset.ready) this.loadVisible(); });
      // Whether the view is changing (a pan or zoom, animated or not): see stopped().
      this.moving = false;
      map.on("movestart zoomstart", () => { this.moving = true; });
      map.on("moveend", () => { this.moving = false; });
      this.ready = view.then(async () => {
        this.loadVisible();
        map.getContainer().dataset.ready = "true";
        if (this.links) {
          await this.links.restoreFeature();
          this.links.follow();
        }
      });
      if (window.OneMapTools) this.tools = new window.OneMapTools(this);
      document.title = this.t("title");
    }

    /* ---- basemap ---- */
    addBasemap() {
      const b = this.config.basemap || {};
      if (b.tiles) {
        this.base = L.tileLayer(b.tiles, { attribution: b.attribution || "", maxZoom: 19 });
      } else if (b.image) {
        this.base = L.imageOverlay(b.image, b.bounds, { attribution: b.attribution, zIndex: 1 });
      }
      if (this.base) this.base.addTo(this.map);
    }

    /* The park's extent: from the page's config when the server put it there (read with the
     * collections' extents when the app started), else from the first collection's metadata;
     * the DEM's bounds meanwhile, or when the park has no geometry yet. */
    async fitToPark() {
      const bbox = this.config.park_bbox;
      if (bbox && bbox.length >= 4 && bbox[0] <= bbox[2]) {
        this.map.fitBounds([[bbox[1], bbox[0]], [bbox[3], bbox[2]]], { padding: [20, 20], animate: false });
        return;
      }
      if (this.config.basemap && this.config.basemap.bounds) {
        this.map.fitBounds(this.config.basemap.bounds, { animate: false });
      }
      if ("park_bbox" in this.config) return; // the server knows the park has no extent yet
      const first = this.config.layers[0];
      if (!first) return;
      try {
        const c = await this.getJSON(`${this.config.api}/collections/${first.id}?f=json`);
        const bbox = c.extent && c.extent.spatial && c.extent.spatial.bbox && c.extent.spatial.bbox[0];
        if (bbox && bbox.length >= 4 && bbox[0] <= bbox[2]) {
          this.map.fitBounds([[bbox[1], bbox[0]], [bbox[3], bbox[2]]], { padding: [20, 20], animate: false });
        }
      } catch (err) { /* keep the DEM's view */ }
    }

    async getJSON(url, options) {
      const response = await fetch(url, Object.assign({ headers: { Accept: "application/geo+json, application/json" } }, options));
      const body = await response.json().catch(() => ({}));
      if (!response.ok) {
        const err = new Error(body.description || body.detail || `HTTP ${response.status}`);
        err.status = response.status;
        throw err;
      }
      return body;
    }

    /* ---- layers ---- */
    /* The layers of a signed-in user (account.js, from GET /page/layers): internal layers the
     * policy lets them read join the page, and public layers whose private fields they may read
     * ask for them and show them in their popups. ``personal`` null: back to the public page
     * (after signing out). Layers not offered any more leave the map. */
    personalise(personal) {
      if (!this.publicConfig) {
        this.publicConfig = { groups: this.config.groups, layers: this.config.layers, time_layers: this.config.time_layers };
      }
      const next = personal || this.publicConfig;
      const offered = new Set(next.layers.map((c) => c.id));
      for (const [id, state] of Object.entries(this.layers)) {
        if (offered.has(id)) continue;
        state.token += 1; // a load under way is abandoned
        if (this.map.hasLayer(state.holder)) this.map.removeLayer(state.holder);
        delete this.layers[id];
      }
      if (!personal) this.map.closePopup(); // signed out: it may show what others may not read
      for (const cfg of next.layers) {
        const state = this.layers[cfg.id];
        if (!state) {
          this.layers[cfg.id] = this.makeLayer(cfg);
          const on = this.links ? this.links.layerOn(cfg) : this.onAtStart(cfg);
          if (on && personal) this.layers[cfg.id].holder.addTo(this.map);
        } else if (JSON.stringify(state.cfg) !== JSON.stringify(cfg)) {
          state.cfg = cfg;
          state.loaded = null; // asked again, with this user's fields
        }
      }
      this.config.groups = next.groups;
      this.config.layers = next.layers;
      this.config.time_layers = next.time_layers;
      this.renderChrome();
      this.loadVisible();
    }

    makeLayer(cfg) {
      const state = { cfg, holder: null, loaded: null, token: 0, count: 0, status: "" };
      // Dense points are clustered; the cluster group adds them in slices of its own
      // (chunkedLoading), each short enough not to block the page, and says when it is done.
      state.holder = cfg.style.cluster && L.markerClusterGroup
        ? L.markerClusterGroup({
          chunkedLoading: true, chunkInterval: SLICE_MS, chunkDelay: 1, disableClusteringAtZoom: 18,
          chunkProgress: (done, total) => { if (done === total && state.clustered) state.clustered(); },
        })
        : L.featureGroup();
      state.holder._onemap = state;
      return state;
    }

    colour(cfg, props) {
      const s = cfg.style;
      if (s.by && props && props[s.by] !== undefined && props[s.by] !== null) {
        const c = s.palette[String(props[s.by])];
        if (c) return c;
      }
      return s.color;
    }

    featureLayers(cfg, features, total) {
      const s = cfg.style;
      const self = this;
      const geo = L.geoJSON(features, {
        pointToLayer: (f, latlng) => L.circleMarker(latlng, {
          radius: s.radius, color: "#ffffff", weight: 1, fillColor: self.colour(cfg, f.properties), fillOpacity: 0.9,
        }),
        style: (f) => {
          const c = self.colour(cfg, f.properties);
          if (/Point/.test(f.geometry && f.geometry.type)) return { color: "#ffffff", weight: 1, fillColor: c, fillOpacity: 0.9 };
          const polygon = /Polygon/.test(f.geometry && f.geometry.type);
          return {
            color: c, weight: s.weight,
            fill: polygon && (!!s.fill || !!s.by), fillColor: s.fill || c, fillOpacity: polygon ? 0.2 : 0,
          };
        },
        onEachFeature: (f, layer) => {
          layer.on("click", (e) => {
            L.DomEvent.stopPropagation(e);
            if (self.tools && self.tools.armed()) { self.tools.pick(e.latlng, cfg, f); return; }
            if (self.tools && self.tools.justPicked()) return; // the same click, seen by the map first
            self.openPopup(cfg, f, e.latlng);
          });
        },
      });
      const out = geo.getLayers();
      // Flow arrows: for few lines always, for a dense network only when zoomed in close.
      const arrows = s.arrows && L.polylineDecorator
        && (total <= ARROWS_ALWAYS_BELOW || this.map.getZoom() >= ARROWS_FROM_ZOOM);
      if (arrows) {
        for (const line of geo.getLayers()) {
          if (!(line instanceof L.Polyline) || line instanceof L.Polygon) continue;
          out.push(L.polylineDecorator(line, {
            patterns: [{
              offset: "50%", repeat: 0,
              symbol: L.Symbol.arrowHead({ pixelSize: 9, polygon: false, pathOptions: { color: line.options.color, weight: 2, opacity: 1 } }),
            }],
          }));
        }
      }
      return out;
    }

    /* The features of the view in the compact form (config.items_params: OGC API Features
     * Part 5's profile=rel-as-key, no links in each feature; the popups build their own links
     * from the config). */
    itemsUrl(cfg, bounds, filter) {
      const bbox = requestBox(bounds).map((v) => v.toFixed(6)).join(",");
      const params = new URLSearchParams({
        f: "json", limit: String(PAGE_SIZE), bbox, ...(this.config.items_params || {}), ...(filter || {}),
      });
      if (cfg.properties.length) params.set("properties", cfg.properties.join(","));
      return `${this.config.api}/collections/${cfg.id}/items?${params}`;
    }

    /* Show only a layer's features whose ``field`` is ``value`` (null: all), asked of the API
     * as a property filter (OGC API Features Part 1 queryables); the layer is switched on. */
    setFilter(id, field, value) {
      const state = this.layers[id];
      if (!state) return; // a layer this page does not offer
      state.filter = value === null || value === undefined ? null : { [field]: String(value) };
      state.loaded = null;
      if (!this.map.hasLayer(state.holder)) state.holder.addTo(this.map);
      this.load(state);
      this.renderControl();
    }

    loadVisible() {
      for (const state of Object.values(this.layers)) this.load(state);
    }

    async load(state) {
      const { cfg, holder } = state;
      if (!this.map.hasLayer(holder)) return;
      const minZoom = cfg.style.min_zoom;
      if (minZoom && this.map.getZoom() < minZoom) {
        state.token += 1;
        state.loading = false;
        holder.clearLayers();
        state.loaded = null;
        state.count = 0;
        state.status = this.t("zoomIn").replace("{z}", minZoom);
        this.renderControl();
        return;
      }
      const view = this.map.getBounds();
      const band = cfg.style.arrows && this.map.getZoom() >= ARROWS_FROM_ZOOM;
      if (state.loaded && state.loaded.contains(view) && state.band === band) return;
      state.band = band;
      const want = view.pad(0.5);
      const token = ++state.token;
      state.status = this.t("loading");
      state.loading = true;
      let url = this.itemsUrl(cfg, want, state.filter);
      let count = 0;
      const clustered = []; // a cluster group takes them all at once, and slices the work itself
      const fetchPage = (href) => {
        const request = this.getJSON(href);
        request.catch(() => {}); // abandoned by a newer load: its failure is nobody's
        return request;
      };
      try {
        let request = fetchPage(url);
        while (request) {
          const page = await request;
          if (token !== state.token) return;
          if (count === 0) holder.clearLayers(); // the old view's features stay until now
          const features = page.features || [];
          const next = (page.links || []).find((l) => l.rel === "next" && features.length > 0);
          url = next ? next.href : null;
          count += features.length;
          // the server makes the next page while this one is drawn
          request = url && count < MAX_FEATURES ? fetchPage(url) : null;
          const total = page.numberMatched === undefined ? features.length : page.numberMatched;
          if (!(await this.addFeatures(state, token, features, total, clustered))) return;
        }
        if (clustered.length) {
          await new Promise((resolve) => {
            state.clustered = resolve;
            holder.addLayers(clustered);
            if (!holder._map) resolve(); // switched off meanwhile: added at once, no progress
          });
          state.clustered = null;
          if (token !== state.token) return;
        }
      } catch (err) {
        if (token === state.token) {
          state.status = this.t("failed");
          state.loading = false;
          this.renderControl();
        }
        return;
      }
      state.loaded = url ? null : want; // truncated: load again on the next move
      state.count = count;
      state.status = url ? this.t("truncated") : "";
      state.loading = false;
      this.keepOrder(state);
      this.map.getContainer().dataset["layer_" + cfg.id] = String(count);
      this.renderControl();
    }

    /* Turn features into map layers a slice at a time, yielding to the browser between slices,
     * so that no task blocks the page for long; false when a newer load took over. Points of a
     * clustered layer are collected in ``clustered`` instead of added. */
    async addFeatures(state, token, features, total, clustered) {
      const { cfg, holder } = state;
      let i = 0;
      while (i < features.length) {
        const started = performance.now();
        const layers = [];
        while (i < features.length && performance.now() - started < SLICE_MS) {
          layers.push(...this.featureLayers(cfg, features.slice(i, i + SLICE_FEATURES), total));
          i += SLICE_FEATURES;
        }
        if (holder.addLayers) clustered.push(...layers); else layers.forEach((l) => holder.addLayer(l));
        await yieldToBrowser();
        if (token !== state.token) return false;
      }
      return true;
    }

    /* One canvas draws every layer in the order features were added: after a layer reloads,
     * bring the layers that belong above it (lines over areas, points over both) back on top. */
    keepOrder(reloaded) {
      const rank = (cfg) => (/POLYGON/.test(cfg.geometry || "") ? 0 : /LINE/.test(cfg.geometry || "") ? 1 : 2);
      // (a cluster group draws its clusters as markers, above every canvas layer)
      const above = this.config.layers
        .filter((cfg) => rank(cfg) > rank(reloaded.cfg) && !cfg.style.cluster && this.map.hasLayer(this.layers[cfg.id].holder))
        .sort((a, b) => rank(a) - rank(b));
      for (const cfg of above) {
        this.layers[cfg.id].holder.eachLayer((layer) => { if (layer.bringToFront) layer.bringToFront(); });
      }
    }

    /* ---- popups ---- */
    formatValue(field, value) {
      if (value === null || value === undefined || value === "") return "";
      if (field && field.choices && field.choices[String(value)]) return this.title(field.choices[String(value)]);
      if (typeof value === "boolean") return value ? this.t("yes") : this.t("no");
      if (Array.isArray(value)) return value.map((v) => this.formatValue(field, v)).join("、");
      const text = String(value);
      return field && field.unit ? `${text} ${field.unit}` : text;
    }

    popupHtml(cfg, feature) {
      const props = feature.properties || {};
      const heading = (cfg.title_field && props[cfg.title_field]) || this.title(cfg);
      const rows = cfg.popup.map((name) => {
        const field = cfg.fields[name];
        const value = this.formatValue(field, props[name]);
        if (value === "") return "";
        return `<tr><th>${escapeHtml(this.title(field))}</th><td>${escapeHtml(value)}</td></tr>`;
      }).join("");
      const api = this.config.api;
      const links = [];
      if (feature.id !== undefined && feature.id !== null) {
        links.push(`<a class="om-api" target="_blank" href="${api}/collections/${cfg.id}/items/${encodeURIComponent(feature.id)}?f=json">${this.t("api")}</a>`);
      }
      for (const r of cfg.related) {
        const value = props[r.value_from];
        if (value === undefined || value === null || value === "") continue;
        const q = new URLSearchParams({ f: "json", [r.field]: String(value) });
        if (r.sortby) { q.set("sortby", r.sortby); q.set("limit", "100"); }
        links.push(`<a class="om-related" target="_blank" href="${api}/collections/${r.layer}/items?${q}">${escapeHtml(this.title(r))}</a>`);
      }
      for (const p of this.plotLinks(cfg, props)) {
        links.push(`<a class="om-plot" data-kind="${p.kind}" target="_blank" href="${p.href}">${escapeHtml(p.title)}</a>`);
      }
      return `<div class="om-popup" data-layer="${cfg.id}"><h4>${escapeHtml(heading)}</h4>`
        + `<div class="om-popup-layer">${escapeHtml(this.title(cfg))}</div>`
        + `<table>${rows}</table><div class="om-links">${links.join(" · ")}</div>${this.traceButton(cfg, props)}</div>`;
    }

    /* The ready trace a feature names (an exceedance's: its process and inputs, cfg.trace),
     * run by tools.js when the button is clicked. */
    traceButton(cfg, props) {
      const t = cfg.trace;
      if (!t || !props[t.process] || !props[t.inputs]) return "";
      return `<button type="button" class="om-run-trace" data-process="${escapeHtml(props[t.process])}"`
        + ` data-inputs="${escapeHtml(props[t.inputs])}">${escapeHtml(this.t("runTrace"))}</button>`;
    }

    /* Links to a station's plots (config.plots from the server, geoapi/plots.py): the series of
     * its type's main parameter (else the server picks its first one), a wind rose, a CPF. */
    plotLinks(cfg, props) {
      const p = this.config.plots;
      if (!p || p.layer !== cfg.id) return [];
      const code = props[p.code_field];
      if (code === undefined || code === null || code === "") return [];
      if (p.latest_field && !props[p.latest_field]) return [];  // no observations: nothing to plot
      const type = String(props[p.type_field]);
      const base = `${this.config.root || ""}${p.path}/${encodeURIComponent(code)}`;
      const link = (kind, parameter) => {
        const q = parameter ? `?${new URLSearchParams({ parameter })}` : "";
        return { kind, href: `${base}/${kind}.svg${q}`, title: this.title(p.titles[kind]) };
      };
      const out = [link("series", p.series[type])];
      if (p.windrose.includes(type)) out.push(link("windrose"));
      if (p.cpf[type]) out.push(link("cpf", p.cpf[type]));
      return out;
    }

    /* ---- controls: layer control, legend, language ---- */
    renderChrome() {
      document.documentElement.lang = this.lang === "zh" ? "zh-CN" : "en";
      document.title = this.t("title");
      this.drawControl();
      this.renderLegend();
      if (this.search) this.search.render();
      if (this.langButton) this.langButton.textContent = this.t("lang");
      if (this.tools) this.tools.render();
      if (this.overview) this.overview.render();
      if (this.chrome) this.chrome.refresh();
      for (const fn of this.listeners) fn();
    }

    /* A panel (overview, layers, legend, tools, search): a corner control on a wide screen, a
     * sheet on a phone (chrome.js). Called again after each redraw of the panel. */
    panel(element, id) { if (this.chrome) this.chrome.decorate(element, id); }

    layerLabel(state) {
      const cfg = state.cfg;
      const on = this.map.hasLayer(state.holder);
      const count = on && state.count ? ` <span class="om-count">${state.count}</span>` : "";
      const status = on && state.status ? ` <span class="om-status">${escapeHtml(state.status)}</span>` : "";
      const swatch = `<i class="om-swatch" data-om-color="${cfg.style.color}"></i>`;
      return `<span class="om-layer-name" data-layer="${cfg.id}">${swatch}${escapeHtml(this.title(cfg))}</span>${count}${status}`;
    }

    renderControl() {
      // Coalesced and deferred: a load may finish while the control is handling a click.
      if (this._controlPending) return;
      this._controlPending = true;
      setTimeout(() => { this._controlPending = false; this.drawControl(); }, 0);
    }

    drawControl() {
      const groups = {};
      for (const g of this.config.groups) {
        const overlays = {};
        for (const cfg of this.config.layers.filter((c) => c.group === g.id)) {
          overlays[this.layerLabel(this.layers[cfg.id])] = this.layers[cfg.id].holder;
        }
        groups[`<span class="om-group" data-group="${g.id}">${escapeHtml(this.title(g))}</span>`] = overlays;
      }
      const bases = {};
      if (this.base) bases[this.config.basemap.tiles ? this.t("tiles") : this.t("hillshade")] = this.base;
      if (this.control) this.control.remove();
      this.control = L.control.groupedLayers(bases, groups, { collapsed: false, position: "topright" }).addTo(this.map);
      this.control.getContainer().classList.add("om-layer-control");
      this.panel(this.control.getContainer(), "layers");
    }

    renderLegend() {
      if (!this.legend) {
        this.legend = L.control({ position: "bottomright" });
        this.legend.onAdd = () => {
          const div = L.DomUtil.create("div", "om-legend leaflet-bar");
          L.DomEvent.disableScrollPropagation(div);
          return div;
        };
        this.legend.addTo(this.map);
      }
      const parts = [];
      for (const cfg of this.config.layers) {
        const line = cfg.geometry && /LINE/.test(cfg.geometry);
        const mark = (c) => `<i class="${line ? "om-line" : "om-dot"}" data-om-color="${c}"></i>`;
        parts.push(`<div class="om-legend-layer" data-layer="${cfg.id}"><b>${escapeHtml(this.title(cfg))}</b>`);
        if (cfg.legend.length) {
          for (const e of cfg.legend) parts.push(`<div class="om-legend-entry">${mark(e.color)}${escapeHtml(this.title(e))}</div>`);
        } else {
          parts.push(`<div class="om-legend-entry">${mark(cfg.style.color)}${escapeHtml(this.title(cfg))}</div>`);
        }
        parts.push("</div>");
      }
      this.legend.getContainer().innerHTML = parts.join("");
      this.panel(this.legend.getContainer(), "legend");
    }

    addLanguageSwitch() {
      const control = L.control({ position: "topright" });
      control.onAdd = () => {
        const button = L.DomUtil.create("button", "om-lang leaflet-bar");
        button.type = "button";
        L.DomEvent.disableClickPropagation(button);
        button.addEventListener("click", () => {
          this.lang = this.lang === "zh" ? "en" : "zh";
          this.map.closePopup();
          this.renderChrome();
        });
        this.langButton = button;
        return button;
      };
      control.addTo(this.map);
    }

    addCoordinates() {
      const control = L.control({ position: "bottomleft" });
      control.onAdd = () => {
        const div = L.DomUtil.create("div", "om-coords");
        this.map.on("mousemove", (e) => {
          div.textContent = `${this.t("lon")} ${e.latlng.lng.toFixed(5)}  ${this.t("lat")} ${e.latlng.lat.toFixed(5)}`;
        });
        return div;
      };
      control.addTo(this.map);
    }

    /* Centre the map on a feature and open its popup (search hits, ready traces, deep links).
     * The view is set without animation and only then the popup opens: a popup opened during an
     * animated pan stops it (Leaflet's autopan) and pans on its own, so where it ended up
     * depended on frame timing, and under load it could end under a control. */
    async show(cfg, feature, options) {
      const state = this.layers[cfg.id];
      if (!this.map.hasLayer(state.holder)) state.holder.addTo(this.map);
      if (this.chrome) this.chrome.yieldToMap();
      await this.stopped();
      const at = L.geoJSON(feature).getBounds().getCenter();
      if (!(options && options.keepView)) { // a deep link keeps the view it was sent with
        const zoom = Math.max(this.map.getZoom(), cfg.style.min_zoom || 15);
        this.map.setView(at, zoom, { animate: false });
      }
      this.openPopup(cfg, feature, at);
    }

    /* Resolves once the map is not moving: a zoom animation (a wheel turn, a double click) runs
     * to its end, else it would move the map again after a view set meanwhile. */
    stopped() {
      this.map.stop();
      if (!this.moving) return Promise.resolve();
      return new Promise((resolve) => this.map.once("moveend", () => resolve()));
    }

    /* The popup of a feature at ``latlng``, kept clear of the controls (popupOptions). */
    openPopup(cfg, feature, latlng) {
      const popup = L.popup(this.popupOptions()).setLatLng(latlng).setContent(this.popupHtml(cfg, feature));
      popup._onemap = { layer: cfg.id, id: feature.id }; // what a deep link names (links.js)
      return popup.openOn(this.map);
    }

    /* A popup fits the map and its autopan keeps it clear of the controls: Leaflet's default
     * padding is 5 px from the map's edge, which left a popup opened near the edge under the
     * tools or the layer control, its buttons unclickable. The side columns are kept clear
     * when the space between them holds the popup; the bottom bar (narrow screens) always. */
    popupOptions() {
      const container = this.map.getContainer();
      const size = this.map.getSize();
      const width = (selector) => {
        const corner = container.querySelector(selector);
        return corner ? corner.getBoundingClientRect().width : 0;
      };
      const bar = document.querySelector(".om-bar");
      const barHeight = bar && bar.offsetParent ? bar.getBoundingClientRect().height : 0;
      const maxWidth = Math.max(160, Math.min(360, size.x - 60));
      let left = width(".leaflet-top.leaflet-left");
      let right = width(".leaflet-top.leaflet-right");
      if (size.x - left - right - 24 < maxWidth + 40) { left = 0; right = 0; }
      return {
        maxWidth,
        maxHeight: Math.max(160, size.y - barHeight - 80),
        autoPanPaddingTopLeft: [left + 12, 12],
        autoPanPaddingBottomRight: [right + 12, barHeight + 12],
      };
    }
  }

  window.OneMap = {
    start(map, config) {
      const app = new OneMap(map, config);
      window.onemap = app;
      app.start();
      return app;
    },
    escapeHtml,
    requestBox,
  };
})();
