// users.js runs the users page, user maintenance for the account the session acts in: the list
// (GET /v1/accounts/{id}/users) with search, the A–Z bar, status and role filters, sortable columns and
// "Load more" for the cursor; selecting users who have not registered yet and resending their activation links
// in one go (POST /v1/activation-emails, a result per user) — or, when every row shown is selected and more
// match, every unregistered user who matches the search and filters ("Select all that match": the server works
// through them a page at a time, POST /v1/accounts/{id}/activation-emails, and this page loops with a progress
// line and a Cancel button); importing users from a CSV file (userimport.js); and, from each row, the status
// check, edit and remove (userstatus.js, userforms.js).
//
// "Export CSV" downloads every user that matches the search and filters, in the list's order (csv.js), page by
// page with its progress and a cancel.
//
// The search, filters and order are kept in the address (/users?q=…&status=…&sort=email&order=desc), so a
// reload or a shared link shows the same list.

import { get, post } from "./api.js";
import { $, announce, busy, dateTime, el, plural, roleTitle, showAlert, showView } from "./ui.js";
import { can, leaving, startPage } from "./session.js";
import { createUserForms } from "./userforms.js";
import { createStatusCheck, emailBadge, loginErrors } from "./userstatus.js";
import { createImport } from "./userimport.js";
import { resendMatching, resendResults } from "./bulkresend.js";
import { slug, wireExport } from "./exportbar.js";

// exportHeaders are the users export's columns.
const exportHeaders = ["Name", "Email", "Status", "Email status", "Roles", "Last sign-in (UTC)", "User id"];

const sorts = ["name", "email", "status", "lastLogin"];
const statuses = ["registered", "unregistered", "disabled"];
const letters = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZ", "#"];

const sortTitles = { name: "name", email: "email address", status: "status", lastLogin: "last sign-in" };

// How each status is shown: an icon (decoration: the word next to it says the same) and the word.
const statusLabels = {
  registered: { icon: "✓", text: "Registered" },
  unregistered: { icon: "✉", text: "Not registered" },
  disabled: { icon: "⊘", text: "Disabled" },
};

const state = {
  me: null,
  account: {}, // the account whose users are listed: the session's
  manage: false, // users:manage here
  roles: [], // the roles the caller may grant here (GET /v1/roles)
  query: { q: "", initial: "", status: "", role: "", sort: "name", order: "asc" },
  rows: [],
  next: null,
  selected: new Set(),
  allMatching: false, // "Select all that match": every unregistered user matching the query, not only those shown
  importer: null,
  ticket: 0,
  forms: null,
  status: null,
  wired: false,
};

startPage({ permission: "users:view", open });

async function open(me) {
  state.me = me;
  state.account = me.currentAccount || {};
  state.manage = can(me, "users:manage");
  const { data } = await get("/v1/roles");
  state.roles = Array.isArray(data?.roles) ? data.roles : [];
  readAddress();
  setUp();
  await load();
  showView("users", { focus: false });
}

// readAddress takes the list's query from the address, keeping only values the API accepts.
function readAddress() {
  const p = new URLSearchParams(location.search);
  const q = state.query;
  q.q = (p.get("q") || "").slice(0, 100);
  const initial = (p.get("initial") || "").toUpperCase();
  q.initial = letters.includes(initial) ? initial : "";
  q.status = statuses.includes(p.get("status")) ? p.get("status") : "";
  q.role = p.get("role") || "";
  q.sort = sorts.includes(p.get("sort")) ? p.get("sort") : "name";
  q.order = p.get("order") === "desc" ? "desc" : "asc";
}

// params is the query as the API (and the address) takes it; defaults are left out.
function params() {
  const q = state.query;
  const out = new URLSearchParams();
  if (q.q) out.set("q", q.q);
  if (q.initial) out.set("initial", q.initial);
  if (q.status) out.set("status", q.status);
  if (q.role) out.set("role", q.role);
  if (q.sort !== "name") out.set("sort", q.sort);
  if (q.order === "desc") out.set("order", "desc");
  return out;
}

