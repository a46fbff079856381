// partners.js runs the partners page: the partner tree one level at a time (GET /v1/accounts/{id}/children, with
// "Load more" for the cursor), drilling down with the › button of a row and back up with the breadcrumb, the
// selected account's details with what the caller may do to it (edit, disable or enable, a customer's apps, the
// provider's branding switch, converting a prospect to a customer), the add-account wizard (wizard.js), and the
// search over the whole subtree (treesearch.js), whose results open in the same details panel.
//
// The level shown is in the address (/partners?account=<id>), so Back and Forward move through the tree. The
// table works from the keyboard like a tree: ↑ ↓ move between accounts, → opens the focused one, ← goes up.

import { ApiError, get, patch, post, put } from "./api.js";
import {
  $, announce, busy, dateTime, el, fieldError, formatCount, kindTitles, plural, prospectBadge, showAlert, showView, statusTitles,
} from "./ui.js";
import { can, leaving, startPage } from "./session.js";
import { createTreeSearch, withSearch } from "./treesearch.js";
import { addressWithout, choicesFor, createWizard, wizardInURL } from "./wizard.js";

const state = {
  me: null,
  rootId: "",
  level: null, // the AccountView whose children are listed
  trail: [], // AccountRefs from the root down to the level
  rows: [], // the children shown
  next: null, // cursor of the next page
  selected: null, // the AccountView in the details panel
  branding: null, // the selected account's branding view, when the caller may see it
  apps: null, // the app catalog
  wizard: null,
  search: null,
  ticket: 0, // the latest selection
};

const editFields = {
  "company.name": "edit-name",
  "company.address": "edit-address",
  "company.country": "edit-country",
  "company.state": "edit-state",
  "company.city": "edit-city",
  "company.zipCode": "edit-zip",
};

const parentKinds = new Set(["provider", "msp", "partner"]);

$("load-more").addEventListener("click", loadMore);
$("add-account").addEventListener("click", () => state.wizard.open(state.level));
$("add-below").addEventListener("click", () => state.wizard.open(state.selected));
$("open-below").addEventListener("click", () => state.selected && openLevel(state.selected.id));
$("edit-account").addEventListener("click", startEdit);
$("edit-cancel").addEventListener("click", endEdit);
$("edit-form").addEventListener("submit", saveEdit);
$("toggle-status").addEventListener("click", confirmStatus);
$("convert-account").addEventListener("click", confirmConvert);
wireConfirmDialog();
$("branding-enabled").addEventListener("change", switchBranding);
$("rows-body").addEventListener("click", rowClick);
$("rows-body").addEventListener("keydown", rowKeys);
$("crumbs").addEventListener("click", crumbClick);
$("endpoints-form").addEventListener("submit", saveEndpoints);
$("created-another").addEventListener("click", () => state.wizard.open(state.level));
window.addEventListener("popstate", moved);

startPage({ open });

async function open(me) {
  state.me = me;
  state.rootId = me.currentAccount?.id || "";
  state.wizard ||= createWizard({ me, onCreated: created, onCancel: () => backToTree() });
  state.search ||= createTreeSearch({ rootId: state.rootId, onOpen: (id) => select(id, { focus: true }) });
  await openLevel(levelFromURL(), { push: false, focus: false });
  if (wizardInURL()) await resumeWizard(wizardInURL());
}

// moved follows the browser's Back and Forward: a wizard step the address names, or a level of the tree.
function moved() {
  const w = wizardInURL();
  if (w && document.body.dataset.showing === "wizard") return state.wizard.show(w.step);
  if (w) return resumeWizard(w);
  openLevel(levelFromURL(), { push: false });
}

// resumeWizard opens the add-account wizard where the address says (a reload, or Forward into it).
async function resumeWizard({ parentId, step }) {
  try {
    const parent = parentId === state.level?.id ? state.level : await account(parentId);
    state.wizard.open(parent, { step, resume: true });
  } catch (err) {
    if (leaving(err)) return;
    // The account to add below is gone or out of reach: the tree stays, without the wizard in the address.
    history.replaceState(null, "", addressWithout());
    showAlert($("level-alert"), `Could not go back to adding an account: ${err.message}`);
  }
}

