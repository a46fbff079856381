// grantroles.js is what the partner access pages show and ask about a grant's roles: what the customer grants its
// support partner (the administrator by default, or a user administrator, or read-only: the API's delegable
// roles), the checkboxes that choose them, and on each grant the request for other roles — the partner asks
// (POST /v1/partner-access/{id}/role-request), the customer approves all or fewer (.../role-request/approve) or
// declines (.../role-request/decline), and the customer may take roles away (PUT /v1/partner-access/{id}/roles).

import { ApiError, post, put } from "./api.js";
import { busy, el, showAlert } from "./ui.js";

// delegable are the roles a customer may grant a support partner, in the API's order, with their words.
export const delegable = [
  { name: "support-staff", title: "Administrator", hint: "Everything the customer's administrators do, except choosing its support partners." },
  { name: "support-user-admin", title: "User administrator", hint: "Sees the account and manages its users; nothing else." },
  { name: "read-only", title: "Read-only", hint: "Sees the account, its users and its audit log; changes nothing." },
];

// roleTitle names a role as the pages show it.
export function roleTitle(name) {
  return delegable.find((r) => r.name === name)?.title || name;
}

// rolesText lists roles as words: "Administrator", "User administrator and Read-only".
export function rolesText(roles) {
  const words = (Array.isArray(roles) && roles.length ? roles : ["support-staff"]).map(roleTitle);
  return words.length > 1 ? `${words.slice(0, -1).join(", ")} and ${words.at(-1)}` : words[0];
}

// roleChoices fills list (a .choices list) with one checkbox per role of names (all delegable roles when absent),
// ticked when in checked; idPrefix keeps the ids unique on the page.
export function roleChoices(list, idPrefix, { names, checked }) {
  const shown = delegable.filter((r) => !names || names.includes(r.name));
  list.replaceChildren(...shown.map((r) => {
    const id = `${idPrefix}-${r.name}`;
    return el("li", { className: "choice" },
      el("input", { type: "checkbox", id, value: r.name, checked: (checked || []).includes(r.name) }),
      el("label", { htmlFor: id }, r.title, el("span", { className: "choice-hint" }, r.hint)));
  }));
}

// checkedRoles are the roles ticked in a container, in the API's order.
export function checkedRoles(container) {
  return [...container.querySelectorAll("input[type=checkbox]:checked")].map((i) => i.value);
}

// rolesSection builds what a grant's side may do about its roles, or null when there is nothing: the customer
// answers a pending request (the requested roles ticked; untick some to approve fewer) and takes roles away; the
// partner asks for other roles and sees its request waiting. onSaved gets the grant as the API answers and a
// message; onError gets errors the page handles (a session that ended) and answers whether it did.
export function rolesSection(g, side, { onSaved, onError }) {
  const actions = Array.isArray(g.actions) ? g.actions : [];
  const current = Array.isArray(g.roles) ? g.roles : ["support-staff"];
  const request = g.roleRequest;
  const other = side === "customer" ? g.partner?.name || "the partner" : g.customer?.name || "the customer";
  const parts = [];
  if (side === "partner" && request) {
    parts.push(el("p", { className: "hint" }, `Waiting for ${other} to answer your request for ${rolesText(request.roles)}.`));
  }
  if (side === "customer" && request && actions.includes("answer-roles")) {
    parts.push(form(g, "answer", `${other} asks for ${rolesText(request.roles)}`,
      "Untick a role to approve fewer.", request.roles, request.roles, [
        ["approve", "Approve", "primary auto"], ["decline", "Decline", "secondary danger"],
      ], { onSaved, onError }));
  }
  if (side === "customer" && actions.includes("roles")) {
    parts.push(form(g, "reduce", "Take roles away", `Untick what ${other} should no longer do. Adding a role takes a request from ${other}.`,
      current, current, [["reduce", "Save roles", "secondary auto"]], { onSaved, onError }));
  }
  if (side === "partner" && actions.includes("request-roles")) {
    parts.push(form(g, "request", "Ask for other roles", `${other} approves them, or fewer, before anything changes.`,
      null, current, [["request", "Send request", "secondary auto"]], { onSaved, onError }));
  }
  if (!parts.length) return null;
  const open = side === "customer" && !!request;
  return el("details", { className: "grant-roles", open, dataset: { grantId: g.id } },
    el("summary", {}, side === "customer" && request ? `Roles: ${other} asks for a change` : "Roles"), ...parts);
}