function setUp() {
  const name = state.account.name || "this account";
  $("users-intro").textContent = `Everyone who can sign in to ${name}, and everyone invited who has not registered yet.`;
  for (const span of document.querySelectorAll("[data-account-name]")) span.textContent = name;
  document.title = `Users · ${name} · PartnerHub`;
  fillRoleFilter();
  $("search").value = state.query.q;
  $("filter-status").value = state.query.status;
  $("filter-role").value = state.query.role;
  renderLetters();
  $("add-user").hidden = !(state.manage && state.roles.length);
  $("import-users").hidden = !(state.manage && state.roles.length);
  $("select-all").closest("th").hidden = !state.manage;
  document.body.classList.toggle("can-select", state.manage);

  if (state.wired) return;
  state.wired = true;
  state.forms = createUserForms({ account: state.account, roles: () => state.roles, onDone: changed });
  state.status = createStatusCheck({
    manage: state.manage,
    superAdmin: can(state.me, "two-factor:manage"),
    onEdit: (row, from) => state.forms.openEdit(row, from),
  });
  $("search-form").addEventListener("submit", (e) => {
    e.preventDefault();
    setQuery({ q: $("search").value.trim() });
  });
  // Clearing the search box (its ✕, or Escape) shows everyone again at once.
  $("search").addEventListener("search", () => {
    if (!$("search").value && state.query.q) setQuery({ q: "" });
  });
  $("filter-status").addEventListener("change", () => setQuery({ status: $("filter-status").value }));
  $("filter-role").addEventListener("change", () => setQuery({ role: $("filter-role").value }));
  $("az").addEventListener("click", (e) => {
    const b = e.target.closest("button[data-letter]");
    if (b) setQuery({ initial: b.dataset.letter });
  });
  for (const b of document.querySelectorAll("#user-table button.sort")) b.addEventListener("click", () => sortBy(b.dataset.sort));
  $("user-rows").addEventListener("click", rowClick);
  $("user-rows").addEventListener("change", (e) => {
    const box = e.target.closest("input.row-select");
    if (!box) return;
    if (box.checked) state.selected.add(box.dataset.id);
    else {
      state.selected.delete(box.dataset.id);
      state.allMatching = false;
    }
    renderSelection();
  });
  $("select-all").addEventListener("change", () => {
    const on = $("select-all").checked;
    state.allMatching = false;
    for (const box of selectable()) {
      box.checked = on;
      if (on) state.selected.add(box.dataset.id);
      else state.selected.delete(box.dataset.id);
    }
    renderSelection();
  });
  $("bulk-all-select").addEventListener("click", () => {
    state.allMatching = true;
    renderSelection();
    $("bulk-resend").focus();
  });
  $("bulk-clear").addEventListener("click", () => {
    state.allMatching = false;
    state.selected.clear();
    for (const box of selectable()) box.checked = false;
    renderSelection();
    $("select-all").focus();
  });
  $("bulk-resend").addEventListener("click", resendSelected);
  $("load-more").addEventListener("click", () => load({ more: true }));
  $("clear-filters").addEventListener("click", () => {
    $("search").value = "";
    $("filter-status").value = "";
    $("filter-role").value = "";
    setQuery({ q: "", initial: "", status: "", role: "" });
    $("search").focus();
  });
  $("add-user").addEventListener("click", () => state.forms.openAdd());
  state.importer = createImport({ account: state.account, onDone: () => load() });
  $("import-users").addEventListener("click", () => state.importer.open($("import-users")));
  // The export walks every page of the users that match the search and filters, in the list's order.
  wireExport({
    noun: "user",
    fetchPage: async (cursor) => {
      const p = params();
      p.set("limit", "100");
      if (cursor) p.set("cursor", cursor);
      const { data } = await get(`/v1/accounts/${encodeURIComponent(state.account.id)}/users?${p}`);
      return { items: Array.isArray(data?.users) ? data.users : [], next: data?.next || null };
    },
    header: exportHeaders,
    rows: (users) => users.map((u) => [u.name, u.email, statusLabels[u.status]?.text || u.status, u.emailStatus?.status || "",
      (u.roles || []).map(roleTitle).join(", "), u.lastLoginAt || "", u.id]),
    file: () => `users-${slug(state.account.name || state.account.id)}`,
  });
}

