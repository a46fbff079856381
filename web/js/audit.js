// audit.js runs the audit log page: the events of the account the session acts in
// (GET /v1/accounts/{id}/audit), newest first, with filters — who (an email address, or a person chosen in the
// table), the action, the target and a date range — "Load more" for older events, and an export of every event
// that matches the filters as CSV (csv.js).
//
// The filters are kept in the address (/audit?action=user.invited&from=2026-01-01), so a link, a reload or Back
// shows the same events. Dates are the person's own days: the page asks the API from the start of the "from" day
// to the end of the "to" day in the browser's time zone.
//
// With a filter on who, the action or the target, the API reads a bounded stretch of the log a page and may
// answer a short page, even an empty one, with a cursor: the page asks on until it has a page's worth or has
// asked a few times, and "Load more" goes on from there.

import { get } from "./api.js";
import { $, announce, dateTime, el, fieldError, plural, showAlert, showView } from "./ui.js";
import { leaving, startPage } from "./session.js";
import { actionGroups, actionTitle, actionTitles, targetTitles } from "./auditactions.js";
import { slug, wireExport } from "./exportbar.js";

// pageSize is how many events a page shows; askMost how many requests one page may take to fill it.
const pageSize = 25;
const askMost = 4;

// fields are the filters, as the address and the API name them.
const fields = ["actor", "action", "target", "from", "to"];

const state = {
  me: null,
  account: {},
  filters: { actor: "", action: "", target: "", from: "", to: "" },
  rows: [],
  actors: {}, // names of the people who did the events shown, by user id
  next: null,
  ticket: 0,
  wired: false,
};

// csvHeaders are the export's columns.
const csvHeaders = ["When (UTC)", "Who", "Who (user id)", "Action", "Action (code)", "Target type", "Target", "Target id", "Details", "Event id"];

startPage({ permission: "audit:view", open });

async function open(me) {
  state.me = me;
  state.account = me.currentAccount || {};
  setUp();
  readAddress();
  // The first page is shown with the page, not after it: rows arriving into a shown table would move it.
  await load();
  showView("audit", { focus: false });
}

function setUp() {
  const name = state.account.name || "this account";
  $("audit-intro").textContent = `Who did what in ${name} and the accounts below it, newest first.`;
  document.title = `Audit log · ${name} · PartnerHub`;
  if (state.wired) return;
  state.wired = true;
  $("f-action").append(...actionGroups.map(([group, list]) =>
    el("optgroup", { label: group }, ...list.map(([value, title]) => new Option(title, value)))));
  $("filter-form").addEventListener("submit", (e) => {
    e.preventDefault();
    apply(formFilters());
  });
  $("clear-filters").addEventListener("click", () => {
    apply({ actor: "", action: "", target: "", from: "", to: "" });
    $("f-actor").focus();
  });
  $("load-more").addEventListener("click", () => load({ more: true }));
  // The table's "only this" links narrow the filters without leaving the page.
  $("audit-rows").addEventListener("click", (e) => {
    const a = e.target.closest("a[data-filter]");
    if (!a || e.ctrlKey || e.metaKey || e.shiftKey) return;
    e.preventDefault();
    apply({ ...state.filters, [a.dataset.filter]: a.dataset.value });
  });
  window.addEventListener("popstate", () => {
    readAddress();
    load({ push: false });
  });
  // The export walks every page of the events that match the filters, with the names of who acted.
  const actors = {};
  wireExport({
    noun: "event",
    fetchPage: async (cursor) => {
      const page = await fetchPage(cursor, 100);
      Object.assign(actors, page.actors);
      return page;
    },
    header: csvHeaders,
    rows: (events) => events.map((e) => csvRow(e, actors)),
    file: () => `audit-log-${slug(state.account.name || state.account.id)}`,
  });
}

// readAddress takes the filters from the address, keeping only values of the right shape, and shows them.
function readAddress() {
  const p = new URLSearchParams(location.search);
  const f = state.filters;
  f.actor = (p.get("actor") || "").trim().slice(0, 254);
  f.action = actionTitles[p.get("action")] ? p.get("action") : "";
  f.target = (p.get("target") || "").trim().slice(0, 64);
  f.from = isDay(p.get("from")) ? p.get("from") : "";
  f.to = isDay(p.get("to")) ? p.get("to") : "";
  for (const k of fields) $(`f-${k}`).value = f[k];
}

