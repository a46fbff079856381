// partner-invite.js runs the page a partner's share link opens (/partner-invite#<token>): the person signs in
// first if they have not (the sign-in page brings them back here), the page asks the API whom the link invites
// (GET /v1/share-links/{token}) and asks the person to confirm, naming the partner. A person who administers
// several customer accounts picks one: the session moves there (POST /v1/sessions/current/account) before the
// invitation goes out (POST /v1/share-links/{token} {customerId, roles, durationDays or endsAt, autoExtend}), since a customer invites only from
// the account the session acts in. Then the customer's Support partners page shows the pending invitation.

import { ApiError, get, post } from "./api.js";
import { $, busy, clearErrors, dateTime, el, fieldError, nextKey, remember, showAlert, showView, takeNext } from "./ui.js";
import { leaving, signedIn } from "./session.js";
import { partnerIdText } from "./grant.js";
import { termForm } from "./grantterm.js";
import { checkedRoles, roleChoices, rolesText } from "./grantroles.js";

const state = { token: "", me: null, info: null, customers: [] };

$("retry").addEventListener("click", start);
$("confirm-form").addEventListener("submit", confirm);
const term = termForm({ duration: $("duration"), endsField: $("ends-field"), ends: $("ends"), autoExtend: $("auto-extend") });

start();

async function start() {
  showView("loading", { focus: false });
  state.token = location.hash.slice(1);
  if (!/^[A-Za-z0-9._~-]+$/.test(state.token)) {
    problem("This link is incomplete", "The address lacks the part that names the partner. Open the link again from the partner's message, or ask the partner for a new one.");
    return;
  }
  // Whoever is not signed in is sent to sign in; the sign-in page comes back here afterwards.
  remember(nextKey, `/partner-invite#${state.token}`);
  try {
    state.me = await signedIn();
    takeNext(); // signed in already: nothing to come back to
    const { data } = await get(linkPath());
    state.info = data || {};
    render();
  } catch (err) {
    if (leaving(err)) return;
    if (err instanceof ApiError && ["link-invalid", "link-expired", "partner-not-found"].includes(err.slug)) {
      const titles = { "link-expired": "This link has expired", "partner-not-found": "This partner cannot be invited" };
      problem(titles[err.slug] || "This link does not work", err.detail || err.message);
      return;
    }
    $("failed-alert").textContent = err.message;
    showView("failed");
  }
}

function linkPath() {
  return `/v1/share-links/${encodeURIComponent(state.token)}`;
}

function problem(title, text) {
  $("problem-title").textContent = title;
  $("problem-text").textContent = text;
  document.title = `${title} · PartnerHub`;
  showView("problem");
}

// customersOf lists the customer accounts the user administers (support staff of a partner do not choose a
// customer's partners), the current one first.
function customersOf(me) {
  const current = me.currentAccount?.id;
  const list = (Array.isArray(me.memberships) ? me.memberships : [])
    .filter((m) => m.accountKind === "customer" && Array.isArray(m.roles) && m.roles.includes("account-admin"))
    .map((m) => ({ id: m.accountId, name: m.accountName || m.accountId }));
  return list.sort((a, b) => (b.id === current) - (a.id === current) || a.name.localeCompare(b.name));
}

function render() {
  const partner = state.info.partner || {};
  const name = partner.name || "This partner";
  state.customers = customersOf(state.me);
  // The API names the current account when the session may invite from it: it wins over the memberships.
  const current = state.info.customer;
  if (current && !state.customers.some((c) => c.id === current.id)) state.customers.unshift({ id: current.id, name: current.name });
  if (!state.customers.length) {
    const who = state.me.user?.email || "this login";
    $("no-customer-text").textContent = `${name} asks to become a support partner of your company. Only an administrator of a customer account can accept that, and ${who} is not one. Sign out and sign in as your company's administrator, or forward the link to them.`;
    document.title = "Invite a support partner · PartnerHub";
    showView("no-customer");
    return;
  }

  $("confirm-heading").textContent = `Invite ${name} as a support partner?`;
  document.title = `Invite ${name} · PartnerHub`;
  $("partner-name").textContent = name;
  $("partner-id").textContent = partnerIdText(partner.partnerId) || "—";
  $("link-expiry").textContent = dateTime(state.info.expiresAt) || "—";
  const asked = Array.isArray(state.info.roles) && state.info.roles.length ? state.info.roles : ["support-staff"];
  $("confirm-intro").textContent = `${name} sent you this link. Once ${name} accepts, the staff it chooses can act in your account with the roles you approve (it asks for ${rolesText(asked)}). You decide how long: you can revoke that access at any time, and it ends at once.`;
  roleChoices($("roles"), "role", { names: asked, checked: asked });

  const several = state.customers.length > 1;
  $("customer-choice").hidden = !several;
  $("customer-one").hidden = several;
  if (several) {
    const chosen = current?.id || state.customers[0].id;
    $("customers").replaceChildren(...state.customers.map((c) => {
      const id = `customer-${c.id}`;
      return el("div", { className: "choice" },
        el("input", { type: "radio", name: "customer", id, value: c.id, checked: c.id === chosen }),
        el("label", { htmlFor: id }, c.name,
          c.id === state.me.currentAccount?.id ? el("span", { className: "choice-hint" }, "The account you are in now") : null));
    }));
  } else {
    $("customer-name").textContent = state.customers[0].name;
  }
  showView("confirm");
}

async function confirm(e) {
  e.preventDefault();
  const form = $("confirm-form");
  const alertBox = $("confirm-alert");
  clearErrors(form, alertBox);
  $("customer-choice-error").hidden = true;
  const picked = state.customers.length > 1 ? form.querySelector("input[name=customer]:checked")?.value : state.customers[0].id;
  if (!picked) {
    $("customer-choice-error").textContent = "Choose the account the partner should support.";
    $("customer-choice-error").hidden = false;
    form.querySelector("input[name=customer]")?.focus();
    return;
  }
  const roles = checkedRoles($("roles"));
  if (!roles.length) {
    $("roles-error").textContent = "Tick at least one role, or cancel.";
    $("roles-error").hidden = false;
    $("roles").querySelector("input")?.focus();
    return;
  }
  $("roles-error").hidden = true;
  const terms = term.read();
  if (terms.problem) {
    fieldError(terms.input, terms.problem);
    terms.input.focus();
    return;
  }
  const submit = $("confirm-submit");
  busy(submit, true, "Inviting…");
  try {
    if (picked !== state.me.currentAccount?.id) {
      await post("/v1/sessions/current/account", { accountId: picked });
      state.me.currentAccount = { ...state.me.currentAccount, id: picked };
    }
    const body = { customerId: picked, roles, ...terms.body };
    const { data } = await post(linkPath(), body);
    location.assign(`/partner-access?invited=${encodeURIComponent(data?.id || "")}`);
  } catch (err) {
    busy(submit, false);
    if (leaving(err)) return;
    const field = err instanceof ApiError && ["durationDays", "endsAt"].find((f) => err.fields[f]);
    if (field) {
      const input = field === "endsAt" ? $("ends") : $("duration");
      fieldError(input, err.fields[field].detail);
      input.focus();
      return;
    }
    showAlert(alertBox, err.message);
    if (err instanceof ApiError && err.slug === "grant-exists") {
      alertBox.append(" ", el("a", { href: "/partner-access" }, "See your Support partners page."));
    }
    alertBox.tabIndex = -1;
    alertBox.focus();
  }
}