// fillRoleFilter offers the roles the caller may grant here and the caller's own.
function fillRoleFilter() {
  const select = $("filter-role");
  const names = new Map(state.roles.map((r) => [r.name, r.title || roleTitle(r.name)]));
  const mine = (state.me.memberships || []).find((m) => m.accountId === state.account.id);
  for (const r of mine?.roles || []) if (!names.has(r)) names.set(r, roleTitle(r));
  if (state.query.role && !names.has(state.query.role)) names.set(state.query.role, roleTitle(state.query.role));
  select.replaceChildren(new Option("Any role", ""), ...[...names].map(([value, title]) => new Option(title, value)));
}

function renderLetters() {
  const buttons = [["", "All"], ...letters.map((l) => [l, l])].map(([value, label]) => {
    const b = el("button", { type: "button", className: "az-letter", dataset: { letter: value }, "aria-pressed": String(state.query.initial === value) }, label);
    if (value === "#") b.setAttribute("aria-label", "Names that do not start with a letter");
    if (value === "") b.setAttribute("aria-label", "All names");
    return el("li", {}, b);
  });
  $("az").replaceChildren(...buttons);
}

function setQuery(change) {
  Object.assign(state.query, change);
  if ("initial" in change) {
    for (const b of $("az").querySelectorAll("button")) b.setAttribute("aria-pressed", String(b.dataset.letter === state.query.initial));
  }
  load();
}

function sortBy(column) {
  const q = state.query;
  if (q.sort === column) q.order = q.order === "asc" ? "desc" : "asc";
  else Object.assign(q, { sort: column, order: "asc" });
  load({ focusSort: column });
}

// load reads the first page of the list for the query, or with more the next page after the rows shown.
async function load({ more = false, keepResult = false, focusSort = "" } = {}) {
  const ticket = ++state.ticket;
  const p = params();
  if (!more) history.replaceState(null, "", `/users${p.size ? `?${p}` : ""}`);
  if (more && state.next) p.set("cursor", state.next);
  const table = $("user-table");
  table.setAttribute("aria-busy", "true");
  // A search or a sort can take a moment: say so on screen, not only to assistive technology.
  $("users-busy").hidden = more;
  if (!keepResult) showAlert($("users-result"), "", "success");
  showAlert($("page-alert"), "");
  busy($("load-more"), more, "Loading…");
  let data;
  try {
    ({ data } = await get(`/v1/accounts/${encodeURIComponent(state.account.id)}/users?${p}`));
  } catch (err) {
    if (ticket !== state.ticket || leaving(err)) return;
    table.setAttribute("aria-busy", "false");
    $("users-busy").hidden = true;
    busy($("load-more"), false);
    showAlert($("page-alert"), `The list could not be loaded: ${err.message}`);
    return;
  }
  if (ticket !== state.ticket) return; // a newer query was asked meanwhile
  busy($("load-more"), false);
  const users = Array.isArray(data?.users) ? data.users : [];
  const body = $("user-rows");
  if (more) {
    state.rows.push(...users);
    body.append(...users.map(rowFor));
  } else {
    state.rows = users;
    state.selected.clear();
    state.allMatching = false;
    body.replaceChildren(...users.map(rowFor));
  }
  state.next = data?.next || null;
  table.setAttribute("aria-busy", "false");
  $("users-busy").hidden = true;
  renderSort();
  renderSummary(more ? users.length : 0);
  renderSelection();
  if (more && users.length) body.querySelector(`tr[data-id="${CSS.escape(users[0].id)}"] .cell-name`)?.focus();
  if (focusSort) $("user-table").querySelector(`button.sort[data-sort="${focusSort}"]`)?.focus();
}

