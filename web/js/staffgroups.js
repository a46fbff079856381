// staffgroups.js is the Staff groups card of a partner's Customer access page: the partner's groups of its own
// staff (GET /v1/accounts/{id}/staff-groups), each with its description, its members and the customers it acts
// for; making one and renaming it in a dialog (POST, PATCH …/staff-groups/{groupId}, the 400's field notes next
// to the fields), adding and removing members (PUT, DELETE …/members/{userId}) from the partner's users who have
// activated their login, and deleting a group (DELETE, refused with 409 group-assigned while a customer's partner
// access still has it: the card then names those customers). Which customers a group acts for, and with which of
// their roles, is chosen on each customer's grant (grantgroups.js).

import { ApiError, del, get, patch, post, put } from "./api.js";
import { $, announce, busy, clearErrors, el, showAlert, showFieldErrors } from "./ui.js";
import { people } from "./grant.js";

const state = {
  accountId: "",
  groups: [], // GroupView, by name
  users: null, // the partner's users who may be members; null when they could not be read
  editing: null, // the group the dialog renames; null when it makes a new one
  onChange: () => {},
  onError: () => false,
  wired: false,
};

// currentGroups are the partner's groups as last read.
export function currentGroups() {
  return state.groups;
}

// initStaffGroups wires the card and its dialog. onChange(groups) hears of every change made on the card (the
// grants name the groups); onError gets errors the page handles (a session that ended) and answers whether it did.
export function initStaffGroups({ accountId, onChange, onError }) {
  Object.assign(state, { accountId, onChange, onError });
  // The page's Retry opens it again: the elements are wired once.
  if (state.wired) return;
  state.wired = true;
  $("group-new").addEventListener("click", () => openDialog(null));
  $("group-cancel").addEventListener("click", () => $("group-dialog").close());
  $("group-form").addEventListener("submit", saveGroup);
  $("groups").addEventListener("click", groupAction);
}

// loadGroups reads the partner's groups; users are who may be added. A session that ended is thrown for the page
// to handle; anything else only costs the card, which says so.
export async function loadGroups(users) {
  state.users = users;
  try {
    await refreshGroups();
    showAlert($("groups-alert"), "");
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.slug === "pending-step" || err.slug === "access-ended")) throw err;
    showAlert($("groups-alert"), `Your staff groups could not be loaded: ${err.message}`);
  }
}

// refreshGroups reads the groups again (after a grant gained or lost one) and shows them.
export async function refreshGroups() {
  const { data } = await get(groupsPath());
  state.groups = Array.isArray(data?.groups) ? data.groups : [];
  renderGroups();
}

function groupsPath(groupId = "") {
  const base = `/v1/accounts/${encodeURIComponent(state.accountId)}/staff-groups`;
  return groupId ? `${base}/${encodeURIComponent(groupId)}` : base;
}

function renderGroups() {
  $("groups").replaceChildren(...state.groups.map(groupItem));
  $("groups-empty").hidden = state.groups.length > 0;
}

// customersText names the customers a group acts for.
function customersText(g) {
  const names = (Array.isArray(g.customers) ? g.customers : []).map((c) => c.customerName || "A customer");
  if (!names.length) return "No customer yet: give it access on a customer under Customers you support";
  return names.length > 1 ? `${names.slice(0, -1).join(", ")} and ${names.at(-1)}` : names[0];
}

function membersText(members) {
  if (!members.length) return "Nobody yet";
  const names = members.map((m) => m.name || m.email);
  return members.length <= 5 ? `${people(members.length)}: ${names.join(", ")}` : people(members.length);
}