function levelFromURL() {
  return new URLSearchParams(location.search).get("account") || state.rootId;
}

// openLevel lists the children of an account and shows its details. push records it in the history.
async function openLevel(id, { push = true, focus = true } = {}) {
  const list = $("level");
  list.setAttribute("aria-busy", "true");
  $("rows-loading").hidden = false;
  let view, page, trail;
  try {
    [view, page] = await Promise.all([account(id), get(childrenPath(id))]);
    trail = await trailTo(view);
  } catch (err) {
    list.setAttribute("aria-busy", "false");
    $("rows-loading").hidden = true;
    if (leaving(err)) return;
    if (err instanceof ApiError && err.status === 404 && id !== state.rootId) {
      // An account that is gone or outside the caller's tree: start again from the top.
      history.replaceState(null, "", withSearch("/partners"));
      return openLevel(state.rootId, { push: false, focus });
    }
    if (!state.level) throw err; // nothing shown yet: the page says it could not load
    showView("tree", { focus: false });
    showAlert($("level-alert"), `Could not open the account: ${err.message}`);
    return;
  }
  showAlert($("level-alert"), "");
  state.trail = trail;
  state.level = view;
  state.rows = page.data?.items || [];
  state.next = page.data?.next || null;
  if (push) history.pushState(null, "", withSearch(id === state.rootId ? "/partners" : `/partners?account=${encodeURIComponent(id)}`));

  renderLevel();
  renderRows();
  renderDetails(view);
  list.setAttribute("aria-busy", "false");
  $("rows-loading").hidden = true;
  showView("tree", { focus: false });
  const name = view.company?.name || "this account";
  announce(`${name}: ${state.rows.length ? plural(state.rows.length, "account") + " below" : "no accounts below yet"}${state.next ? ", more to load" : ""}.`);
  if (focus) focusHeading($("level-title"));
}

function childrenPath(id, cursor) {
  const q = cursor ? `?cursor=${encodeURIComponent(cursor)}` : "";
  return `/v1/accounts/${encodeURIComponent(id)}/children${q}`;
}

async function account(id) {
  const { data } = await get(`/v1/accounts/${encodeURIComponent(id)}`);
  return data || {};
}

// trailTo is the path from the session's account down to view: the known trail when view is on it, else the
// parents read one by one (the tree is at most four levels deep).
async function trailTo(view) {
  const at = state.trail.findIndex((r) => r.id === view.id);
  if (at >= 0) return [...state.trail.slice(0, at), ref(view)];
  const out = [ref(view)];
  let cur = view;
  while (cur.id !== state.rootId && cur.parent && out.length < 5) {
    cur = await account(cur.parent.id);
    out.unshift(ref(cur));
  }
  return out;
}

function ref(v) {
  return { id: v.id, name: v.company?.name || v.name || "Account", kind: v.kind };
}

function renderLevel() {
  const v = state.level;
  const name = v.company?.name || "your account";
  const mine = v.id === state.rootId;
  $("tree-title").textContent = mine ? "Partners" : name;
  document.title = `${mine ? "Partners" : name} · PartnerHub`;
  $("level-title").textContent = `Accounts below ${name}`;
  $("rows-caption").textContent = `Accounts directly below ${name}`;
  $("level-counts").textContent = countsLine(v.counts);

  // At the top of the caller's tree the breadcrumb would only repeat the heading.
  $("crumbs-nav").hidden = state.trail.length < 2;
  const crumbs = $("crumbs");
  crumbs.replaceChildren(...state.trail.map((r, i) => {
    const last = i === state.trail.length - 1;
    return el("li", {}, last
      ? el("span", { "aria-current": "page" }, r.name)
      : el("a", { href: r.id === state.rootId ? "/partners" : `/partners?account=${encodeURIComponent(r.id)}`, dataset: { id: r.id } }, r.name));
  }));

  const kinds = choicesFor(v);
  const add = $("add-account");
  add.hidden = kinds.length === 0;
  add.textContent = addLabel(kinds);
}