function rowFor(u) {
  const mine = u.id === state.me.user?.id;
  const canSelect = state.manage && u.status === "unregistered";
  const box = el("input", {
    type: "checkbox", className: "row-select", dataset: { id: u.id }, checked: state.selected.has(u.id) || (canSelect && state.allMatching), disabled: !canSelect,
    "aria-label": canSelect ? `Select ${u.name}` : `${u.name}: ${statusLabels[u.status]?.text || u.status}, no activation link to send`,
  });
  const label = statusLabels[u.status] || { icon: "?", text: u.status };
  const login = dateTime(u.lastLoginAt);
  const error = u.lastLoginError ? loginErrors[u.lastLoginError] || u.lastLoginError : "";
  const actions = [
    el("button", { type: "button", className: "secondary small", dataset: { action: "status" } }, "Status", el("span", { className: "sr-only" }, ` of ${u.name}`)),
  ];
  if (state.manage) {
    actions.push(
      el("button", { type: "button", className: "secondary small", dataset: { action: "edit" } }, "Edit", el("span", { className: "sr-only" }, ` ${u.name}`)),
      el("button", { type: "button", className: "secondary small danger", dataset: { action: "remove" }, hidden: mine }, "Remove", el("span", { className: "sr-only" }, ` ${u.name}`)),
    );
  }
  return el("tr", { dataset: { id: u.id, status: u.status, name: u.name }, className: u.status === "disabled" ? "is-disabled" : "" },
    el("td", { className: "select-col", hidden: !state.manage }, box),
    el("th", { scope: "row", className: "cell-name", tabIndex: -1 }, u.name, mine ? el("span", { className: "you" }, " (you)") : null),
    el("td", { className: "cell-email" }, ...emailParts(u.email), ...(emailBadge(u.emailStatus) ? [" ", emailBadge(u.emailStatus)] : [])),
    el("td", { className: "cell-status" },
      el("span", { className: "reg", dataset: { status: u.status } }, el("span", { className: "reg-icon", "aria-hidden": "true" }, label.icon), label.text)),
    el("td", { className: "cell-roles" }, (u.roles || []).map(roleTitle).join(", ") || "No role"),
    el("td", { className: "cell-login" },
      el("span", { className: "cell-label" }, "Last sign-in: "), login || "Never",
      error ? el("span", { className: "login-error" }, `Last error: ${error}`) : null),
    el("td", { className: "cell-actions" }, el("div", { className: "row-actions" }, actions)));
}

// emailParts lets a long address break before its @ rather than anywhere.
function emailParts(email) {
  const at = String(email || "").lastIndexOf("@");
  return at > 0 ? [email.slice(0, at), el("wbr"), email.slice(at)] : [email];
}

function rowClick(e) {
  const button = e.target.closest("button[data-action]");
  if (!button) return;
  const id = button.closest("tr").dataset.id;
  const row = state.rows.find((r) => r.id === id);
  if (!row) return;
  switch (button.dataset.action) {
    case "status": state.status.open(row, button); break;
    case "edit": state.forms.openEdit(row, button); break;
    case "remove": state.forms.confirmRemove(row, button); break;
  }
}

function renderSort() {
  const q = state.query;
  for (const th of $("user-table").querySelectorAll("th[data-sort]")) {
    const active = th.dataset.sort === q.sort;
    if (active) th.setAttribute("aria-sort", q.order === "desc" ? "descending" : "ascending");
    else th.removeAttribute("aria-sort");
    th.querySelector(".sort-icon").textContent = active ? (q.order === "desc" ? "▼" : "▲") : "↕";
  }
}

