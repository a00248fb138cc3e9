/* The cases waiting for the signed-in user (GET {api}/tasks): near and past deadlines first;
 * a case opens with its history and a button per transition the user may make now, each with
 * the inputs its declaration names (cases/spec.py: the fields it sets, a comment, files).
 * POST {api}/collections/{type}/items/{id}/transitions (multipart). */
(function () {
  "use strict";

  const TEXT = {
    zh: {
      title: "待办案件", none: "暂无待办", overdue: "已逾期", soon: "即将到期", comment: "办理意见",
      files: "附件", make: "确定", history: "办理记录", refresh: "刷新", failed: "未办理",
      schedule: "检查计划", archive: "一企一档", stats: "线索统计（XLSX）", name: "企业", cls: "类别",
      state: "状态", due: "期限", present: "齐全", expired: "过期", missing: "缺失",
      done: "已检查", duenow: "待检查", late: "已逾期", toClue: "转为问题线索",
    },
    en: {
      title: "Cases waiting for you", none: "nothing waiting", overdue: "overdue", soon: "due soon",
      comment: "Comment", files: "Attachments", make: "Confirm", history: "History", refresh: "Refresh",
      failed: "Not done", schedule: "Inspection schedule", archive: "Enterprise files", stats: "Clue statistics (XLSX)",
      name: "Enterprise", cls: "Class", state: "State", due: "Due by", present: "present", expired: "expired",
      missing: "missing", done: "done", duenow: "due", late: "overdue", toClue: "Make it a clue",
    },
  };

  function esc(v) { return window.OneMap.escapeHtml(v === null || v === undefined ? "" : v); }

  /* datetime-local (the browser's zone) as ISO 8601 with its offset. */
  function isoOf(local) {
    if (!local) return "";
    const d = new Date(local);
    const offset = -d.getTimezoneOffset();
    const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, "0");
    return `${local}:00${offset >= 0 ? "+" : "-"}${pad(offset / 60)}:${pad(offset % 60)}`;
  }

  /* A time of the API (UTC) in the browser's own zone: 2026-12-03 22:59. */
  function localTime(iso) {
    const d = new Date(iso);
    const pad = (n) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }

  /* An API time as the value of a datetime-local input (the browser's zone). */
  function localInput(iso) { return localTime(iso).replace(" ", "T"); }

  class OneMapCases {
    constructor(app) {
      this.app = app;
      this.control = L.control({ position: "bottomleft" });
      this.control.onAdd = () => {
        const div = L.DomUtil.create("div", "om-cases leaflet-bar");
        div.hidden = true;
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
      };
      this.control.addTo(app.map);
      this.box = this.control.getContainer();
      document.addEventListener("onemap:account", (e) => this.follow(e.detail));
      app.map.on("popupopen", (e) => this.exceedanceButton(e.popup));
    }

    /* An exceedance's popup, for a signed-in user: one click registers it as a clue carrying
     * its trace (the server decides whether this user may register clues). */
    exceedanceButton(popup) {
      const root = popup.getElement && popup.getElement();
      const box = root && root.querySelector('.om-popup[data-layer="exceedances"]');
      const link = box && box.querySelector("a.om-api");
      const match = link && link.getAttribute("href").match(/\/items\/([^/?]+)/);
      if (!this.login || !match || box.querySelector(".om-to-clue")) return;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "om-to-clue";
      button.textContent = this.t("toClue");
      const said = document.createElement("div");
      said.className = "om-to-clue-answer";
      button.addEventListener("click", async (e) => {
        e.stopPropagation();
        const body = { properties: { exceedance_id: Number(decodeURIComponent(match[1])) } };
        const answer = await this.request(`${this.app.config.api}/collections/clues/cases`, {
          method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
        });
        const got = await answer.json().catch(() => ({}));
        if (!answer.ok) { said.textContent = got.description || String(answer.status); return; }
        said.textContent = got.properties.case_no;
        button.disabled = true;
        await this.list();
        await this.open("clues", got.id);
      });
      box.append(button, said);
    }

    t(key) { return (TEXT[this.app.lang] || TEXT.zh)[key]; }
    request(url, options) { return this.app.account.request(url, options); }

    follow(user) {
      const login = user ? user.login : null;
      if (login === this.login) return;
      this.login = login;
      this.box.hidden = !login;
      if (login) this.list();
    }

    async list() {
      const answer = await this.request(`${this.app.config.api}/tasks`);
      const tasks = answer.ok ? (await answer.json()).tasks : [];
      const flag = (t) => (t.overdue ? `<span class="om-overdue">${esc(this.t("overdue"))}</span>`
        : t.due_soon ? `<span class="om-soon">${esc(this.t("soon"))}</span>` : "");
      const rows = tasks.map((t) => `<li><a href="#" data-type="${esc(t.case_type)}" data-id="${esc(t.id)}">`
        + `${esc(t.case_no)}</a> ${esc(t.state_title.split(" / ")[this.app.lang === "zh" ? 0 : 1])} ${flag(t)}</li>`);
      this.box.innerHTML = `<h4>${esc(this.t("title"))} (${tasks.length})
        <button type="button" class="om-cases-refresh">${esc(this.t("refresh"))}</button></h4>
        <ul class="om-task-list">${rows.join("") || `<li>${esc(this.t("none"))}</li>`}</ul>
        <div class="om-reports"><button type="button" data-report="schedule">${esc(this.t("schedule"))}</button>
        <button type="button" data-report="archive">${esc(this.t("archive"))}</button>
        <a class="om-stats-xlsx" href="${esc(this.app.config.api)}/collections/clues/statistics?by=source&amp;f=xlsx">${esc(this.t("stats"))}</a></div>
        <div class="om-case"></div>`;
      this.box.querySelectorAll(".om-reports button").forEach((b) => b.addEventListener("click", () => this.report(b.dataset.report)));
      this.box.querySelector(".om-cases-refresh").addEventListener("click", () => this.list());
      this.box.querySelectorAll(".om-task-list a").forEach((a) => a.addEventListener("click", (e) => {
        e.preventDefault();
        this.open(a.dataset.type, a.dataset.id);
      }));
    }

    /* The schedule or the files' completeness as a table (the rows the server lets the user see). */
    async report(kind) {
      const url = kind === "schedule" ? `${this.app.config.api}/collections/inspections/schedule` : `${this.app.config.api}/archive`;
      const answer = await this.request(url);
      const panel = this.box.querySelector(".om-case");
      if (!answer.ok) { panel.textContent = String(answer.status); return; }
      const body = await answer.json();
      const words = { done: this.t("done"), due: this.t("duenow"), overdue: this.t("late") };
      const head = kind === "schedule" ? ["name", "cls", "state", "due"] : ["name", "present", "expired", "missing"];
      const cells = kind === "schedule"
        ? body.enterprises.map((r) => [r.name, r.inspection_class, words[r.state], r.due_by])
        : body.enterprises.map((r) => [r.name, r.present, r.expired, r.missing]);
      panel.innerHTML = `<table class="om-table om-report" data-report="${esc(kind)}"><thead><tr>${head.map((h) => `<th>${esc(this.t(h))}</th>`).join("")}</tr></thead>`
        + `<tbody>${cells.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`).join("")}</tbody></table>`;
    }

    url(type, id) { return `${this.app.config.api}/collections/${encodeURIComponent(type)}/items/${encodeURIComponent(id)}/transitions`; }

    async open(type, id, message) {
      const answer = await this.request(this.url(type, id));
      if (!answer.ok) return;
      const c = await answer.json();
      const zh = this.app.lang === "zh";
      const history = c.history.map((h) => `<li>${esc(localTime(h.time))} ${esc(zh ? h.zh : h.en)}`
        + `${h.comment ? `：${esc(h.comment)}` : ""}</li>`).join("");
      const buttons = c.transitions.map((t) => `<button type="button" class="om-transition" data-name="${esc(t.name)}">`
        + `${esc(zh ? t.zh : t.en)}</button>`).join("");
      const panel = this.box.querySelector(".om-case");
      panel.innerHTML = `<p class="om-case-title"><b>${esc(c.properties.case_no)}</b> `
        + `<span class="om-case-state">${esc(c.state_title)}</span></p>`
        + `<p>${esc(c.properties.description || c.properties.problem || "")}</p>`
        + `<details><summary>${esc(this.t("history"))}</summary><ol>${history}</ol></details>`
        + `<div class="om-transitions">${buttons}</div><form class="om-transition-form" hidden></form>`
        + `<div class="om-case-message" role="alert">${esc(message || "")}</div>`;
      panel.querySelectorAll("button.om-transition").forEach((b) => b.addEventListener("click", () => {
        this.form(type, id, c.transitions.find((t) => t.name === b.dataset.name), c.properties);
      }));
    }

    /* The inputs of one transition, from its declaration, filled with the case's values; a
     * required one already set need not be given again (a renewed one must). */
    form(type, id, transition, current) {
      const zh = this.app.lang === "zh";
      const form = this.box.querySelector(".om-transition-form");
      const inputs = transition.fields.map((f) => {
        const kind = f.type === "timestamptz" ? "datetime-local" : "text";
        const value = current[f.name] === null || current[f.name] === undefined ? "" : current[f.name];
        const shown = kind === "datetime-local" && value ? localInput(value) : value;
        const renewed = transition.renewed.includes(f.name);
        const required = renewed || (transition.required.includes(f.name) && !value);
        return `<label>${esc(zh ? f.zh : f.en)}<input name="${esc(f.name)}" type="${kind}" data-type="${esc(f.type)}"`
          + ` value="${esc(renewed ? "" : shown)}"${required ? " required" : ""}></label>`;
      }).join("");
      form.innerHTML = `<h5>${esc(zh ? transition.zh : transition.en)}</h5>${inputs}`
        + `<label>${esc(this.t("comment"))}<textarea name="comment" rows="2"${transition.comment_required ? " required" : ""}></textarea></label>`
        + `<label>${esc(this.t("files"))}<input type="file" name="files" multiple></label>`
        + `<button type="submit">${esc(this.t("make"))}</button>`;
      form.hidden = false;
      form.onsubmit = async (e) => {
        e.preventDefault();
        const data = new FormData();
        data.append("transition", transition.name);
        data.append("comment", form.elements.comment.value);
        const properties = {};
        for (const f of transition.fields) {
          const input = form.elements[f.name];
          // only what was changed: an unchanged value is not set again
          if (input.value && input.value !== input.defaultValue) {
            properties[f.name] = f.type === "timestamptz" ? isoOf(input.value) : input.value;
          }
        }
        data.append("properties", JSON.stringify(properties));
        for (const file of form.elements.files.files) data.append("files", file, file.name);
        const answer = await this.request(this.url(type, id), { method: "POST", body: data });
        const body = await answer.json().catch(() => ({}));
        if (!answer.ok) {
          this.box.querySelector(".om-case-message").textContent = `${this.t("failed")}: ${body.description || answer.status}`;
          return;
        }
        await this.list();
        await this.open(type, id, body.state_title);
      };
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (window.onemap && window.onemap.account) {
      window.onemap.cases = new OneMapCases(window.onemap);
      window.onemap.cases.follow(window.onemap.account.user);
    }
  });
  window.OneMapCases = OneMapCases;
})();
