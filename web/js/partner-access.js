// partner-access.js runs the partner access page, which shows one of two sides by the kind of the account the
// session acts in (GET /v1/accounts/{id}/partner-access):
//
//   - a customer's "Support partners": invite a partner by its Partner ID for a duration or until a date, with
//     auto-extend (grantterm.js), the invitations waiting for an answer (withdraw), the partners with access,
//     their staff count, since and until when (revoke, after a dialog that names the partner and says access
//     ends at once; turn auto-extend off or on), and what ended recently;
//   - a partner's (or MSP's) "Customer access": its Partner ID with Copy, "Copy share link" (sharelink.js), the
//     invitations to accept or decline, the customers it supports with the staff checklist of each
//     (grantstaff.js) and the staff groups that act for each (grantgroups.js), its staff groups (staffgroups.js),
//     and what ended recently.
//
// Buttons follow the grant's "actions" from the API and the session's permission: people who may only view
// (read-only) see the lists without them; a support partner's staff acting in a customer do not get the page.

import { ApiError, get, post } from "./api.js";
import { $, announce, busy, clearErrors, el, fieldError, showAlert, showFieldErrors, showView } from "./ui.js";
import { can, isSupportStaff, leaving, partnerAccessTitle, startPage } from "./session.js";
import {
  dateText, factList, factsOf, groupOf, partnerIdProblem, partnerIdText, statusPill,
} from "./grant.js";
import { autoExtendDone, autoExtendLabel, setAutoExtend, termForm } from "./grantterm.js";
import { partnerUsers, staffSection } from "./grantstaff.js";
import { copyPartnerId, shareLink } from "./sharelink.js";
import { checkedRoles, rolesSection } from "./grantroles.js";
import { groupsSection } from "./grantgroups.js";
import { currentGroups, initStaffGroups, loadGroups, refreshGroups } from "./staffgroups.js";

const state = {
  me: null,
  account: null, // {id, name, kind}
  side: "customer", // or "partner"
  manage: false, // partner-access:manage: invite, answer, staff, revoke
  grants: [],
  next: null,
  partnerId: "",
  users: null, // the partner's users who may be staff; null until read
  open: new Set(), // grant ids whose staff checklist is unfolded
};

$("load-more").addEventListener("click", loadMore);
$("invite-form").addEventListener("submit", invite);
$("invite-partner-id").addEventListener("blur", (e) => {
  // Shown as people read it: upper case with the hyphen.
  if (!partnerIdProblem(e.target.value)) e.target.value = partnerIdText(e.target.value);
});
$("copy-id").addEventListener("click", () => copyPartnerId(state.partnerId));
$("share-link").addEventListener("click", () => shareLink(state.account.id, checkedRoles($("share-roles"))));
$("main").addEventListener("click", grantAction);
const term = termForm({
  duration: $("invite-duration"), endsField: $("invite-ends-field"), ends: $("invite-ends"), autoExtend: $("invite-auto-extend"),
});

// A 403 (a customer account whose partner access the caller may not see, a partner without a Partner ID) says why.
startPage({ open, failed: (err) => {
  if (!(err instanceof ApiError && err.status === 403)) return false;
  denied(err.detail);
  return true;
} });

async function open(me) {
  state.me = me;
  const acc = me.currentAccount || {};
  state.account = { id: acc.id || "", name: acc.name || "your account", kind: acc.kind || "" };
  if (!partnerAccessTitle(me)) {
    denied();
    return;
  }
  state.side = acc.kind === "customer" ? "customer" : "partner";
  state.manage = can(me, "partner-access:manage");
  const { data } = await get(listPath());
  state.grants = Array.isArray(data?.grants) ? data.grants : [];
  state.next = data?.next || null;
  state.partnerId = data?.partnerId || "";
  if (state.side === "partner" && state.manage) {
    initStaffGroups({ accountId: state.account.id, onChange: renderGrants, onError: leaving });
    await loadUsers();
    await loadGroups(state.users);
  }
  render();
  flashInvited();
}

function listPath(cursor) {
  const q = cursor ? `?cursor=${encodeURIComponent(cursor)}` : "";
  return `/v1/accounts/${encodeURIComponent(state.account.id)}/partner-access${q}`;
}

// denied explains why the page is not for this session.
function denied(detail) {
  const { kind, name } = state.account || {};
  let text = detail || "Your role in this account does not let you see its partner access. Ask an administrator if you need to.";
  if (kind === "provider") {
    text = "The platform provider neither gives nor receives partner access. Customers invite their support partners from their own accounts.";
  } else if (isSupportStaff(state.me)) {
    text = `You act in ${name} for one of its support partners. Only ${name}'s own administrators choose its support partners.`;
  }
  $("denied-text").textContent = text;
  document.title = "Partner access · PartnerHub";
  showView("denied");
}

