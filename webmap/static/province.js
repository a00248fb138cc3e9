/* The provincial map (webmap/province.py): every harvested park on one map, a filter by park,
   and the table of parks. Data from /province/parks and /province/collections/{id}/items.
   Every value from the data goes into the DOM as text, never as HTML. */
(function () {
  "use strict";
  const root = document.body.dataset.root || "";
  const map = L.map("pv-map", { zoomControl: true });
  map.setView([32.0, 119.5], 7);
  if (document.body.dataset.tiles) {
    L.tileLayer(document.body.dataset.tiles, {
      attribution: document.body.dataset.attribution || "",
    }).addTo(map);
  }
  L.control.scale({ imperial: false }).addTo(map);
  const state = { map: map, layers: {}, counts: {}, truncated: {}, loading: 0, park: "" };
  window.provinceMap = state;
  const select = document.getElementById("pv-park");
  const status = document.getElementById("pv-status");
  let config = { parks: [], layers: [] };
  let generation = 0;

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }

  function number(value) {
    return value === null || value === undefined ? "–" : String(value);
  }

  function popup(layer, feature) {
    const box = el("div", null, "pv-popup");
    box.appendChild(el("strong", layer.zh + " / " + layer.en));
    const table = el("table");
    const rows = [["园区 / Park", feature.properties.park_code]];
    for (const f of layer.fields) {
      const value = feature.properties[f.name];
      if (value === null || value === undefined || value === "") continue;
      rows.push([f.zh, value + (f.unit ? " " + f.unit : "")]);
      if (rows.length >= 8) break;
    }
    for (const [key, value] of rows) {
      const tr = el("tr");
      tr.appendChild(el("th", key));
      tr.appendChild(el("td", value));
      table.appendChild(tr);
    }
    box.appendChild(table);
    return box;
  }

  function drawn(layer, collection) {
    return L.geoJSON(collection, {
      pointToLayer: (feature, latlng) =>
        L.circleMarker(latlng, {
          radius: 6,
          color: layer.color,
          fillColor: layer.fill,
          fillOpacity: 0.8,
          weight: 1,
          className: "pv-feature pv-" + layer.id,
        }),
      style: () => ({ color: layer.color, weight: 2, fillColor: layer.fill, fillOpacity: 0.2 }),
      onEachFeature: (feature, shape) => shape.bindPopup(() => popup(layer, feature)),
    });
  }

  function checked() {
    return config.layers.filter((layer) => {
      const box = document.getElementById("pv-layer-" + layer.id);
      return box && box.checked;
    });
  }

  function finished(mine) {
    if (mine !== generation || state.loading > 0) return;
    const bounds = L.latLngBounds([]);
    let total = 0;
    // the layers stacked in the registry's order, whichever answered first
    for (const layer of config.layers) {
      const group = state.layers[layer.id];
      if (group) group.bringToFront();
    }
    for (const id of Object.keys(state.layers)) {
      const group = state.layers[id];
      if (map.hasLayer(group) && group.getLayers().length) {
        bounds.extend(group.getBounds());
        total += group.getLayers().length;
      }
    }
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 14 });
    const cut = Object.keys(state.truncated).filter((id) => state.truncated[id]);
    status.textContent =
      "显示 " + total + " 个要素 / " + total + " features shown" +
      (cut.length ? "（部分 / truncated: " + cut.join(", ") + "）" : "");
    document.body.dataset.ready = String(mine);
  }

  function load() {
    const mine = ++generation;
    delete document.body.dataset.ready;
    state.park = select.value;
    for (const row of document.querySelectorAll("#pv-parks tbody tr")) {
      row.classList.toggle("pv-chosen", row.dataset.park === state.park);
    }
    for (const id of Object.keys(state.layers)) map.removeLayer(state.layers[id]);
    state.layers = {};
    state.counts = {};
    state.truncated = {};
    const wanted = checked();
    state.loading = wanted.length;
    status.textContent = "加载中 / loading…";
    if (!wanted.length) {
      finished(mine);
      return;
    }
    for (const layer of wanted) {
      const params = new URLSearchParams({ limit: "10000" });
      if (state.park) params.set("park", state.park);
      fetch(root + "/province/collections/" + layer.id + "/items?" + params, {
        credentials: "same-origin",
      })
        .then((r) => (r.ok ? r.json() : Promise.reject(new Error(r.status))))
        .then((collection) => {
          if (mine !== generation) return;
          const group = drawn(layer, collection).addTo(map);
          state.layers[layer.id] = group;
          state.counts[layer.id] = collection.features.length;
          state.truncated[layer.id] = collection.truncated;
        })
        .catch(() => {
          if (mine === generation) state.counts[layer.id] = null;
        })
        .finally(() => {
          if (mine !== generation) return;
          state.loading -= 1;
          finished(mine);
        });
    }
  }

  function fill(body) {
    config = body;
    const tbody = document.querySelector("#pv-parks tbody");
    for (const park of body.parks) {
      select.appendChild(new Option(park.code, park.code));
      const tr = el("tr");
      tr.dataset.park = park.code;
      tr.appendChild(el("td", park.code));
      tr.appendChild(el("td", park.enterprises));
      tr.appendChild(el("td", park.major_risk + " / " + park.larger_risk));
      tr.appendChild(el("td", park.open_alerts));
      tr.appendChild(el("td", number(park.aqi_today)));
      const rate = park.capture_rate;
      tr.appendChild(el("td", rate === null ? "–" : Math.round(rate * 100) + " %"));
      tr.addEventListener("click", () => {
        select.value = select.value === park.code ? "" : park.code;
        load();
      });
      tbody.appendChild(tr);
    }
    const box = document.getElementById("pv-layers");
    for (const layer of body.layers) {
      const label = el("label");
      const input = el("input");
      input.type = "checkbox";
      input.id = "pv-layer-" + layer.id;
      input.checked = true;
      input.addEventListener("change", load);
      const swatch = el("span", null, "pv-swatch");
      swatch.style.background = layer.color;
      label.appendChild(input);
      label.appendChild(swatch);
      label.appendChild(document.createTextNode(layer.zh + " / " + layer.en));
      box.appendChild(label);
    }
    if (!body.parks.length) status.textContent = "尚无园区 / no park harvested yet";
    load();
  }

  select.addEventListener("change", load);
  fetch(root + "/province/parks", { credentials: "same-origin" })
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error(r.status))))
    .then(fill)
    .catch((error) => {
      status.textContent = "无法读取园区 / cannot read the parks: " + error.message;
    });
})();
