// grantstaff.js is the staff checklist of an active grant on the partner's side: the partner's users who have
// activated their login, ticked when they act in the customer, saved all at once with
// PUT /v1/partner-access/{grantId}/staff {userIds, roles}; where the customer granted several roles, each row
// also ticks the ones that person acts with: all of them, or any one or several (grantroles.js). A refusal names each user it refuses ("userIds[2]", or the
// userId of an already-member conflict): the note goes next to that user's box.

import { ApiError, get, put } from "./api.js";
import { busy, el, fieldError, showAlert } from "./ui.js";
import { people } from "./grant.js";
import { staffRoleChoices, staffRolesOf } from "./grantroles.js";

// maxPages bounds how many pages of users the checklist reads (100 users a page).
const maxPages = 10;

// partnerUsers lists the partner account's users who may act for a customer: those who have registered (the
// API calls activated, enabled logins "registered"), by name.
export async function partnerUsers(accountId) {
  const users = [];
  let cursor = "";
  for (let page = 0; page < maxPages; page++) {
    const q = new URLSearchParams({ status: "registered", limit: "100" });
    if (cursor) q.set("cursor", cursor);
    const { data } = await get(`/v1/accounts/${encodeURIComponent(accountId)}/users?${q}`);
    for (const u of Array.isArray(data?.users) ? data.users : []) {
      if (u && u.id) users.push({ id: u.id, name: u.name || u.email || u.id, email: u.email || "" });
    }
    cursor = data?.next || "";
    if (!cursor) break;
  }
  return users;
}

// staffSection builds the checklist of grant g, from the partner's users. open keeps it unfolded; onSaved gets
// the grant as the API answers it after a save, and onError gets errors the page handles (a session that
// ended) and answers whether it did.
export function staffSection(g, users, { open, onSaved, onError }) {
  const staff = Array.isArray(g.staff) ? g.staff : [];
  const assigned = new Set(staff.map((s) => s.id));
  // Staff who are no longer active still show, ticked: saving without them takes them off.
  const choices = [...users];
  for (const s of staff) {
    if (!users.some((u) => u.id === s.id)) choices.push({ id: s.id, name: s.name || s.email || s.id, email: s.email || "", inactive: true });
  }
  const customer = g.customer?.name || "the customer";
  const boxId = (u) => `staff-${g.id}-${u.id}`;
  const items = choices.map((u) => {
    const id = boxId(u);
    return el("li", { className: "choice staff-choice" },
      el("input", { type: "checkbox", id, className: "staff-box", value: u.id, checked: assigned.has(u.id), dataset: { userId: u.id } }),
      el("div", { className: "staff-who" },
        el("label", { htmlFor: id },
          el("span", {}, u.name),
          el("span", { className: "choice-hint" }, [u.email, u.inactive ? "no longer active: untick to take them off" : ""].filter(Boolean).join(" · "))),
        staffRoleChoices(g, u.id, `${id}-roles`, u.name),
        el("p", { id: `${id}-error`, className: "field-error", hidden: true })));
  });
  const alertBox = el("div", { className: "notice", role: "alert", hidden: true });
  const status = el("p", { className: "staff-status", role: "status", tabindex: "-1" });
  const save = el("button", { type: "submit", className: "primary auto" }, "Save staff");
  const legendId = `staff-legend-${g.id}`;
  const form = el("form", { className: "staff-form", noValidate: true, dataset: { grantId: g.id } },
    el("fieldset", { "aria-describedby": "staff-hint" },
      el("legend", { id: legendId, className: "sr-only" }, `Staff who act for ${customer}`),
      choices.length
        ? el("ul", { className: "choices staff-list", "aria-labelledby": legendId }, items)
        : el("p", { className: "empty" }, "None of your users has activated their login yet.")),
    alertBox,
    el("div", { className: "buttons" }, save),
    status);
  const summary = el("summary", {}, `Staff for ${customer}`, el("span", { className: "staff-count" }, ` (${staff.length ? people(staff.length) : "nobody yet"})`));
  const section = el("details", { className: "staff", open: !!open, dataset: { grantId: g.id } }, summary, form);

  form.addEventListener("change", (e) => {
    if (e.target.matches("input.staff-box")) fieldError(e.target, "");
    if (e.target.matches("input[data-role]")) roleError(e.target.closest("fieldset"), "");
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const boxes = [...form.querySelectorAll("input.staff-box")];
    for (const b of boxes) fieldError(b, "");
    for (const f of form.querySelectorAll("fieldset.staff-roles-field")) roleError(f, "");
    showAlert(alertBox, "");
    status.textContent = "";
    const ids = boxes.filter((b) => b.checked).map((b) => b.value);
    const { roles, missing } = staffRolesOf(form, ids);
    if (missing.length) {
      const fields = missing.map((id) => form.querySelector(`fieldset.staff-roles-field[data-user-id="${CSS.escape(id)}"]`));
      for (const f of fields) roleError(f, "Tick at least one role, or untick the person.");
      showAlert(alertBox, "Nothing was saved: tick at least one role for each person you chose.");
      fields[0]?.querySelector("input")?.focus();
      return;
    }
    busy(save, true, "Saving…");
    try {
      const { data } = await put(`/v1/partner-access/${encodeURIComponent(g.id)}/staff`, { userIds: ids, roles });
      busy(save, false);
      onSaved(data, `Saved: ${people(data?.staffCount ?? ids.length)} ${(data?.staffCount ?? ids.length) === 1 ? "acts" : "act"} for ${customer}.`);
    } catch (err) {
      busy(save, false);
      if (onError(err)) return;
      refused(err, ids, boxes, alertBox, customer);
    }
  });
  return section;
}

// roleError shows (or with "" clears) the note under a person's roles, wired to its checkboxes.
function roleError(fieldset, message) {
  const box = fieldset?.querySelector(".field-error");
  if (!box) return;
  box.textContent = message;
  box.hidden = !message;
  if (message) fieldset.setAttribute("aria-describedby", box.id);
  else fieldset.removeAttribute("aria-describedby");
}

// refused shows why a save was refused: next to each user the API names, and in the form's alert.
function refused(err, ids, boxes, alertBox, customer) {
  const byUser = new Map();
  if (err instanceof ApiError) {
    for (const x of err.errors) {
      const m = /^userIds\[(\d+)\]$/.exec(x.field);
      if (m && ids[Number(m[1])]) byUser.set(ids[Number(m[1])], x.detail);
    }
    if (err.slug === "already-member" && err.problem.userId) byUser.set(err.problem.userId, err.detail);
  }
  let first = null;
  for (const [userId, detail] of byUser) {
    const box = boxes.find((b) => b.value === userId);
    if (!box) continue;
    fieldError(box, detail);
    first ||= box;
  }
  if (first) {
    showAlert(alertBox, `Nothing was saved: ${byUser.size === 1 ? "one person" : "some people"} you chose cannot act for ${customer}. See the note next to ${byUser.size === 1 ? "them" : "each"}.`);
    first.focus();
    return;
  }
  showAlert(alertBox, `Nothing was saved: ${err.message}`);
  alertBox.tabIndex = -1;
  alertBox.focus();
}