async function loadUsers() {
  try {
    state.users = await partnerUsers(state.account.id);
    showAlert($("users-alert"), "");
  } catch (err) {
    // A session that ended is the page's to handle; anything else only costs the checklists.
    if (err instanceof ApiError && (err.status === 401 || err.slug === "pending-step" || err.slug === "access-ended")) throw err;
    state.users = null;
    showAlert($("users-alert"), `Your users could not be loaded, so staff cannot be chosen now: ${err.message}`);
  }
}

async function loadMore() {
  const button = $("load-more");
  busy(button, true, "Loading…");
  try {
    const { data } = await get(listPath(state.next));
    const seen = new Set(state.grants.map((g) => g.id));
    state.grants.push(...(Array.isArray(data?.grants) ? data.grants : []).filter((g) => !seen.has(g.id)));
    state.next = data?.next || null;
    busy(button, false);
    render();
    announce("More partner access loaded.");
  } catch (err) {
    busy(button, false);
    if (leaving(err)) return;
    showAlert($("page-alert"), `Could not load more: ${err.message}`);
  }
}

// ---- Rendering ----

function render() {
  const { name } = state.account;
  if (state.side === "customer") {
    $("customer-intro").textContent = `A support partner you invite can, once it accepts, let staff it chooses act in ${name} with the roles you grant. You can revoke that access at any time; it ends at once.`;
    $("invite-card").hidden = !state.manage;
    document.title = `Support partners · ${name} · PartnerHub`;
  } else {
    $("partner-intro").textContent = `Customers who invite ${name} let the staff you choose act in their accounts with the roles each customer grants, until they revoke it.`;
    $("partner-id").textContent = partnerIdText(state.partnerId) || "Not assigned yet";
    $("copy-id").hidden = !state.partnerId;
    $("share").hidden = !state.manage;
    $("staff-hint").hidden = !state.manage;
    $("groups-card").hidden = !state.manage;
    document.title = `Customer access · ${name} · PartnerHub`;
  }
  renderGrants();
  $("load-more").hidden = !state.next;
  showView(state.side, { focus: false });
}

function renderGrants() {
  const prefix = state.side === "customer" ? "c" : "p";
  const groups = { pending: [], active: [], ended: [] };
  for (const g of state.grants) groups[groupOf(g)].push(g);
  const other = (g) => (state.side === "customer" ? g.partner?.name : g.customer?.name) || "";
  groups.active.sort((a, b) => other(a).localeCompare(other(b)));
  groups.ended.sort((a, b) => String(b.endedAt || b.since || "").localeCompare(String(a.endedAt || a.since || "")));
  for (const [group, list] of Object.entries(groups)) {
    $(`${prefix}-${group}`).replaceChildren(...list.map(grantItem));
    $(`${prefix}-${group}-empty`).hidden = list.length > 0;
  }
  // Nothing ended recently is not worth a card.
  $(`${prefix}-ended-card`).hidden = groups.ended.length === 0;
}

// grantItem is one grant as the page's side sees it: the other side's name, the status, the facts and what
// the session may do.
function grantItem(g) {
  const side = state.side;
  const name = side === "customer" ? g.partner?.name : g.customer?.name;
  const headingId = `grant-${g.id}-name`;
  const item = el("li", { className: "grant", id: `grant-${g.id}`, dataset: { grantId: g.id, status: g.status }, "aria-labelledby": headingId },
    el("div", { className: "grant-head" },
      el("h3", { id: headingId, className: "grant-name", tabindex: "-1" }, name || "Unnamed account"),
      statusPill(g, side)),
    factList(factsOf(g, side)),
    el("p", { className: "grant-status", id: `grant-${g.id}-status`, role: "status" }));
  if (!state.manage) return item;

  const actions = Array.isArray(g.actions) ? g.actions : [];
  const buttons = [];
  const button = (action, label, tone) => el("button", {
    type: "button", className: `small ${tone}`, dataset: { action, grantId: g.id }, "aria-describedby": headingId,
  }, label);
  if (actions.includes("accept")) buttons.push(button("accept", "Accept", "primary auto"));
  if (actions.includes("decline")) buttons.push(button("decline", "Decline", "secondary danger"));
  if (actions.includes("auto-extend")) buttons.push(button("auto-extend", autoExtendLabel(g), "secondary"));
  if (actions.includes("revoke")) {
    const label = side === "partner" ? "End access" : g.status === "invited" ? "Withdraw invitation" : "Revoke";
    buttons.push(button("revoke", label, "secondary danger"));
  }
  // The staff come before ending access, which is the last thing a partner wants to do by mistake.
  const roles = rolesSection(g, side, { onSaved: rolesSaved, onError: leaving });
  if (roles) item.append(roles);
  if (side === "partner" && actions.includes("staff") && state.users) {
    item.append(staffSection(g, state.users, {
      open: state.open.has(g.id) || !g.staffCount,
      onSaved: staffSaved,
      onError: leaving,
    }));
    item.append(groupsSection(g, currentGroups(), { onSaved: groupsSaved, onError: leaving }));
  }
  if (buttons.length) item.append(el("div", { className: "buttons grant-actions" }, buttons));
  return item;
}

