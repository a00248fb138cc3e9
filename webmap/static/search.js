/* Search by name (every layer with a name field: enterprises among them) or by natural key
 * (the credit code), through the OGC API's CQL2 filter; a hit opens the feature's popup. */
(function () {
  "use strict";

  class OneMapSearch {
    constructor(app) {
      this.app = app;
      const control = L.control({ position: "topleft" });
      control.onAdd = () => {
        const div = L.DomUtil.create("div", "om-search leaflet-bar");
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        const input = L.DomUtil.create("input", "", div);
        input.type = "search";
        const list = L.DomUtil.create("ul", "om-search-results", div);
        let timer = null;
        input.addEventListener("input", () => {
          clearTimeout(timer);
          timer = setTimeout(() => this.search(input.value.trim(), list), 300);
        });
        input.addEventListener("keydown", (e) => {
          if (e.key === "Enter") { clearTimeout(timer); this.search(input.value.trim(), list); }
        });
        this.input = input;
        return div;
      };
      control.addTo(app.map);
      app.panel(control.getContainer(), "search");
      this.render();
    }

    render() { this.input.placeholder = this.app.t("search"); }

    filter(cfg, text) {
      const quoted = text.replace(/'/g, "''");
      const terms = [`${cfg.title_field} LIKE '%${quoted}%'`];
      for (const key of cfg.key) {
        if (cfg.fields[key] && cfg.fields[key].type === "text") terms.push(`${key} LIKE '${quoted.toUpperCase()}%'`);
      }
      return terms.join(" OR ");
    }

    async search(text, list) {
      const app = this.app;
      const esc = window.OneMap.escapeHtml;
      list.innerHTML = "";
      if (text.length < 2) return;
      const layers = app.config.layers.filter((c) => c.searchable);
      const results = await Promise.all(layers.map(async (cfg) => {
        const q = new URLSearchParams({ f: "json", limit: "8", filter: this.filter(cfg, text), "filter-lang": "cql2-text" });
        if (cfg.properties.length) q.set("properties", cfg.properties.join(","));
        try {
          const page = await app.getJSON(`${app.config.api}/collections/${cfg.id}/items?${q}`);
          return (page.features || []).map((f) => [cfg, f]);
        } catch (err) { return []; }
      }));
      const found = results.flat();
      if (!found.length) { list.innerHTML = `<li class="om-none">${app.t("noResult")}</li>`; return; }
      for (const [cfg, f] of found) {
        const li = L.DomUtil.create("li", "", list);
        const name = f.properties[cfg.title_field] || "";
        const key = cfg.key.map((k) => f.properties[k]).filter((v) => v && v !== name).join(" ");
        li.innerHTML = `${esc(name)} <small>${esc(app.title(cfg))} ${esc(key)}</small>`;
        li.addEventListener("click", () => app.show(cfg, f));
      }
    }
  }

  window.OneMapSearch = OneMapSearch;
})();