// renderSummary says how many users are shown, for which search and filters, and in which order.
function renderSummary(added) {
  const q = state.query;
  const n = state.rows.length;
  const filters = [];
  if (q.q) filters.push(`matching “${q.q}”`);
  if (q.initial === "#") filters.push("whose names do not start with a letter");
  else if (q.initial) filters.push(`whose names start with ${q.initial}`);
  if (q.status) filters.push(statusLabels[q.status].text.toLowerCase());
  if (q.role) filters.push(`with the role ${roleTitle(q.role)}`);
  const order = `${sortTitles[q.sort]}, ${q.order === "desc" ? "descending" : "ascending"}`;
  $("users-summary").textContent = `${plural(n, "user")}${filters.length ? ` ${filters.join(", ")}` : ""}${state.next ? ", more to load" : ""}. Sorted by ${order}.`;
  $("users-empty").hidden = n > 0;
  $("user-table").hidden = n === 0;
  const filtered = Boolean(q.q || q.initial || q.status || q.role);
  $("users-empty-text").textContent = filtered ? "No users match the search and filters." : "This account has no users yet.";
  $("clear-filters").hidden = !filtered;
  $("load-more").hidden = !state.next;
  if (added) announce(`${plural(added, "more user")} loaded.`);
}

function selectable() {
  return [...$("user-rows").querySelectorAll("input.row-select:not(:disabled)")];
}

function renderSelection() {
  const boxes = selectable();
  if (state.allMatching) {
    for (const box of boxes) {
      box.checked = true;
      state.selected.add(box.dataset.id);
    }
  }
  const n = state.selected.size;
  const all = $("select-all");
  const checked = boxes.filter((b) => b.checked).length;
  all.checked = boxes.length > 0 && checked === boxes.length;
  all.indeterminate = checked > 0 && checked < boxes.length;
  all.disabled = boxes.length === 0;
  // Every row shown is selected and more rows match: offer the rest, which the server finds.
  const more = Boolean(state.next) && all.checked;
  if (!more) state.allMatching = false;
  $("bulk").hidden = n === 0;
  $("bulk-count").textContent = state.allMatching
    ? "Every user who matches and has not registered yet is selected"
    : `${plural(n, "user")} selected`;
  $("bulk-all").hidden = !more || state.allMatching;
  $("bulk-all-text").textContent = `All ${plural(checked, "user")} shown who have not registered yet ${checked === 1 ? "is" : "are"} selected. More users match.`;
}

// resendSelected sends new activation links to the selected users and shows what happened to each.
async function resendSelected() {
  if (state.allMatching) {
    await resendAllMatching();
    return;
  }
  const ids = [...state.selected];
  if (!ids.length) return;
  const button = $("bulk-resend");
  busy(button, true, "Sending…");
  let results;
  try {
    const { data } = await post("/v1/activation-emails", { userIds: ids });
    results = Array.isArray(data?.results) ? data.results : [];
  } catch (err) {
    busy(button, false);
    if (leaving(err)) return;
    showAlert($("page-alert"), `The activation links were not sent: ${err.message}`);
    return;
  }
  busy(button, false);
  const nameOf = (id) => state.rows.find((r) => r.id === id)?.name || "A user";
  $("bulk-totals").hidden = true;
  $("bulk-list").replaceChildren(...results.map((r) => el("li", { dataset: { userId: r.userId, result: r.status } },
    el("strong", {}, nameOf(r.userId)), ": ", resendResults[r.status] || r.status)));
  const sent = results.filter((r) => r.status === "sent").length;
  $("bulk-results-title").textContent = `Activation links: ${sent} of ${plural(results.length, "user")} sent`;
  $("bulk-results").dataset.tone = sent === results.length ? "success" : "info";
  $("bulk-results").hidden = false;
  state.selected.clear();
  for (const box of selectable()) box.checked = false;
  renderSelection();
  $("bulk-results").focus();
  announce($("bulk-results-title").textContent);
}

// changed shows the result of an add, edit or removal and reads the list again.
function changed(message) {
  showAlert($("users-result"), message, "success");
  announce(message);
  return load({ keepResult: true });
}

// resendAllMatching runs the bulk resend to every unregistered user matching the list's query, then clears the
// selection and takes the focus to the summary.
async function resendAllMatching() {
  const done = await resendMatching({ accountId: state.account.id, query: state.query, button: $("bulk-resend") });
  if (!done) return; // the session ended: the page is leaving
  state.allMatching = false;
  state.selected.clear();
  for (const box of selectable()) box.checked = false;
  renderSelection();
  $("bulk-results").focus();
  announce($("bulk-results-title").textContent);
}