function addLabel(kinds) {
  if (kinds.length === 1) return { customer: "Add customer", msp: "Add MSP", prospect: "Add prospect" }[kinds[0]] || "Add partner";
  if (kinds.length === 2 && kinds.includes("customer") && kinds.includes("prospect")) return "Add customer or prospect";
  return kinds.includes("customer") ? "Add account" : "Add partner";
}

function countsLine(c) {
  if (!c) return "";
  const parts = [
    plural(c.msps || 0, "MSP"), plural(c.partners || 0, "partner"), plural(c.customers || 0, "customer"),
    plural(c.prospects || 0, "prospect"),
    `${formatCount(c.endpoints || 0)} endpoint${c.endpoints === 1 ? "" : "s"}`, `${formatCount(c.disabled || 0)} disabled`,
  ];
  return `In this part of the tree: ${parts.join(" · ")}.`;
}

function renderRows() {
  const body = $("rows-body");
  body.replaceChildren(...state.rows.map(rowFor));
  const empty = state.rows.length === 0;
  $("rows").hidden = empty;
  $("rows-keys").hidden = empty;
  $("rows-empty").hidden = !empty;
  $("rows-empty").textContent = `There are no accounts below ${state.level.company?.name || "this account"} yet.`;
  $("load-more").hidden = !state.next;
  markSelected();
}

function rowFor(c) {
  const isCustomer = c.kind === "customer";
  // Explicit roles keep the table a table for assistive technology when phones lay it out as cards.
  const status = el("td", { role: "cell", dataset: { label: "Status" } }, pill(c.status, statusTitles[c.status] || c.status));
  if (c.blocked) {
    status.append(" ", pill("blocked", "Blocked", "An account above it is disabled: its people cannot sign in."));
  }
  const num = (label, n, na) => el("td", { role: "cell", className: "num", dataset: { label } }, na
    ? [el("span", { "aria-hidden": "true" }, "–"), el("span", { className: "sr-only" }, "not applicable")]
    : formatCount(n || 0));
  const endpoints = isCustomer ? (c.endpoints ?? c.counts?.endpoints ?? 0) : c.counts?.endpoints;
  const open = el("td", { role: "cell", className: "open" });
  if (parentKinds.has(c.kind)) {
    open.append(el("button", {
      type: "button", className: "drill", dataset: { open: c.id }, "aria-label": `Open ${c.name}: show the accounts below it`,
      title: "Show the accounts below it",
    }, el("span", { "aria-hidden": "true" }, "›")));
  }
  return el("tr", { role: "row", dataset: { id: c.id, status: c.status, blocked: c.blocked ? "true" : "false" } },
    el("th", { role: "rowheader", scope: "row", dataset: { label: "Name" } },
      el("button", { type: "button", className: "row-name", dataset: { select: c.id } }, c.name)),
    el("td", { role: "cell", dataset: { label: "Kind" } }, kindTitles[c.kind] || c.kind, c.stage === "prospect" ? [" ", prospectBadge()] : []),
    status,
    num("MSPs", c.counts?.msps, isCustomer),
    num("Partners", c.counts?.partners, isCustomer),
    num("Customers", c.counts?.customers, isCustomer),
    num("Prospects", c.counts?.prospects, isCustomer),
    num("Endpoints", endpoints, false),
    num("Disabled", c.counts?.disabled, isCustomer),
    open,
  );
}

function pill(kind, text, title) {
  return el("span", { className: "pill", dataset: { status: kind }, title }, text);
}

async function loadMore() {
  if (!state.next) return;
  const button = $("load-more");
  busy(button, true, "Loading…");
  try {
    const { data } = await get(childrenPath(state.level.id, state.next));
    const items = data?.items || [];
    const firstNew = state.rows.length;
    state.rows.push(...items);
    state.next = data?.next || null;
    $("rows-body").append(...items.map(rowFor));
    $("load-more").hidden = !state.next;
    markSelected();
    announce(`${plural(items.length, "more account")} loaded${state.next ? "" : "; that is all of them"}.`);
    $("rows-body").rows[firstNew]?.querySelector(".row-name")?.focus();
  } catch (err) {
    if (leaving(err)) return;
    showAlert($("level-alert"), `Loading more accounts failed: ${err.message}`);
  } finally {
    busy(button, false);
  }
}