// groupItem is one group: its name, description, facts, buttons and members.
function groupItem(g) {
  const members = Array.isArray(g.members) ? g.members : [];
  const headingId = `group-${g.id}-name`;
  const button = (action, label, tone, extra = {}) => el("button", {
    type: "button", className: `small ${tone}`, dataset: { groupAction: action, groupId: g.id, ...extra }, "aria-describedby": headingId,
  }, label);
  const facts = [["Members", membersText(members)], ["Acts for", customersText(g)]];
  return el("li", { className: "grant staff-group", id: `group-${g.id}`, dataset: { groupId: g.id }, "aria-labelledby": headingId },
    el("div", { className: "grant-head" }, el("h3", { id: headingId, className: "grant-name", tabindex: "-1" }, g.name)),
    g.description ? el("p", { className: "group-description" }, g.description) : null,
    el("dl", { className: "grant-facts" }, facts.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)])),
    el("p", { className: "grant-status", id: `group-${g.id}-status`, role: "status" }),
    membersSection(g, members, button),
    el("div", { className: "buttons grant-actions" },
      button("edit", "Rename or describe", "secondary"),
      button("delete", "Delete group", "secondary danger")));
}

// membersSection lists a group's members, each with Remove, and adds one of the partner's users.
function membersSection(g, members, button) {
  const inGroup = new Set(members.map((m) => m.id));
  const candidates = (state.users || []).filter((u) => !inGroup.has(u.id));
  const pickId = `group-${g.id}-add`;
  const list = members.length
    ? el("ul", { className: "group-members" }, members.map((m) => el("li", {},
      el("span", { className: "group-member" }, m.name || m.email, m.email ? el("span", { className: "choice-hint" }, m.email) : null),
      button("remove", "Remove", "secondary", { userId: m.id, userName: m.name || m.email || "" }))))
    : el("p", { className: "empty" }, "Nobody is in this group yet.");
  let add;
  if (!state.users) add = el("p", { className: "hint" }, "Your users could not be loaded, so nobody can be added now.");
  else if (!candidates.length) add = el("p", { className: "hint" }, "Everyone who has activated their login is in this group.");
  else {
    add = el("div", { className: "group-add" },
      el("div", { className: "field" },
        el("label", { htmlFor: pickId }, `Add to ${g.name}`),
        el("select", { id: pickId }, candidates.map((u) => el("option", { value: u.id }, u.email ? `${u.name} (${u.email})` : u.name)))),
      button("add", "Add", "primary auto"));
  }
  return el("details", { className: "group-members-section", open: !members.length || opened.has(g.id), dataset: { groupId: g.id } },
    el("summary", {}, `Members of ${g.name}`, el("span", { className: "staff-count" }, ` (${members.length ? people(members.length) : "nobody yet"})`)),
    el("div", { className: "group-members-body" }, list, add));
}

// opened are the groups whose members the admin unfolded, kept open across renders.
const opened = new Set();

function groupAction(e) {
  const button = e.target.closest("button[data-group-action]");
  if (!button) return;
  const g = state.groups.find((x) => x.id === button.dataset.groupId);
  if (!g) return;
  const action = button.dataset.groupAction;
  if (action === "edit") openDialog(g);
  else if (action === "add") addMember(g, button);
  else if (action === "remove") removeMember(g, button);
  else if (action === "delete") confirmDelete(g, button);
}

// ---- Make, rename ----

function openDialog(g) {
  state.editing = g;
  const form = $("group-form");
  clearErrors(form, $("group-alert"));
  $("group-title").textContent = g ? `Rename or describe ${g.name}` : "New staff group";
  $("group-save").textContent = g ? "Save" : "Make group";
  $("group-name").value = g ? g.name : "";
  $("group-description").value = g ? g.description || "" : "";
  $("group-dialog").showModal();
  $("group-name").focus();
}

async function saveGroup(e) {
  e.preventDefault();
  const form = $("group-form");
  const alertBox = $("group-alert");
  clearErrors(form, alertBox);
  const g = state.editing;
  const body = { name: $("group-name").value, description: $("group-description").value };
  const save = $("group-save");
  busy(save, true, "Saving…");
  try {
    const { data } = g ? await patch(groupsPath(g.id), body) : await post(groupsPath(), body);
    busy(save, false);
    $("group-dialog").close();
    replaceGroup(data);
    done(data.id, g ? `Saved ${data.name}.` : `Made the group ${data.name}. Add its members, then give it access to customers.`);
  } catch (err) {
    busy(save, false);
    if (state.onError(err)) return;
    const fields = { name: $("group-name"), description: $("group-description") };
    const first = err instanceof ApiError ? showFieldErrors(err, fields, { "group-name-taken": fields.name }) : null;
    if (first) {
      first.focus();
      return;
    }
    showAlert(alertBox, err.message);
    alertBox.tabIndex = -1;
    alertBox.focus();
  }
}