function staffSaved(view, message) {
  replaceGrant(view);
  state.open.add(view.id);
  renderGrants();
  const status = $(`grant-${view.id}`)?.querySelector(".staff-status");
  if (status) {
    status.textContent = message;
    status.focus();
  }
  announce(message);
}

// groupsSaved shows a grant whose staff groups changed, and the groups, whose customers changed with it.
async function groupsSaved(view, message) {
  replaceGrant(view);
  try {
    await refreshGroups();
  } catch (err) {
    if (leaving(err)) return;
  }
  renderGrants();
  announce(message);
}

function rolesSaved(view, message) {
  replaceGrant(view);
  renderGrants();
  result(message);
}

function replaceGrant(view) {
  if (!view || !view.id) return;
  const i = state.grants.findIndex((g) => g.id === view.id);
  if (i >= 0) state.grants[i] = view;
  else state.grants.unshift(view);
}

// result says what just happened at the top of the side's view and moves focus there.
function result(text) {
  const box = $(`${state.side}-result`);
  showAlert(box, text, "success");
  box.focus();
  announce(text);
}

// flashInvited tells a customer who just confirmed a share link that the invitation went out.
function flashInvited() {
  const params = new URLSearchParams(location.search);
  const id = params.get("invited");
  if (!id) return;
  history.replaceState(null, "", "/partner-access");
  const g = state.grants.find((x) => x.id === id);
  if (g && state.side === "customer") result(invitedText(g));
}

function invitedText(g) {
  const due = dateText(g.expiresAt);
  return `Invitation sent to ${g.partner?.name || "the partner"}.${due ? ` They have until ${due} to accept it.` : ""}`;
}

// ---- Customer: invite by Partner ID ----

async function invite(e) {
  e.preventDefault();
  const form = $("invite-form");
  const alertBox = $("invite-alert");
  const idInput = $("invite-partner-id");
  clearErrors(form, alertBox);
  const idProblem = partnerIdProblem(idInput.value);
  const terms = term.read();
  if (idProblem) fieldError(idInput, idProblem);
  if (terms.problem) fieldError(terms.input, terms.problem);
  if (idProblem || terms.problem) {
    (idProblem ? idInput : terms.input).focus();
    return;
  }
  const roles = checkedRoles($("invite-roles"));
  if (!roles.length) {
    $("invite-roles-error").textContent = "Tick at least one role.";
    $("invite-roles-error").hidden = false;
    $("invite-roles").querySelector("input").focus();
    return;
  }
  $("invite-roles-error").hidden = true;
  const body = { partnerId: idInput.value.replace(/[\s-]/g, "").toUpperCase(), roles, ...terms.body };
  const submit = $("invite-submit");
  busy(submit, true, "Inviting…");
  try {
    const { data } = await post(`/v1/accounts/${encodeURIComponent(state.account.id)}/partner-access`, body);
    busy(submit, false);
    form.reset(); // the roles go back to the administrator alone, as the page starts
    term.reset();
    replaceGrant(data);
    renderGrants();
    result(invitedText(data));
  } catch (err) {
    busy(submit, false);
    if (leaving(err)) return;
    const fields = { partnerId: idInput, durationDays: $("invite-duration"), endsAt: $("invite-ends"), autoExtend: $("invite-auto-extend") };
    const first = err instanceof ApiError ? showFieldErrors(err, fields, { "partner-not-found": idInput }) : null;
    if (first) {
      first.focus();
      return;
    }
    showAlert(alertBox, err.message);
    alertBox.tabIndex = -1;
    alertBox.focus();
  }
}

// ---- Answer, withdraw, revoke, end ----