function rowClick(e) {
  const open = e.target.closest("button[data-open]");
  if (open) return openLevel(open.dataset.open);
  const sel = e.target.closest("button[data-select]");
  if (sel) select(sel.dataset.select, { focus: true });
}

// rowKeys makes the table behave like a tree for the keyboard.
function rowKeys(e) {
  const row = e.target.closest("tr");
  if (!row || e.altKey || e.ctrlKey || e.metaKey) return;
  const rows = [...$("rows-body").rows];
  const i = rows.indexOf(row);
  const focusRow = (r) => r?.querySelector(".row-name")?.focus();
  switch (e.key) {
    case "ArrowDown": focusRow(rows[i + 1]); break;
    case "ArrowUp": focusRow(rows[i - 1]); break;
    case "Home": focusRow(rows[0]); break;
    case "End": focusRow(rows[rows.length - 1]); break;
    case "ArrowRight": {
      const open = row.querySelector("button[data-open]");
      if (!open) return;
      openLevel(open.dataset.open);
      break;
    }
    case "ArrowLeft": {
      if (state.trail.length < 2) return;
      openLevel(state.trail[state.trail.length - 2].id);
      break;
    }
    default:
      return;
  }
  e.preventDefault();
}

function crumbClick(e) {
  const a = e.target.closest("a[data-id]");
  if (!a || e.ctrlKey || e.metaKey || e.shiftKey) return;
  e.preventDefault();
  openLevel(a.dataset.id);
}

// select shows an account's details, read fresh.
async function select(id, { focus = false } = {}) {
  showAlert($("details-alert"), "");
  // Only the last selection is shown, however the answers arrive.
  const ticket = ++state.ticket;
  try {
    const view = await account(id);
    if (ticket !== state.ticket) return;
    renderDetails(view);
    if (focus) {
      focusHeading($("details-title"));
      $("details").scrollIntoView({ block: "nearest" });
    }
  } catch (err) {
    if (leaving(err)) return;
    showAlert($("details-alert"), `Could not load the account: ${err.message}`);
  }
}

function markSelected() {
  for (const b of $("rows-body").querySelectorAll(".row-name")) {
    if (state.selected && b.dataset.select === state.selected.id) b.setAttribute("aria-current", "true");
    else b.removeAttribute("aria-current");
  }
}

function renderDetails(v) {
  state.selected = v;
  state.branding = null;
  endEdit({ focus: false });
  showAlert($("details-result"), "", "success");
  const perms = v.permissions || {};
  const name = v.company?.name || "Account";
  const isLevel = state.level && v.id === state.level.id;
  $("details-eyebrow").textContent = isLevel ? `${kindTitles[v.kind] || v.kind} · this level` : kindTitles[v.kind] || v.kind;
  $("details-title").textContent = name;
  $("details").dataset.id = v.id;
  $("details").dataset.status = v.status;

  const meta = $("details-meta");
  meta.replaceChildren(pill(v.status, statusTitles[v.status] || v.status));
  if (v.stage === "prospect") meta.append(" ", prospectBadge());
  if (v.blockedBy) meta.append(" ", pill("blocked", "Blocked"));

  const c = v.company || {};
  const place = [c.address, [c.zipCode, c.city].filter(Boolean).join(" "), c.state, c.country].filter(Boolean).join(", ");
  const facts = [
    ["Partner ID", v.partnerId],
    ["Status", explainStatus(v)],
    ["Stage", v.stage === "prospect" ? "Prospect: not signed yet. Its point of contact gets the activation email when an administrator converts it to a customer." : ""],
    ["Blocked by", v.blockedBy ? `${v.blockedBy.name} is disabled, so people here cannot sign in.` : ""],
    ["Parent", v.parent ? `${v.parent.name} (${kindTitles[v.parent.kind] || v.parent.kind})` : ""],
    ["Address", place || "Not given yet"],
    ["Endpoints", v.kind === "customer" ? formatCount(v.endpoints ?? 0) : ""],
    ["Created", dateTime(v.createdAt)],
  ].filter(([, val]) => val);
  $("details-facts").replaceChildren(...facts.flatMap(([k, val]) => [el("dt", {}, k), el("dd", {}, val)]));

  const showCounts = v.kind !== "customer";
  $("details-counts-title").hidden = !showCounts;
  $("details-counts").hidden = !showCounts;
  const n = v.counts || {};
  $("details-counts").replaceChildren(...[
    ["MSPs", n.msps], ["Partners", n.partners], ["Customers", n.customers], ["Prospects", n.prospects], ["Endpoints", n.endpoints], ["Disabled", n.disabled],
  ].map(([k, val]) => el("li", { dataset: { count: k.toLowerCase() } }, el("span", { className: "count-n" }, formatCount(val || 0)), el("span", { className: "count-k" }, k))));

  $("open-below").hidden = isLevel || !parentKinds.has(v.kind);
  $("add-below").hidden = isLevel || !choicesFor(v).length;
  $("convert-account").hidden = !perms.convert;
  $("edit-account").hidden = !perms.edit;
  const toggle = $("toggle-status");
  toggle.hidden = !perms.disable;
  toggle.textContent = v.status === "disabled" ? "Enable" : "Disable";
  toggle.classList.toggle("danger", v.status !== "disabled");

  renderApps(v);
  renderEndpoints(v);
  renderBrandingAdmin(v);
  $("details").hidden = false;
  markSelected();
}