// ---- Members ----

async function addMember(g, button) {
  const pick = $(`group-${g.id}-add`);
  const userId = pick?.value;
  if (!userId) return;
  const name = pick.selectedOptions[0]?.textContent || "They";
  await change(g, button, "Adding…", () => put(`${groupsPath(g.id)}/members/${encodeURIComponent(userId)}`, {}),
    (v) => `${(state.users || []).find((u) => u.id === userId)?.name || name} is in ${v.name} now${actsFor(v)}.`);
}

async function removeMember(g, button) {
  const { userId, userName } = button.dataset;
  await change(g, button, "Removing…", () => del(`${groupsPath(g.id)}/members/${encodeURIComponent(userId)}`),
    (v) => `${userName || "They"} left ${v.name}${v.customers?.length ? `: from their next step they no longer act for its customers through it` : ""}.`);
}

function actsFor(v) {
  return v.customers?.length ? `, and acts for ${customersText(v)}` : "";
}

// change runs one change of group g from a button of its item and shows the group as the API answers it.
async function change(g, button, label, call, message) {
  opened.add(g.id);
  busy(button, true, label);
  try {
    const { data } = await call();
    busy(button, false);
    replaceGroup(data);
    done(data.id, message(data));
  } catch (err) {
    busy(button, false);
    if (state.onError(err)) return;
    if (err instanceof ApiError && err.status === 409) await refreshGroups().catch(() => {});
    failed(g.id, err.message);
  }
}

// ---- Delete ----

function confirmDelete(g, button) {
  $("confirm-title").textContent = `Delete ${g.name}?`;
  $("confirm-text").textContent = `${g.name} and its list of members go. Its members keep their own logins and any access you gave them one by one.`;
  $("confirm-ok").textContent = "Delete group";
  const dialog = $("confirm-dialog");
  dialog.returnValue = "";
  dialog.addEventListener("close", () => {
    if (dialog.returnValue === "confirm") deleteGroup(g, button);
    else button.focus();
  }, { once: true });
  dialog.showModal();
}

async function deleteGroup(g, button) {
  busy(button, true, "Deleting…");
  try {
    await del(groupsPath(g.id));
    busy(button, false);
    state.groups = state.groups.filter((x) => x.id !== g.id);
    renderGroups();
    state.onChange(state.groups);
    const box = $("groups-status");
    showAlert(box, `Deleted the group ${g.name}.`, "success");
    box.focus();
    announce(box.textContent);
  } catch (err) {
    busy(button, false);
    if (state.onError(err)) return;
    if (!(err instanceof ApiError && err.slug === "group-assigned")) {
      failed(g.id, err.message);
      return;
    }
    // The group as it is now names the customers whose access still has it.
    await refreshGroups().catch(() => {});
    const now = state.groups.find((x) => x.id === g.id) || g;
    const n = now.customers?.length || 0;
    failed(g.id, n
      ? `${now.name} is not deleted: it still acts for ${customersText(now)}. Take it off ${n === 1 ? "that customer's" : "those customers'"} partner access first (Staff groups, under Customers you support), then delete it.`
      : `${now.name} is not deleted: ${err.message}`);
  }
}

// ---- Showing results ----

function replaceGroup(v) {
  const i = state.groups.findIndex((x) => x.id === v.id);
  if (i >= 0) state.groups[i] = v;
  else state.groups.push(v);
  state.groups.sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
  renderGroups();
  state.onChange(state.groups);
}

// done says what just happened on a group's item and moves focus to it.
function done(groupId, text) {
  const status = $(`group-${groupId}-status`);
  if (status) {
    status.textContent = text;
    status.dataset.tone = "success";
  }
  $(`group-${groupId}-name`)?.focus();
  announce(text);
}

function failed(groupId, text) {
  const status = $(`group-${groupId}-status`);
  if (status) {
    status.textContent = text;
    status.dataset.tone = "error";
  }
  $(`group-${groupId}-name`)?.focus();
  announce(text);
}
