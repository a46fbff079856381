// grantgroups.js is, on an active grant of a partner's Customer access page, the staff groups that act for that
// customer: each assigned group by name with the roles its members act with there (some of the grant's roles:
// tick them and save, PUT /v1/partner-access/{grantId}/groups/{groupId} {roles}) and Take off (DELETE …), and a
// form that gives one more of the partner's groups access, with all of the grant's roles ticked to start with.
// The grant names its groups by id; the names come from the partner's groups (staffgroups.js).

import { ApiError, del, put } from "./api.js";
import { busy, el, showAlert } from "./ui.js";
import { roleTitle, rolesText } from "./grantroles.js";

// opened are the grants whose groups the admin unfolded; notes the message to show once on a grant after a save.
const opened = new Set();
const notes = new Map();

// groupsSection builds the staff groups of grant g from the partner's groups. onSaved gets the grant as the API
// answers it, and resolves once the page shows it; onError gets errors the page handles (a session that ended)
// and answers whether it did.
export function groupsSection(g, groups, { onSaved, onError }) {
  const granted = Array.isArray(g.roles) && g.roles.length ? g.roles : ["support-staff"];
  const assigned = Array.isArray(g.groups) ? g.groups : [];
  const byId = new Map(groups.map((x) => [x.id, x]));
  const customer = g.customer?.name || "the customer";
  const nameOf = (id) => byId.get(id)?.name || "A group you deleted";
  const ctx = { g, granted, customer, onSaved, onError };

  const parts = assigned.map((a) => assignedForm(ctx, a, nameOf(a.id)));
  const free = groups.filter((x) => !assigned.some((a) => a.id === x.id));
  if (free.length) parts.push(assignForm(ctx, free));
  else if (!groups.length) parts.push(el("p", { className: "hint" }, "Make a staff group under Staff groups to give all its members access here at once."));
  const note = notes.get(g.id) || "";
  notes.delete(g.id);
  const status = el("p", { className: "staff-status grant-groups-status", id: `grant-groups-${g.id}-status`, role: "status", tabindex: "-1" }, note);
  const names = assigned.map((a) => nameOf(a.id)).join(", ");
  return el("details", { className: "grant-groups", open: opened.has(g.id), dataset: { grantId: g.id } },
    el("summary", {}, `Staff groups for ${customer}`, el("span", { className: "staff-count" }, ` (${names || "none yet"})`)),
    el("div", { className: "grant-groups-body" }, parts, status));
}

// roleBoxes are the checkboxes of the grant's roles, ticked when in checked.
function roleBoxes(prefix, granted, checked, legend) {
  const legendId = `${prefix}-legend`;
  return el("fieldset", { className: "group-roles" },
    el("legend", { id: legendId }, legend),
    el("ul", { className: "staff-roles", "aria-labelledby": legendId }, granted.map((name) => {
      const id = `${prefix}-${name}`;
      return el("li", {},
        el("input", { type: "checkbox", id, value: name, checked: checked.includes(name), dataset: { role: name } }),
        el("label", { htmlFor: id }, roleTitle(name)));
    })));
}

// rolesOf reads the ticked roles of a form: null when none, and [] for all of the grant's (the API's default).
function rolesOf(form, granted) {
  const ticked = [...form.querySelectorAll("input[data-role]:checked")].map((b) => b.value);
  if (!ticked.length) return null;
  return ticked.length === granted.length ? [] : ticked;
}

// assignedForm is one group assigned to the grant: its roles there, Save roles and Take off.
function assignedForm(ctx, a, name) {
  const { g, granted } = ctx;
  const prefix = `grant-${g.id}-group-${a.id}`;
  const roles = Array.isArray(a.roles) && a.roles.length ? a.roles : granted;
  const alertBox = el("div", { className: "notice", role: "alert", hidden: true });
  const form = el("form", { className: "group-assignment", noValidate: true, dataset: { groupId: a.id } },
    roleBoxes(prefix, granted, roles, `${name} acts as`),
    alertBox,
    el("div", { className: "buttons" },
      el("button", { type: "submit", className: "small secondary auto", value: "save", dataset: { groupRoles: "save" } }, "Save roles"),
      el("button", { type: "submit", className: "small secondary danger", value: "remove", dataset: { groupRoles: "remove" } }, `Take ${name} off`)));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const button = e.submitter || form.querySelector("button");
    if (button.value === "remove") {
      send(ctx, button, alertBox, "Taking off…", () => del(groupPath(g.id, a.id)),
        `${name} no longer acts for ${ctx.customer}: its members lose that access at their next step.`);
      return;
    }
    const chosen = rolesOf(form, granted);
    if (!chosen) {
      showAlert(alertBox, `Tick at least one role, or take ${name} off.`);
      return;
    }
    send(ctx, button, alertBox, "Saving…", () => put(groupPath(g.id, a.id), chosen.length ? { roles: chosen } : {}),
      `Saved: ${name} acts for ${ctx.customer} as ${rolesText(chosen.length ? chosen : granted)}.`);
  });
  return form;
}

// assignForm gives one more group access to the grant.
function assignForm(ctx, free) {
  const { g, granted } = ctx;
  const prefix = `grant-${g.id}-newgroup`;
  const alertBox = el("div", { className: "notice", role: "alert", hidden: true });
  const pick = el("select", { id: `${prefix}-pick` }, free.map((x) => el("option", { value: x.id }, x.name)));
  const form = el("form", { className: "group-assignment group-assign", noValidate: true },
    el("div", { className: "field" }, el("label", { htmlFor: pick.id }, "Give a group access"), pick),
    roleBoxes(prefix, granted, granted, "Its members act as"),
    alertBox,
    el("div", { className: "buttons" },
      el("button", { type: "submit", className: "small primary auto", dataset: { groupRoles: "assign" } }, "Give access")));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const chosen = rolesOf(form, granted);
    const name = pick.selectedOptions[0]?.textContent || "The group";
    if (!chosen) {
      showAlert(alertBox, "Tick at least one role.");
      return;
    }
    send(ctx, e.submitter || form.querySelector("button"), alertBox, "Giving access…",
      () => put(groupPath(g.id, pick.value), chosen.length ? { roles: chosen } : {}),
      `${name} acts for ${ctx.customer} now, as ${rolesText(chosen.length ? chosen : granted)}.`);
  });
  return form;
}

function groupPath(grantId, groupId) {
  return `/v1/partner-access/${encodeURIComponent(grantId)}/groups/${encodeURIComponent(groupId)}`;
}

// send runs one change and has the page show the grant as the API answers it, with message under its groups.
async function send(ctx, button, alertBox, label, call, message) {
  const { g, onSaved, onError } = ctx;
  showAlert(alertBox, "");
  busy(button, true, label);
  try {
    const { data } = await call();
    busy(button, false);
    opened.add(g.id);
    notes.set(g.id, message);
    await onSaved(data, message);
    document.getElementById(`grant-groups-${g.id}-status`)?.focus();
  } catch (err) {
    busy(button, false);
    if (onError(err)) return;
    const detail = err instanceof ApiError && err.errors.length ? err.errors.map((x) => x.detail).join(" ") : err.message;
    showAlert(alertBox, `Nothing was saved: ${detail}`);
    alertBox.tabIndex = -1;
    alertBox.focus();
  }
}