// formFilters reads the form.
function formFilters() {
  return Object.fromEntries(fields.map((k) => [k, $(`f-${k}`).value.trim()]));
}

// apply shows the events for new filters, after checking the dates, and records them in the address.
function apply(filters) {
  for (const k of fields) fieldError($(`f-${k}`), "");
  if (filters.from && filters.to && filters.from > filters.to) {
    fieldError($("f-to"), "The end of the range comes before its start.");
    $("f-to").focus();
    return;
  }
  Object.assign(state.filters, filters);
  for (const k of fields) $(`f-${k}`).value = state.filters[k];
  load({ push: true });
}

function isDay(s) {
  return typeof s === "string" && /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(localDay(s, 0).getTime());
}

// localDay is the start of a day (YYYY-MM-DD) in the browser's time zone, moved by days.
function localDay(s, days) {
  const [y, m, d] = s.split("-").map(Number);
  return new Date(y, m - 1, d + days);
}

// addressParams are the filters as the address keeps them (days as dates).
function addressParams() {
  const out = new URLSearchParams();
  for (const k of fields) if (state.filters[k]) out.set(k, state.filters[k]);
  return out;
}

// apiParams are the filters as the API takes them: the days become the instants they start and end at here.
function apiParams() {
  const f = state.filters;
  const out = new URLSearchParams();
  if (f.actor) out.set("actor", f.actor);
  if (f.action) out.set("action", f.action);
  if (f.target) out.set("target", f.target);
  if (f.from) out.set("from", localDay(f.from, 0).toISOString());
  if (f.to) out.set("to", new Date(localDay(f.to, 1).getTime() - 1).toISOString());
  return out;
}

function auditPath(params) {
  return `/v1/accounts/${encodeURIComponent(state.account.id)}/audit?${params}`;
}

// fetchPage reads one page of the API from cursor.
async function fetchPage(cursor, limit) {
  const p = apiParams();
  p.set("limit", String(limit));
  if (cursor) p.set("cursor", cursor);
  const { data } = await get(auditPath(p));
  return { items: Array.isArray(data?.items) ? data.items : [], next: data?.next || null, actors: data?.actors || {} };
}

// load shows the first page for the filters, or with more the events after those shown. A short page with a
// cursor (a filter over a long log) is followed a few times to fill the page.
async function load({ more = false, push = false } = {}) {
  const ticket = ++state.ticket;
  if (!more) {
    const p = addressParams();
    const address = `/audit${p.size ? `?${p}` : ""}`;
    if (push && address !== location.pathname + location.search) history.pushState(null, "", address);
  }
  setBusy(true, more);
  showAlert($("page-alert"), "");
  const items = [];
  const actors = {};
  let cursor = more ? state.next : null;
  try {
    for (let asked = 0; asked < askMost && items.length < pageSize; asked++) {
      const page = await fetchPage(cursor, pageSize - items.length);
      if (ticket !== state.ticket) return;
      items.push(...page.items);
      Object.assign(actors, page.actors);
      cursor = page.next;
      if (!cursor) break;
    }
  } catch (err) {
    if (ticket !== state.ticket || leaving(err)) return;
    setBusy(false, more);
    showFieldErrors(err);
    showAlert($("page-alert"), `The audit log could not be loaded: ${err.message}`);
    return;
  }
  Object.assign(state.actors, actors);
  const body = $("audit-rows");
  if (more) {
    state.rows.push(...items);
    body.append(...items.map(rowFor));
  } else {
    state.rows = items;
    body.replaceChildren(...items.map(rowFor));
  }
  state.next = cursor;
  setBusy(false, more);
  renderSummary(more ? items.length : null);
  if (more && items.length) body.querySelector(`tr[data-id="${CSS.escape(items[0].id)}"] th`)?.focus();
}

// setBusy shows that events are loading: the table looks stale, the busy line (whose place is kept) shows, and
// "Load more" says it is working. The filters stay usable: new filters replace a load under way (state.ticket).
function setBusy(on, more) {
  $("audit-table").setAttribute("aria-busy", String(on));
  if (on) delete $("audit-busy").dataset.idle;
  else $("audit-busy").dataset.idle = "";
  const button = $("load-more");
  button.disabled = on;
  button.textContent = on && more ? "Loading…" : "Load more";
}

