/* The emergency-response tool: click the place of an accident (or an enterprise, a major hazard
 * installation) and see the downwind sector, the threatened receptors, where the water goes,
 * the control points to close, the nearest shelters, depots and teams, the cameras, and the
 * lists with an XLSX download. The time is the tools' window end (the newest data's hour). */
(function () {
  "use strict";

  const PROCESS = "emergency-response";
  const TEXT = {
    zh: {
      summary: "摘要", receptor: "下风向敏感目标", water_receptor: "水路到达", control_point: "可拦截的风险防控点",
      shelter: "最近避难场所", depot: "最近应急物资库", team: "最近救援队伍", camera: "附近摄像机",
      hazard_source: "附近重大危险源", name: "名称", distance: "距离（m）", direction: "方位",
      population: "人口", arrival: "到达时间", along: "沿管网（m）", capacity: "容纳人数", items: "物资",
      people: "人数", kind: "类型", level: "级别", downwind: "（在下风向）", sector: "下风向扇区",
    },
    en: {
      summary: "Summary", receptor: "Receptors downwind", water_receptor: "Reached by water", control_point: "Control points to close",
      shelter: "Nearest shelters", depot: "Nearest supply depots", team: "Nearest teams", camera: "Cameras nearby",
      hazard_source: "Major hazard installations nearby", name: "Name", distance: "Distance (m)", direction: "Direction",
      population: "Population", arrival: "Arrival", along: "Along the sewer (m)", capacity: "Capacity", items: "Supplies",
      people: "People", kind: "Kind", level: "Level", downwind: " (downwind)", sector: "Downwind sector",
    },
  };
  //: Colours of what the result marks on the map, by feature kind.
  const COLOURS = {
    receptor: "#d50000", water_receptor: "#0d47a1", control_point: "#6a1b9a", shelter: "#1b5e20",
    depot: "#2e7d32", team: "#0277bd", camera: "#4a148c", hazard_source: "#b71c1c", site: "#000000",
  };

  function text(tools, key) { return TEXT[tools.app.lang][key] || key; }

  /* ISO 8601 in the browser's own zone (2025-07-15T10:00:00+08:00): the summary reads in it. */
  function localIso(date) {
    const offset = -date.getTimezoneOffset();
    const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, "0");
    const local = new Date(date.getTime() + offset * 60000).toISOString().slice(0, 19);
    return `${local}${offset >= 0 ? "+" : "-"}${pad(offset / 60)}:${pad(offset % 60)}`;
  }

  /* Each list: the columns shown on the page (the XLSX has every field). */
  function columns(tools, kind) {
    const zh = tools.app.lang === "zh";
    const km = (r) => r.distance_m;
    return {
      receptor: [[(r) => (zh ? r.direction_zh : r.direction), "direction"], [km, "distance"], [(r) => r.name, "name"],
        [(r) => (r.population === null || r.population === undefined ? "" : r.population), "population"]],
      water_receptor: [[(r) => r.name, "name"], [(r) => r.network_distance_m, "distance"], [(r) => r.arrival_time || "", "arrival"]],
      control_point: [[(r) => r.name || r.code, "name"], [(r) => (zh ? r.control_kind_zh : r.control_kind), "kind"],
        [(r) => (r.network_distance_m === null ? "" : r.network_distance_m), "along"]],
      shelter: [[(r) => r.name + (r.downwind ? text(tools, "downwind") : ""), "name"], [km, "distance"], [(r) => r.capacity_people, "capacity"]],
      depot: [[(r) => r.name, "name"], [km, "distance"], [(r) => (r.items || []).join("；"), "items"]],
      team: [[(r) => r.name, "name"], [km, "distance"], [(r) => r.people, "people"]],
      camera: [[(r) => r.name, "name"], [km, "distance"], [(r) => (zh ? r.camera_kind_zh : r.camera_kind), "kind"]],
      hazard_source: [[(r) => r.name, "name"], [km, "distance"], [(r) => r.level, "level"]],
    }[kind];
  }

  function draw(tools, fc, inputs) {
    tools.result.clearLayers();
    const vector = tools.vector;
    L.geoJSON(fc, { ...vector,
      filter: (f) => f.properties.kind !== "site",
      style: (f) => {
        const p = f.properties;
        if (p.kind === "sector") return { color: "#ff6f00", weight: 1, fillColor: "#ff6f00", fillOpacity: 0.12, className: "om-sector" };
        if (p.kind === "water_path") return { color: "#1565c0", weight: 4, opacity: 0.85, className: "om-water-path" };
        return { color: COLOURS[p.kind] || "#333", weight: 2, fillOpacity: 0.3 };
      },
      pointToLayer: (f, ll) => L.circleMarker(ll, { ...vector, radius: f.properties.kind === "camera" ? 4 : 7,
        color: "#ffffff", weight: 1.5, fillColor: COLOURS[f.properties.kind] || "#333", fillOpacity: 0.95,
        className: `om-er-${f.properties.kind}` }),
      onEachFeature: (f, layer) => {
        const p = f.properties;
        if (p.kind === "sector") layer.bindTooltip(text(tools, "sector"));
        else if (p.name || p.code) layer.bindTooltip(`${text(tools, p.kind)}: ${p.name || p.code}${p.distance_m ? ` ${p.distance_m} m` : ""}`);
      },
    }).addTo(tools.result);
    const site = fc.features.find((f) => f.properties.kind === "site");
    if (site) L.geoJSON(site, { ...vector, pointToLayer: (f, ll) => L.circleMarker(ll, { ...vector, radius: 8, color: "#000", weight: 3, fillColor: "#fff", fillOpacity: 1 }) }).addTo(tools.result);
    const kinds = ["receptor", "water_receptor", "control_point", "shelter", "depot", "team", "camera", "hazard_source"];
    tools.lastTable = () => {
      const wrap = document.createElement("div");
      wrap.className = "om-emergency";
      const summary = document.createElement("p");
      summary.className = "om-summary";
      summary.textContent = tools.app.lang === "zh" ? fc.summary_zh : fc.summary_en;
      wrap.appendChild(summary);
      for (const kind of kinds) {
        const rows = fc.features.map((f) => f.properties).filter((p) => p.kind === kind);
        if (!rows.length) continue;
        const table = tools.table(text(tools, kind), columns(tools, kind).map(([get, key]) => [get, key]), rows);
        // the tools' table translates its own words; ours are translated here
        table.querySelectorAll("th").forEach((th, i) => { th.textContent = text(tools, columns(tools, kind)[i][1]); });
        wrap.appendChild(table);
      }
      const link = document.createElement("a");
      link.href = "#";
      link.className = "om-xlsx";
      link.textContent = tools.t("xlsx");
      link.addEventListener("click", (e) => { e.preventDefault(); tools.downloadXlsx(PROCESS, inputs); });
      wrap.appendChild(link);
      return wrap;
    };
    tools.show(tools.lastTable());
    if (tools.result.getLayers().length) tools.map.fitBounds(tools.result.getBounds(), { padding: [30, 30] });
  }

  async function pick(tools, { latlng, cfg, feature, point }) {
    const started = await tools.startedBy(PROCESS, cfg, feature, latlng, {});
    const inputs = Object.assign({ site: point }, started || {}, { time: localIso(new Date(tools.window.end)) });
    const fc = await tools.run(PROCESS, inputs);
    if (fc) draw(tools, fc, inputs);
  }

  if (window.OneMapTools) {
    window.OneMapTools.register({
      id: "emergency", process: PROCESS, title: { zh: "突发事件应急响应", en: "Emergency response" }, pick, draw,
    });
  }
})();
