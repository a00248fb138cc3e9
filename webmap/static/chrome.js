/* The page's panels (overview, layers, legend, tools, search) on any screen.
 * From 768 px wide each panel is a Leaflet control in its corner, collapsible from its header.
 * Below 768 px the map fills the screen and the panels open as sheets from a bar at the bottom,
 * one at a time, closed from their header or from the bar again. A panel is the same element in
 * both layouts (its listeners and state stay): only classes change, so a panel redrawn by its
 * owner calls decorate() again and keeps its place. */
(function () {
  "use strict";

  const NARROW = "(max-width: 767.98px)";
  const TITLES = {
    overview: { zh: "概览", en: "Overview" },
    live: { zh: "告警", en: "Alerts" },
    layers: { zh: "图层", en: "Layers" },
    legend: { zh: "图例", en: "Legend" },
    tools: { zh: "分析", en: "Analyses" },
    search: { zh: "搜索", en: "Search" },
  };
  const ORDER = ["overview", "live", "layers", "legend", "tools", "search"];
  const TEXT = {
    zh: { close: "关闭", collapse: "收起", expand: "展开" },
    en: { close: "Close", collapse: "Collapse", expand: "Expand" },
  };

  class OneMapChrome {
    constructor(app) {
      this.app = app;
      this.panels = {}; // id -> element
      this.collapsed = {}; // wide layout: panels folded to their header
      this.open = null; // narrow layout: the one sheet open
      this.query = window.matchMedia(NARROW);
      this.query.addEventListener("change", () => { this.open = null; this.refresh(); });
      this.bar = document.createElement("nav");
      this.bar.className = "om-bar";
      document.body.appendChild(this.bar);
      this.bar.addEventListener("click", (e) => {
        const button = e.target.closest("button[data-panel]");
        if (button) this.toggleSheet(button.dataset.panel);
      });
      this.renderBar();
    }

    narrow() { return this.query.matches; }
    text(key) { return TEXT[this.app.lang][key]; }
    title(id) { return this.app.title(TITLES[id]); }

    /* One button per panel, in ORDER. Buttons are kept, not rebuilt: a finger (or the keyboard's
     * focus) on a button stays on it while other panels register or a sheet opens. */
    renderBar() {
      const ids = ORDER.filter((id) => this.panels[id]);
      let before = this.bar.firstElementChild;
      for (const id of ids) {
        let button = this.bar.querySelector(`button[data-panel="${id}"]`);
        if (!button) {
          button = document.createElement("button");
          button.type = "button";
          button.dataset.panel = id;
        }
        if (button !== before) this.bar.insertBefore(button, before);
        else before = before.nextElementSibling;
        const open = this.open === id;
        button.classList.toggle("om-active", open);
        button.setAttribute("aria-expanded", String(open));
        const title = this.title(id);
        if (button.textContent !== title) button.textContent = title;
      }
    }

    /* Give a panel's element its header and its state; called again after each redraw. */
    decorate(element, id) {
      this.panels[id] = element;
      element.classList.add("om-panel");
      element.dataset.panel = id;
      let head = element.querySelector(":scope > .om-panel-head");
      if (!head) {
        head = document.createElement("div");
        head.className = "om-panel-head";
        head.innerHTML = '<span class="om-panel-title"></span><button type="button" class="om-panel-toggle"></button>';
        head.querySelector("button").addEventListener("click", (e) => {
          e.stopPropagation();
          if (this.narrow()) this.close(); else this.fold(id, !this.collapsed[id]);
        });
        element.prepend(head);
      }
      head.querySelector(".om-panel-title").textContent = this.title(id);
      const button = head.querySelector("button");
      const narrow = this.narrow();
      const folded = !narrow && !!this.collapsed[id];
      element.classList.toggle("om-collapsed", folded);
      element.classList.toggle("om-open", narrow && this.open === id);
      button.textContent = narrow ? "×" : folded ? "▸" : "▾";
      button.title = narrow ? this.text("close") : folded ? this.text("expand") : this.text("collapse");
      button.setAttribute("aria-label", `${button.title} ${this.title(id)}`);
      button.setAttribute("aria-expanded", String(narrow ? this.open === id : !folded));
      if (!this.bar.querySelector(`button[data-panel="${id}"]`)) this.renderBar();
    }

    /* Panels and sheets lie over the map (the map fills the screen in both layouts), so its size
     * never changes here: no invalidateSize, whose size read forces a layout of the whole page. */
    refresh() {
      for (const [id, element] of Object.entries(this.panels)) this.decorate(element, id);
      this.renderBar();
    }

    fold(id, folded) { this.collapsed[id] = folded; this.refresh(); }

    toggleSheet(id) { if (this.open === id) this.close(); else this.openSheet(id); }

    openSheet(id) {
      this.open = id;
      this.refresh();
      const element = this.panels[id];
      if (element) element.scrollTop = 0;
    }

    close() { this.open = null; this.refresh(); }

    /* After a choice that needs the map (a search hit, a tool armed): on a phone the sheet
     * gives the map back. */
    yieldToMap() { if (this.narrow() && this.open) this.close(); }
  }

  window.OneMapChrome = OneMapChrome;
})();