function explainStatus(v) {
  switch (v.status) {
    case "pending": return "Pending: its point of contact has not activated yet.";
    case "active": return "Active.";
    case "disabled": return "Disabled: its people and everyone below cannot sign in.";
    default: return v.status || "";
  }
}

// ---- Edit ----

function startEdit() {
  const v = state.selected;
  const c = v.company || {};
  const set = (id, val) => { $(id).value = val || ""; fieldError($(id), ""); };
  set("edit-name", c.name);
  set("edit-address", c.address);
  set("edit-country", c.country);
  set("edit-state", c.state);
  set("edit-city", c.city);
  set("edit-zip", c.zipCode);
  $("edit-form").hidden = false;
  $("edit-account").setAttribute("aria-expanded", "true");
  $("edit-name").focus();
}

function endEdit({ focus = true } = {}) {
  const wasOpen = !$("edit-form").hidden;
  $("edit-form").hidden = true;
  $("edit-account").setAttribute("aria-expanded", "false");
  if (focus && wasOpen && !$("edit-account").hidden) $("edit-account").focus();
}

async function saveEdit(e) {
  e.preventDefault();
  const v = state.selected;
  for (const id of Object.values(editFields)) fieldError($(id), "");
  showAlert($("details-alert"), "");
  const company = {};
  for (const [field, id] of Object.entries(editFields)) company[field.slice("company.".length)] = $(id).value.trim();
  const button = $("edit-save");
  busy(button, true, "Saving…");
  try {
    const { data } = await patch(`/v1/accounts/${encodeURIComponent(v.id)}`, { company, version: v.version });
    afterChange(data, `Saved the company details of ${data.company?.name || "the account"}.`);
    $("edit-account").focus();
  } catch (err) {
    if (leaving(err)) return;
    const known = err instanceof ApiError ? err.errors.filter((x) => editFields[x.field]) : [];
    for (const x of known) fieldError($(editFields[x.field]), x.detail);
    if (known.length) $(editFields[known[0].field]).focus();
    else showAlert($("details-alert"), staleAware(err));
  } finally {
    busy(button, false);
  }
}

function staleAware(err) {
  if (err instanceof ApiError && err.slug === "stale-version") return `${err.detail} Select the account again to reload it.`;
  return err.message;
}

// afterChange shows an account's new state in the details and in its row.
function afterChange(view, message) {
  const rowIndex = state.rows.findIndex((r) => r.id === view.id);
  if (rowIndex >= 0) {
    const old = state.rows[rowIndex];
    state.rows[rowIndex] = {
      ...old, name: view.company?.name || old.name, status: view.status, stage: view.stage, permissions: view.permissions || old.permissions,
    };
    const tr = $("rows-body").rows[rowIndex];
    tr?.replaceWith(rowFor(state.rows[rowIndex]));
  }
  if (state.level && view.id === state.level.id) {
    state.level = view;
    renderLevel();
  }
  renderDetails(view);
  showAlert($("details-result"), message, "success");
  announce(message);
}

