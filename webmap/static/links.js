/* Deep links: the URL's fragment holds the view, the layers on and the open feature, so a link
 * sent by chat opens the same map on a phone (Jiangsu 7.1.2).
 *
 *   #map=ZOOM/LAT/LON&layers=ID,ID&feature=LAYER/ID
 *
 * The fragment never reaches the server (nothing in it is logged or cached there), and it is
 * rewritten with history.replaceState, so moving the map adds no entries to the back button.
 * A link only ever asks the API what the signed-in user may read: a layer the page does not
 * offer this user is ignored, and a feature the API refuses is reported, not shown.
 */
(function () {
  "use strict";

  const MAX_ZOOM = 22;

  /* The fragment's fields, or null for each one missing or malformed. */
  function parse(hash) {
    const params = new URLSearchParams(String(hash || "").replace(/^#/, ""));
    const out = { view: null, layers: null, feature: null };
    const m = /^(\d{1,2})\/(-?\d+(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)$/.exec(params.get("map") || "");
    if (m) {
      const zoom = Number(m[1]);
      const lat = Number(m[2]);
      const lon = Number(m[3]);
      if (zoom <= MAX_ZOOM && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) out.view = { zoom, lat, lon };
    }
    if (params.has("layers")) {
      out.layers = (params.get("layers") || "").split(",").filter((id) => /^[a-z][a-z0-9_]*$/.test(id));
    }
    const f = /^([a-z][a-z0-9_]*)\/([^/]+)$/.exec(params.get("feature") || "");
    if (f) out.feature = { layer: f[1], id: f[2] };
    return out;
  }

  /* The fragment for a state; the precision of the centre follows the zoom (about a pixel). */
  function format(state) {
    const parts = [];
    if (state.view) {
      const digits = Math.max(0, Math.min(6, Math.ceil(Math.log10(2 ** state.view.zoom))));
      parts.push(`map=${state.view.zoom}/${state.view.lat.toFixed(digits)}/${state.view.lon.toFixed(digits)}`);
    }
    if (state.layers) parts.push(`layers=${state.layers.join(",")}`);
    if (state.feature) parts.push(`feature=${state.feature.layer}/${encodeURIComponent(state.feature.id)}`);
    return parts.length ? `#${parts.join("&")}` : "";
  }

  class OneMapLinks {
    constructor(app) {
      this.app = app;
      this.asked = parse(window.location.hash);
      this.following = false;
    }

    /* Whether a layer starts switched on: as the link says, else as its style says (for this
     * screen: onemap.js onAtStart). */
    layerOn(cfg) {
      return this.asked.layers ? this.asked.layers.includes(cfg.id) : this.app.onAtStart(cfg);
    }

    /* Set the link's view; false when it holds none (the page then fits the park). */
    restoreView() {
      const v = this.asked.view;
      if (!v) return false;
      this.app.map.setView([v.lat, v.lon], v.zoom, { animate: false });
      return true;
    }

    /* Open the feature the link names, read through the API as this user. */
    async restoreFeature() {
      const f = this.asked.feature;
      if (!f) return;
      await this.app.personalised(); // a signed-in user's internal layers first
      const cfg = this.app.config.layers.find((c) => c.id === f.layer);
      if (!cfg) { this.refuse(); return; }
      const url = `${this.app.config.api}/collections/${cfg.id}/items/${encodeURIComponent(f.id)}?f=json`;
      try {
        const feature = await this.app.getJSON(url);
        await this.app.show(cfg, feature, { keepView: !!this.asked.view });
      } catch (err) {
        this.refuse();
      }
    }

    /* A feature this user may not read or that is gone: say so and drop it from the link. */
    refuse() {
      const note = document.createElement("div");
      note.className = "om-link-note";
      note.setAttribute("role", "status");
      note.textContent = this.app.t("link_refused");
      note.addEventListener("click", () => note.remove());
      this.app.map.getContainer().appendChild(note);
      this.asked.feature = null;
      this.write();
    }

    /* From now on the fragment follows the map, and a pasted link re-applies it. */
    follow() {
      if (this.following) return;
      this.following = true;
      const map = this.app.map;
      map.on("moveend overlayadd overlayremove popupopen popupclose", () => this.schedule());
      window.addEventListener("hashchange", () => this.reapply());
      this.write();
    }

    async reapply() {
      if (window.location.hash === this.current) return; // our own write
      this.asked = parse(window.location.hash);
      for (const state of Object.values(this.app.layers)) {
        const on = this.layerOn(state.cfg);
        if (on && !this.app.map.hasLayer(state.holder)) state.holder.addTo(this.app.map);
        if (!on && this.app.map.hasLayer(state.holder)) this.app.map.removeLayer(state.holder);
      }
      this.restoreView();
      if (this.asked.feature) await this.restoreFeature();
      else this.app.map.closePopup();
    }

    state() {
      const map = this.app.map;
      const c = map.getCenter();
      const layers = Object.values(this.app.layers)
        .filter((s) => map.hasLayer(s.holder)).map((s) => s.cfg.id);
      const popup = map._popup && map.hasLayer(map._popup) ? map._popup._onemap : null;
      return {
        view: { zoom: map.getZoom(), lat: c.lat, lon: c.lng },
        layers,
        feature: popup && popup.id !== undefined && popup.id !== null ? popup : null,
      };
    }

    /* One write for a burst of events (a deep link switching on many layers fires one
     * overlayadd each; replaceState is not free on a phone). After the current task, which
     * also lets Leaflet take a closing popup off the map first. */
    schedule() {
      if (this.pending) return;
      this.pending = true;
      setTimeout(() => { this.pending = false; this.write(); }, 0);
    }

    write() {
      if (!this.following) return;
      this.current = format(this.state());
      if (this.current !== window.location.hash) {
        const url = `${window.location.pathname}${window.location.search}${this.current}`;
        window.history.replaceState(window.history.state, "", url);
      }
    }
  }

  OneMapLinks.parse = parse;
  OneMapLinks.format = format;
  window.OneMapLinks = OneMapLinks;
})();
