/* The internal layers of a signed-in user (GET {root}/map-layers): the policy names the ones
 * this user may read (clues, inspections, rectifications for staff; an enterprise's own cases
 * for it) and the page draws them beside the public layers, in their groups, with their
 * legends and popups. Signing out removes them. The API limits the rows on every request. */
(function () {
  "use strict";

  class OneMapSignedInLayers {
    constructor(app) {
      this.app = app;
      this.added = []; // ids of the layers added for the signed-in user
      this.groups = []; // ids of the groups added with them
      this.login = null;
      document.addEventListener("onemap:account", (e) => this.follow(e.detail));
    }

    async follow(user) {
      const login = user ? user.login : null;
      if (login === this.login) return;
      this.login = login;
      this.drop();
      if (!login) { this.app.renderChrome(); return; }
      const answer = await this.app.account.request(`${this.app.config.root}/map-layers`);
      if (!answer.ok || this.login !== login) return;
      this.add(await answer.json());
    }

    add(body) {
      const app = this.app;
      for (const g of body.groups) {
        if (app.config.groups.some((known) => known.id === g.id)) continue;
        app.config.groups.push(g);
        this.groups.push(g.id);
      }
      for (const cfg of body.layers) {
        if (app.layers[cfg.id]) continue;
        app.config.layers.push(cfg);
        app.layers[cfg.id] = app.makeLayer(cfg);
        this.added.push(cfg.id);
        if (cfg.style.visible) app.layers[cfg.id].holder.addTo(app.map);
      }
      app.renderChrome();
      app.loadVisible();
      app.map.getContainer().dataset.signedInLayers = this.added.join(" ");
    }

    drop() {
      const app = this.app;
      for (const id of this.added) {
        const state = app.layers[id];
        if (state) state.holder.remove();
        delete app.layers[id];
      }
      app.config.layers = app.config.layers.filter((c) => !this.added.includes(c.id));
      app.config.groups = app.config.groups.filter((g) => !this.groups.includes(g.id));
      this.added = [];
      this.groups = [];
      delete app.map.getContainer().dataset.signedInLayers;
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (window.onemap) window.onemap.signedInLayers = new OneMapSignedInLayers(window.onemap);
  });
})();
