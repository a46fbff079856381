// treesearch.js is the partners page's search box: one query over the caller's whole subtree
// (GET /v1/accounts/{id}/search) by name, part of a name or Partner ID, with kind (a prospect is a customer in the prospect stage) and status filters and an
// order. It searches as the person types, a moment after they stop (debounced), shows a busy state while a
// search runs (aria-busy on the results and a visible line), lists each result with its path
// (Provider › MSP › Partner) and hands a chosen result to the page, which opens it in its account view.
//
// Only the latest search is shown, however the answers arrive. ↓ in the box moves to the results; ↑ and ↓ move
// between them and Escape goes back to the box.
//
// The search is kept in the address (/partners?q=north&kind=customer&status=active&sort=name), so a reload, a
// link or Back brings it back; the page keeps these parameters when it opens an account (withSearch).

import { ApiError, get } from "./api.js";
import { $, el, fieldError, kindTitles, plural, prospectBadge, showAlert, statusTitles } from "./ui.js";
import { leaving } from "./session.js";

// debounceMs is how long typing must pause before a search runs: long enough not to search every keystroke.
const debounceMs = 300;
const pageSize = 25;

// orders maps the sort menu to the API's sort and order.
const orders = {
  match: { sort: "match", order: "asc" },
  name: { sort: "name", order: "asc" },
  "name-desc": { sort: "name", order: "desc" },
};

// searchFields are the address's search parameters and the form controls they fill.
const searchFields = { q: "tree-q", kind: "tree-kind", status: "tree-status", sort: "tree-sort" };

// withSearch is path (a partners page address) with the search parameters of the current address.
export function withSearch(path) {
  const url = new URL(path, location.origin);
  const here = new URLSearchParams(location.search);
  for (const name of Object.keys(searchFields)) {
    if (here.get(name)) url.searchParams.set(name, here.get(name));
  }
  return url.pathname + url.search;
}