// ---- Disable and enable ----

function confirmStatus() {
  const v = state.selected;
  const disabling = v.status !== "disabled";
  const name = v.company?.name || "this account";
  const below = (v.counts?.msps || 0) + (v.counts?.partners || 0) + (v.counts?.customers || 0);
  $("confirm-title").textContent = disabling ? `Disable ${name}?` : `Enable ${name}?`;
  $("confirm-text").textContent = disabling
    ? `Nobody in ${name}${below ? ` or in the ${plural(below, "account")} below it` : ""} will be able to sign in, and their sessions end at their next request. You can enable it again later.`
    : `People in ${name}${below ? ` and in the ${plural(below, "account")} below it` : ""} can sign in again.`;
  const ok = $("confirm-ok");
  ok.textContent = disabling ? `Disable ${name}` : `Enable ${name}`;
  ok.classList.toggle("danger", disabling);
  confirming = { run: () => changeStatus(v, disabling), back: "toggle-status" };
  const dialog = $("confirm-dialog");
  dialog.returnValue = "";
  dialog.showModal();
}

// The confirmation acts on its confirm button's click, not on the dialog's close event: that event comes a
// moment after closing, and a Cancel quickly followed by another Disable would take it for the new one's.
let confirming = null; // {run, back} of the open confirmation: what confirming does, and the button to return to

function wireConfirmDialog() {
  const dialog = $("confirm-dialog");
  $("confirm-ok").addEventListener("click", (e) => {
    e.preventDefault();
    const target = confirming;
    confirming = null;
    dialog.close("confirm");
    if (target) target.run();
  });
  dialog.addEventListener("close", () => {
    if (dialog.open || !confirming) return; // a late event of an earlier confirmation
    const back = confirming.back;
    confirming = null;
    $(back).focus();
  });
}

async function changeStatus(v, disabling) {
  const button = $("toggle-status");
  busy(button, true, disabling ? "Disabling…" : "Enabling…");
  let fresh;
  try {
    await post(`/v1/accounts/${encodeURIComponent(v.id)}/${disabling ? "disable" : "enable"}`, {});
    fresh = await account(v.id);
  } catch (err) {
    busy(button, false);
    if (leaving(err)) return;
    showAlert($("details-alert"), err.message);
    button.focus();
    return;
  }
  // The button's label changes with the status, so it is restored before the details are drawn again.
  busy(button, false);
  const name = fresh.company?.name || "The account";
  afterChange(fresh, disabling ? `${name} is disabled.` : `${name} is enabled again (${statusTitles[fresh.status] || fresh.status}).`);
  button.focus();
}

// ---- Converting a prospect ----

function confirmConvert() {
  const v = state.selected;
  const name = v.company?.name || "this prospect";
  $("confirm-title").textContent = `Convert ${name} to a customer?`;
  $("confirm-text").textContent = `The deal is signed: ${name} becomes a customer and keeps everything it has. ` +
    "It is counted as a customer from now on, and its point of contact gets the activation email. This cannot be undone.";
  const ok = $("confirm-ok");
  ok.textContent = `Convert ${name}`;
  ok.classList.remove("danger");
  confirming = { run: () => convert(v), back: "convert-account" };
  const dialog = $("confirm-dialog");
  dialog.returnValue = "";
  dialog.showModal();
}

async function convert(v) {
  const button = $("convert-account");
  busy(button, true, "Converting…");
  let fresh;
  try {
    await post(`/v1/accounts/${encodeURIComponent(v.id)}/convert`, {});
    fresh = await account(v.id);
    // The level's counts move with it: one prospect less, one customer more.
    if (state.level && fresh.parent?.id === state.level.id) {
      state.level = await account(state.level.id);
      renderLevel();
    }
  } catch (err) {
    busy(button, false);
    if (leaving(err)) return;
    showAlert($("details-alert"), err.message);
    button.focus();
    return;
  }
  busy(button, false);
  afterChange(fresh, `${fresh.company?.name || "The account"} is a customer now; its point of contact was sent the activation email.`);
  $("details-title").tabIndex = -1;
  $("details-title").focus();
}