function grantAction(e) {
  const button = e.target.closest("button[data-action]");
  if (!button) return;
  const g = state.grants.find((x) => x.id === button.dataset.grantId);
  if (!g) return;
  const action = button.dataset.action;
  if (action === "accept") {
    act(g, button, "accept");
    return;
  }
  if (action === "auto-extend") {
    switchAutoExtend(g, button);
    return;
  }
  const ask = question(g, action);
  $("confirm-title").textContent = ask.title;
  $("confirm-text").textContent = ask.text;
  $("confirm-ok").textContent = ask.ok;
  const dialog = $("confirm-dialog");
  dialog.returnValue = "";
  dialog.addEventListener("close", () => {
    if (dialog.returnValue === "confirm") act(g, button, action);
    else button.focus();
  }, { once: true });
  dialog.showModal();
}

// question is what the confirmation dialog asks before a step that cannot be undone.
function question(g, action) {
  const partner = g.partner?.name || "the partner";
  const customer = g.customer?.name || "the customer";
  const n = g.staffCount || 0;
  const staff = n ? `the ${n === 1 ? "staff member" : `${n} staff members`} it assigned` : "its staff";
  if (action === "decline") {
    return {
      title: `Decline the invitation from ${customer}?`,
      text: `${customer} is told that you declined. Only a new invitation from ${customer} can give you access later.`,
      ok: "Decline invitation",
    };
  }
  if (state.side === "partner") {
    return {
      title: `End your access to ${customer}?`,
      text: `Your staff lose access to ${customer} immediately: their next action there is refused. Only a new invitation from ${customer} can give access again.`,
      ok: "End access",
    };
  }
  if (g.status === "invited") {
    return {
      title: `Withdraw the invitation to ${partner}?`,
      text: `${partner} can no longer accept it. You can invite ${partner} again later.`,
      ok: "Withdraw invitation",
    };
  }
  return {
    title: `Revoke ${partner}'s access?`,
    text: `Access ends immediately: ${partner} and ${staff} can no longer act in ${customer}, from their very next action. To give access again you will need to send a new invitation.`,
    ok: `Revoke ${partner}`,
  };
}

const doneText = {
  accept: (g) => `You accepted the invitation from ${g.customer?.name || "the customer"}. Choose the staff who act for them below.`,
  decline: (g) => `You declined the invitation from ${g.customer?.name || "the customer"}.`,
  revoke: (g) => {
    if (state.side === "partner") return `Your access to ${g.customer?.name || "the customer"} has ended.`;
    if (g.endReason === "invitation-withdrawn") return `The invitation to ${g.partner?.name || "the partner"} is withdrawn.`;
    return `${g.partner?.name || "The partner"} no longer has access to ${g.customer?.name || "your account"}.`;
  },
};

const busyText = { accept: "Accepting…", decline: "Declining…", revoke: "Ending…" };

async function act(g, button, action) {
  busy(button, true, busyText[action]);
  try {
    const { data } = await post(`/v1/partner-access/${encodeURIComponent(g.id)}/${action}`, {});
    busy(button, false);
    replaceGrant(data);
    if (action === "accept") state.open.add(g.id);
    renderGrants();
    result(doneText[action](data || g));
  } catch (err) {
    busy(button, false);
    if (leaving(err)) return;
    const status = $(`grant-${g.id}-status`);
    // A grant that changed meanwhile (answered, revoked, expired) is shown as it is now.
    if (err instanceof ApiError && (err.status === 409 || err.status === 410)) await refresh();
    const box = $(`grant-${g.id}-status`) || status;
    if (box) {
      box.textContent = err.message;
      box.dataset.tone = "error";
    }
    (document.getElementById(`grant-${g.id}-name`) || button).focus();
  }
}

// switchAutoExtend turns the grant's auto-extend the other way: nothing is lost (it can be turned back while the
// grant lasts), so it asks no question.
async function switchAutoExtend(g, button) {
  busy(button, true, "Saving…");
  try {
    const data = await setAutoExtend(g, !g.autoExtend);
    busy(button, false);
    replaceGrant(data);
    renderGrants();
    result(autoExtendDone(data || g));
  } catch (err) {
    busy(button, false);
    if (leaving(err)) return;
    if (err instanceof ApiError && err.status === 409) await refresh();
    const box = $(`grant-${g.id}-status`);
    if (box) {
      box.textContent = err.message;
      box.dataset.tone = "error";
    }
    (document.getElementById(`grant-${g.id}-name`) || button).focus();
  }
}

// refresh reads the first page again, keeping the page where it is.
async function refresh() {
  try {
    const { data } = await get(listPath());
    state.grants = Array.isArray(data?.grants) ? data.grants : [];
    state.next = data?.next || null;
    renderGrants();
    $("load-more").hidden = !state.next;
  } catch (err) {
    if (!leaving(err)) showAlert($("page-alert"), `Could not reload: ${err.message}`);
  }
}