// createTreeSearch wires the search form of the page to the subtree of rootId; onOpen(id) opens a result.
export function createTreeSearch({ rootId, onOpen }) {
  const state = { ticket: 0, timer: 0, next: null, shown: 0 };
  const input = $("tree-q");
  const region = $("search-results");
  const list = $("search-list");

  $("tree-search-form").addEventListener("submit", (e) => {
    e.preventDefault();
    run();
  });
  input.addEventListener("input", later);
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" && !region.hidden) {
      const first = list.querySelector("button");
      if (first) {
        e.preventDefault();
        first.focus();
      }
    }
  });
  for (const id of ["tree-kind", "tree-status", "tree-sort"]) $(id).addEventListener("change", run);
  $("search-more").addEventListener("click", () => run({ more: true }));
  list.addEventListener("click", (e) => {
    const b = e.target.closest("button[data-select]");
    if (b) onOpen(b.dataset.select);
  });
  list.addEventListener("keydown", (e) => {
    const buttons = [...list.querySelectorAll("button[data-select]")];
    const i = buttons.indexOf(document.activeElement);
    if (i < 0) return;
    switch (e.key) {
      case "ArrowDown": buttons[i + 1]?.focus(); break;
      case "ArrowUp": (i === 0 ? input : buttons[i - 1]).focus(); break;
      case "Home": buttons[0].focus(); break;
      case "End": buttons[buttons.length - 1].focus(); break;
      case "Escape": input.focus(); break;
      default: return;
    }
    e.preventDefault();
  });

  // A search named by the address runs as the page opens.
  const asked = new URLSearchParams(location.search);
  for (const [name, id] of Object.entries(searchFields)) {
    if (name !== "q" && asked.get(name)) $(id).value = asked.get(name);
  }
  if (asked.get("q")) {
    input.value = asked.get("q");
    run();
  }

  function later() {
    clearTimeout(state.timer);
    state.timer = setTimeout(run, debounceMs);
  }

  // run searches for what the form says: the first page, or with more the page after the results shown.
  async function run({ more = false } = {}) {
    clearTimeout(state.timer);
    const q = input.value.trim();
    fieldError(input, "");
    keepInAddress(q);
    if (!q) {
      ++state.ticket; // an answer still on its way is no longer wanted
      region.hidden = true;
      list.replaceChildren();
      state.next = null;
      return;
    }
    const ticket = ++state.ticket;
    const params = new URLSearchParams({ q, limit: String(pageSize), ...orders[$("tree-sort").value] || orders.match });
    // Customers and prospects are both customer accounts, told apart by their stage.
    const kind = $("tree-kind").value;
    if (kind === "prospect" || kind === "customer") {
      params.set("kind", "customer");
      params.set("stage", kind);
    } else if (kind) params.set("kind", kind);
    if ($("tree-status").value) params.set("status", $("tree-status").value);
    if (more && state.next) params.set("cursor", state.next);
    setBusy(true);
    showAlert($("search-alert"), "");
    region.hidden = false;
    let data;
    try {
      ({ data } = await get(`/v1/accounts/${encodeURIComponent(rootId)}/search?${params}`));
    } catch (err) {
      if (ticket !== state.ticket || leaving(err)) return;
      setBusy(false);
      const field = err instanceof ApiError ? err.fields?.q : null;
      if (field) {
        fieldError(input, field.detail);
        $("search-summary").textContent = "";
        list.replaceChildren();
        $("search-more").hidden = true;
      } else {
        showAlert($("search-alert"), `The search failed: ${err.message}`);
      }
      return;
    }
    if (ticket !== state.ticket) return; // a newer search was asked meanwhile
    setBusy(false);
    const items = Array.isArray(data?.items) ? data.items : [];
    state.next = data?.next || null;
    if (more) {
      list.append(...items.map(resultFor));
      state.shown += items.length;
    } else {
      list.replaceChildren(...items.map(resultFor));
      state.shown = items.length;
    }
    $("search-more").hidden = !state.next;
    $("search-summary").textContent = summary(q, more ? items.length : -1);
    if (more) list.querySelectorAll("button[data-select]")[state.shown - items.length]?.focus();
  }

  // keepInAddress writes the search into the address, replacing the entry: typing is not a step to go Back to.
  function keepInAddress(q) {
    const p = new URLSearchParams(location.search);
    for (const [name, id] of Object.entries(searchFields)) {
      const value = name === "q" ? q : $(id).value;
      if (q && value && !(name === "sort" && value === "match")) p.set(name, value);
      else p.delete(name);
    }
    const address = `${location.pathname}${p.size ? `?${p}` : ""}${location.hash}`;
    if (address !== location.pathname + location.search + location.hash) history.replaceState(history.state, "", address);
  }

  function setBusy(on) {
    region.setAttribute("aria-busy", String(on));
    $("search-busy").hidden = !on;
    $("search-more").disabled = on;
  }

  function summary(q, added) {
    if (!state.shown) return `No accounts match “${q}”${filtered() ? " with these filters" : ""}.`;
    const more = state.next ? "; more to load" : "";
    if (added >= 0) return `${plural(added, "more account")} loaded: ${plural(state.shown, "account")} shown for “${q}”${more}.`;
    return `${plural(state.shown, "account")} ${state.shown === 1 ? "matches" : "match"} “${q}”${more}.`;
  }

  function filtered() {
    return Boolean($("tree-kind").value || $("tree-status").value);
  }
}

// resultFor is one result: its name (the button that opens it), kind, status, Partner ID and path.
function resultFor(f) {
  const path = Array.isArray(f.path) ? f.path : [];
  const where = path.length ? path.map((p) => p.name).join(" › ") : "Your own account";
  const meta = [kindTitles[f.kind] || f.kind, f.partnerId ? `Partner ID ${f.partnerId}` : ""].filter(Boolean).join(" · ");
  return el("li", { className: "search-result", dataset: { id: f.id } },
    el("button", { type: "button", className: "row-name", dataset: { select: f.id } }, f.name),
    " ",
    el("span", { className: "pill", dataset: { status: f.status } }, statusTitles[f.status] || f.status),
    f.stage === "prospect" ? [" ", prospectBadge()] : [],
    el("p", { className: "search-meta muted" }, meta),
    el("p", { className: "search-path", dataset: { path: "" } },
      el("span", { className: "search-path-label" }, "Path: "), where));
}