// ---- A customer's apps ----

async function renderApps(v) {
  const box = $("apps");
  if (v.kind !== "customer") {
    box.hidden = true;
    return;
  }
  try {
    state.apps ||= (await get("/v1/apps")).data?.items || [];
  } catch (err) {
    if (leaving(err)) return;
    box.hidden = false;
    $("apps-hint").textContent = `The app list could not be loaded: ${err.message}`;
    return;
  }
  if (state.selected !== v) return; // another account was selected meanwhile
  const editable = Boolean(v.permissions?.apps);
  $("apps-hint").textContent = editable
    ? "Switch the apps this company can use. Changes apply at once."
    : "The apps this company uses. Your role cannot change them here.";
  $("app-list").replaceChildren(...state.apps.map((app) => {
    const id = `app-${app.id}`;
    const input = el("input", { type: "checkbox", id, role: "switch", checked: Boolean(v.apps?.[app.id]), disabled: !editable, dataset: { app: app.id } });
    input.addEventListener("change", () => switchApp(input, app));
    return el("li", { className: "toggle" }, input,
      el("label", { htmlFor: id }, el("span", { className: "toggle-name" }, app.name), el("span", { className: "toggle-hint" }, app.description)));
  }));
  box.hidden = false;
}

// renderEndpoints offers a customer's endpoint count for editing to those who may record it (provisioning).
function renderEndpoints(v) {
  const editable = v.kind === "customer" && Boolean(v.permissions?.endpoints);
  $("endpoints").hidden = !editable;
  if (!editable) return;
  $("endpoints-count").value = String(v.endpoints ?? 0);
  fieldError($("endpoints-count"), "");
}

async function saveEndpoints(e) {
  e.preventDefault();
  const v = state.selected;
  const input = $("endpoints-count");
  const raw = input.value.trim();
  fieldError(input, "");
  if (!/^\d+$/.test(raw) || Number(raw) > 10_000_000) {
    fieldError(input, "Use a whole number from 0 to 10,000,000.");
    input.focus();
    return;
  }
  const button = $("endpoints-save");
  busy(button, true, "Saving…");
  showAlert($("details-alert"), "");
  try {
    const { data } = await put(`/v1/accounts/${encodeURIComponent(v.id)}/endpoints`, { count: Number(raw) });
    state.selected = { ...v, endpoints: data.endpoints, version: data.version };
    $("details-facts").querySelectorAll("dt").forEach((dt) => {
      if (dt.textContent === "Endpoints") dt.nextElementSibling.textContent = formatCount(data.endpoints);
    });
    const counted = `${formatCount(data.endpoints)} endpoint${data.endpoints === 1 ? "" : "s"}`;
    showAlert($("details-result"), `Saved: ${counted}. The counts of the accounts above it have moved too.`, "success");
  } catch (err) {
    if (leaving(err)) return;
    const field = err instanceof ApiError ? err.fields?.count : null;
    if (field) {
      fieldError(input, field.detail);
      input.focus();
    } else {
      showAlert($("details-alert"), `The endpoint count could not be saved: ${staleAware(err)}`);
    }
  } finally {
    busy(button, false);
  }
}

async function switchApp(input, app) {
  const v = state.selected;
  const on = input.checked;
  input.disabled = true;
  showAlert($("details-alert"), "");
  try {
    const { data } = await patch(`/v1/accounts/${encodeURIComponent(v.id)}`, { apps: { [app.id]: on }, version: v.version });
    state.selected = { ...v, ...data };
    announce(`${app.name} switched ${on ? "on" : "off"} for ${v.company?.name || "the company"}.`);
  } catch (err) {
    if (leaving(err)) return;
    input.checked = !on;
    showAlert($("details-alert"), `${app.name} could not be switched ${on ? "on" : "off"}: ${staleAware(err)}`);
  } finally {
    input.disabled = false;
    input.focus();
  }
}

// ---- Branding, as the provider sees it on MSPs and partners ----