// showFieldErrors puts a validation problem's field errors next to their filters.
function showFieldErrors(err) {
  for (const e of Array.isArray(err?.errors) ? err.errors : []) {
    const input = fields.includes(e.field) ? $(`f-${e.field}`) : null;
    if (input) fieldError(input, e.detail || e.message || "Check this filter.");
  }
}

// who names the person who did an event: their name now, "System" when nobody did, or their id.
function who(e) {
  if (!e.actorId) return "System";
  return state.actors[e.actorId] || "Someone no longer here";
}

// targetName is what the event's details name the target by, if anything.
function targetName(e) {
  const d = e.details || {};
  if (e.targetType === "grant" && d.customerName && d.partnerName) return `${d.partnerName} for ${d.customerName}`;
  return d.name || d.email || "";
}

// detailsText lists an event's details as "key: value" pairs.
function detailsText(e) {
  return Object.entries(e.details || {}).map(([k, v]) => `${k}: ${v}`).join("; ");
}

// only is a link that narrows the filters to one value, also usable as a plain link (a new tab).
function only(filter, value, label) {
  const p = addressParams();
  p.set(filter, value);
  return el("a", { href: `/audit?${p}`, className: "only", dataset: { filter, value } }, label);
}

function rowFor(e) {
  const name = who(e);
  const target = targetName(e);
  return el("tr", { dataset: { id: e.id, action: e.action, target: e.targetId } },
    el("th", { scope: "row", className: "cell-when", tabIndex: -1 }, el("time", { dateTime: e.at }, dateTime(e.at))),
    el("td", { className: "cell-who" }, name,
      e.actorId && state.filters.actor !== e.actorId ? only("actor", e.actorId, el("span", {}, "Only this person", el("span", { className: "sr-only" }, `: ${name}`))) : null),
    el("td", { className: "cell-action" }, actionTitle(e.action)),
    el("td", { className: "cell-target" }, targetTitles[e.targetType] || e.targetType, target ? `: ${target}` : "",
      el("span", { className: "muted-id" }, e.targetId),
      e.targetId && state.filters.target !== e.targetId ? only("target", e.targetId, el("span", {}, "Only this target", el("span", { className: "sr-only" }, `: ${target || e.targetId}`))) : null),
    el("td", { className: "cell-details" }, detailsText(e)));
}

// describe says which filters are set, in words.
function describe() {
  const f = state.filters;
  const out = [];
  if (f.actor) out.push(`by ${state.actors[f.actor] || f.actor}`);
  if (f.action) out.push(`“${actionTitle(f.action)}”`);
  if (f.target) out.push(`about ${f.target}`);
  if (f.from && f.to) out.push(`from ${f.from} to ${f.to}`);
  else if (f.from) out.push(`from ${f.from} on`);
  else if (f.to) out.push(`up to ${f.to}`);
  return out.join(", ");
}

function filtered() {
  return fields.some((k) => state.filters[k]);
}

// renderSummary says how many events are shown and for which filters, and shows the empty state or "Load more".
function renderSummary(added) {
  const n = state.rows.length;
  const filters = describe();
  const more = state.next ? (n ? ", more to load" : "; older events may still match: load more to search further back") : "";
  $("audit-summary").textContent = `${plural(n, "event")}${filters ? ` ${filters}` : ""}${more}.`;
  $("audit-table").hidden = n === 0;
  $("audit-empty").hidden = n > 0;
  $("audit-empty-text").textContent = filtered()
    ? (state.next ? "No events found yet for these filters." : "No events match these filters.")
    : "Nothing has been recorded in this account yet.";
  $("clear-filters").hidden = !filtered();
  $("load-more").hidden = !state.next;
  if (added !== null) announce(`${plural(added, "more event")} loaded.`);
}

function csvRow(e, actors) {
  return [e.at, e.actorId ? actors[e.actorId] || "" : "System", e.actorId || "", actionTitle(e.action), e.action,
    targetTitles[e.targetType] || e.targetType, targetName(e), e.targetId, detailsText(e), e.id];
}