// paths are the API calls of the forms' buttons.
const calls = {
  approve: (id, roles) => post(`/v1/partner-access/${encodeURIComponent(id)}/role-request/approve`, { roles }),
  decline: (id) => post(`/v1/partner-access/${encodeURIComponent(id)}/role-request/decline`, {}),
  reduce: (id, roles) => put(`/v1/partner-access/${encodeURIComponent(id)}/roles`, { roles }),
  request: (id, roles) => post(`/v1/partner-access/${encodeURIComponent(id)}/role-request`, { roles }),
};

const done = {
  approve: (v) => `Approved: ${v.partner?.name || "the partner"} now has ${rolesText(v.roles)}.`,
  decline: (v) => `Declined: ${v.partner?.name || "the partner"} keeps ${rolesText(v.roles)}.`,
  reduce: (v) => `Saved: ${v.partner?.name || "the partner"} now has ${rolesText(v.roles)}.`,
  request: (v) => `Request sent to ${v.customer?.name || "the customer"}.`,
};

// form is one roles form of grant g: a legend, checkboxes of names (ticked: checked) and its buttons.
function form(g, kind, legend, hint, names, checked, buttons, { onSaved, onError }) {
  const prefix = `roles-${kind}-${g.id}`;
  const list = el("ul", { className: "choices role-list", "aria-describedby": `${prefix}-hint` });
  roleChoices(list, prefix, { names, checked });
  const alertBox = el("div", { className: "notice", role: "alert", hidden: true });
  const f = el("form", { className: "roles-form", noValidate: true, dataset: { grantId: g.id, roles: kind } },
    el("fieldset", {},
      el("legend", {}, legend),
      el("p", { id: `${prefix}-hint`, className: "hint" }, hint),
      list),
    alertBox,
    el("div", { className: "buttons" }, buttons.map(([action, label, tone]) =>
      el("button", { type: "submit", className: `small ${tone}`, value: action, dataset: { rolesAction: action } }, label))));
  f.addEventListener("submit", async (e) => {
    e.preventDefault();
    const button = e.submitter || f.querySelector("button");
    const action = button.value;
    const roles = checkedRoles(list);
    showAlert(alertBox, "");
    if (action !== "decline" && !roles.length) {
      showAlert(alertBox, action === "approve" ? "Tick at least one role to approve, or decline the request." : "Tick at least one role.");
      return;
    }
    busy(button, true, "Saving…");
    try {
      const { data } = await calls[action](g.id, roles);
      busy(button, false);
      onSaved(data, done[action](data || g));
    } catch (err) {
      busy(button, false);
      if (onError(err)) return;
      const detail = err instanceof ApiError && err.errors.length ? err.errors.map((x) => x.detail).join(" ") : err.message;
      showAlert(alertBox, detail);
    }
  });
  return f;
}

// staffRoleChoices are the roles a staff member acts with on their row of grant g's checklist: one checkbox per role
// the customer granted, all ticked when they act with all of them; untick some to narrow them to the rest (any
// subset, one or several). null when the grant has one role (nothing to choose). idPrefix keeps the ids unique.
export function staffRoleChoices(g, userId, idPrefix, who) {
  const granted = Array.isArray(g.roles) ? g.roles : ["support-staff"];
  if (granted.length < 2) return null;
  const entry = (Array.isArray(g.staff) ? g.staff : []).find((s) => s.id === userId);
  const own = entry && Array.isArray(entry.roles) && entry.roles.length ? entry.roles : granted;
  const legendId = `${idPrefix}-legend`;
  return el("fieldset", { className: "staff-roles-field", dataset: { userId } },
    el("legend", { id: legendId, className: "sr-only" }, `Roles of ${who}`),
    el("ul", { className: "staff-roles", "aria-labelledby": legendId }, granted.map((name) => {
      const id = `${idPrefix}-${name}`;
      return el("li", {},
        el("input", { type: "checkbox", id, value: name, checked: own.includes(name), dataset: { role: name } }),
        el("label", { htmlFor: id }, roleTitle(name)));
    })),
    el("p", { id: `${idPrefix}-error`, className: "field-error", hidden: true }));
}

// staffRolesOf reads the checklist's role choices for the ticked users ids: {userId: [roles]} for each narrowed
// to some of the grant's roles; the others act with all of them. missing lists the ticked users with no role
// ticked, whom the page asks to tick one.
export function staffRolesOf(form, ids) {
  const roles = {};
  const missing = [];
  for (const f of form.querySelectorAll("fieldset.staff-roles-field")) {
    const userId = f.dataset.userId;
    if (!ids.includes(userId)) continue;
    const boxes = [...f.querySelectorAll("input[data-role]")];
    const ticked = boxes.filter((b) => b.checked).map((b) => b.value);
    if (!ticked.length) missing.push(userId);
    else if (ticked.length < boxes.length) roles[userId] = ticked;
  }
  return { roles, missing };
}