async function renderBrandingAdmin(v) {
  const box = $("branding-admin");
  const enabler = can(state.me, "branding:enable");
  const manager = can(state.me, "branding:manage");
  if (!(v.kind === "msp" || v.kind === "partner") || !(enabler || manager) || v.id === state.rootId && !manager) {
    box.hidden = true;
    return;
  }
  let view;
  try {
    ({ data: view } = await get(`/v1/accounts/${encodeURIComponent(v.id)}/branding`));
  } catch (err) {
    if (leaving(err)) return;
    box.hidden = true;
    return;
  }
  if (state.selected !== v) return;
  state.branding = view || {};
  $("branding-switch").hidden = !enabler;
  $("branding-enabled").checked = Boolean(state.branding.enabled);
  renderBrandingState();
  box.hidden = false;
}

function renderBrandingState() {
  const v = state.selected;
  const b = state.branding || {};
  const name = v.company?.name || "this account";
  const set = Boolean(b.color);
  $("branding-state").textContent = !b.enabled
    ? `Off: ${name} and the accounts below it show the branding above them.`
    : set
      ? `On: ${name} shows its own logo, colour and support channel, in the portal and in emails.`
      : `On: ${name} can now set its logo, colour and support channel.`;
  const mayManage = can(state.me, "branding:manage") &&
    (v.id === state.rootId || v.parent?.id === state.rootId || can(state.me, "hierarchy:act"));
  const link = $("branding-link");
  link.hidden = !(b.enabled && mayManage);
  link.href = `/branding?account=${encodeURIComponent(v.id)}`;
}

async function switchBranding() {
  const input = $("branding-enabled");
  const v = state.selected;
  const enabled = input.checked;
  input.disabled = true;
  showAlert($("details-alert"), "");
  try {
    const { data } = await put(`/v1/accounts/${encodeURIComponent(v.id)}/branding/enabled`, { enabled });
    state.branding = data || {};
    input.checked = Boolean(state.branding.enabled);
    renderBrandingState();
    announce(`Branding ${enabled ? "enabled" : "switched off"} for ${v.company?.name || "the account"}.`);
  } catch (err) {
    if (leaving(err)) return;
    input.checked = !enabled;
    showAlert($("details-alert"), `Branding could not be ${enabled ? "enabled" : "switched off"}: ${err.message}`);
  } finally {
    input.disabled = false;
    input.focus();
  }
}

// ---- The wizard's end ----

function created(result, parent, request) {
  const prospect = request.stage === "prospect";
  const kindName = prospect ? "Prospect" : kindTitles[request.kind] || request.kind;
  const company = request.company.name;
  $("created-title").textContent = `${kindName} ${company} created`;
  $("created-text").textContent = `${company} is ${statusTitles[result.status]?.toLowerCase() || result.status} until its point of contact activates it.`;
  $("created-mail").textContent = prospect
    ? `${request.contact.email} gets the activation email when an administrator converts ${company} to a customer.`
    : `We sent an activation email to ${request.contact.email}.`;
  const facts = [
    ["Name", company], ["Kind", kindName], ["Below", parent.company?.name || parent.name], ["Status", statusTitles[result.status] || result.status],
    ["Point of contact", request.contact.email], ["Account ID", result.id],
  ];
  $("created-facts").replaceChildren(...facts.flatMap(([k, val]) => [el("dt", {}, k), el("dd", { dataset: { fact: k } }, val)]));
  $("created").dataset.id = result.id;
  const show = $("created-show");
  show.onclick = async () => {
    await openLevel(parent.id, { push: parent.id !== state.level?.id, focus: false });
    await select(result.id);
    const b = $("rows-body").querySelector(`button[data-select="${CSS.escape(result.id)}"]`);
    (b || $("details-title")).focus();
  };
  document.title = `${$("created-title").textContent} · PartnerHub`;
  showView("created");
  announce(`${$("created-title").textContent}. ${$("created-mail").textContent}`);
}

function backToTree() {
  showView("tree", { focus: false });
  document.title = "Partners · PartnerHub";
  $("add-account").hidden ? focusHeading($("level-title")) : $("add-account").focus();
}

function focusHeading(h) {
  h.tabIndex = -1;
  h.focus();
}
