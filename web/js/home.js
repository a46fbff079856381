// home.js runs the signed-in home page: what needs the attention of the account you act in (GET
// /v1/accounts/{id}/attention, each item a link to the page that acts on it), who you are, the account and your
// accounts. session.js does what every signed-in page does first (sign-in check, first steps, branding,
// navigation, sign-out).

import { $, announce, busy, dateTime, el, formatCount, kindTitles, plural, roleTitle, showView, twoFactorText } from "./ui.js";
import { get, post } from "./api.js";
import { signedIn } from "./session.js";
import { actionTitle } from "./auditactions.js";

$("retry").addEventListener("click", load);
load();

async function load() {
  showView("loading", { focus: false });
  let me;
  try {
    me = await signedIn();
  } catch (err) {
    $("failed-alert").textContent = err.message;
    showView("failed");
    return;
  }
  await render(me);
}

// render fills the page and shows it once what needs attention has arrived too, so that everything appears at
// once: a section that arrived later would push the rest of the page down while the person reads it.
async function render(me) {
  const user = me.user || {};
  const account = me.currentAccount || {};
  const name = user.name || user.email || "there";
  $("welcome").textContent = `Welcome, ${name}`;
  document.title = `${account.name ? `${account.name} · ` : ""}PartnerHub`;
  text("me-name", user.name);
  text("me-email", user.email);
  text("me-status", capitalise(user.status));
  text("me-two-factor", twoFactorText(user.twoFactor));
  text("me-last-login", dateTime(user.lastLoginAt) || "This is your first sign-in.");

  const memberships = Array.isArray(me.memberships) ? me.memberships : [];
  const current = memberships.find((m) => m.accountId === account.id) || memberships[0] || {};
  text("account-name", account.name || current.accountName);
  text("account-kind", kindTitles[account.kind || current.accountKind] || account.kind);
  text("account-status", capitalise(account.status));
  text("account-roles", roleNames(current.roles).join(", ") || "No roles");

  const list = $("memberships");
  list.replaceChildren();
  for (const m of memberships) {
    const li = document.createElement("li");
    const title = document.createElement("strong");
    title.textContent = m.accountName || m.accountId || "Account";
    const meta = document.createElement("span");
    meta.className = "muted";
    meta.textContent = [kindTitles[m.accountKind] || m.accountKind, roleNames(m.roles).join(", ")].filter(Boolean).join(" · ");
    li.append(title, meta);
    if (m.accountId && m.accountId === account.id) {
      const badge = document.createElement("span");
      badge.className = "badge";
      badge.textContent = "Current";
      li.append(badge);
    }
    list.append(li);
  }
  if (!memberships.length) list.append(item("You are not a member of any account."));

  if (account.id) await loadAttention(account.id);
  showView("home", { focus: false });
}

// loadAttention reads what needs the account's attention and shows each section the caller may see.
async function loadAttention(accountId) {
  let data;
  try {
    ({ data } = await get(`/v1/accounts/${encodeURIComponent(accountId)}/attention`));
  } catch (err) {
    $("attention-loading").hidden = true;
    $("attention-alert").textContent = `We could not find what needs your attention: ${err.message}`;
    $("attention-alert").hidden = false;
    return;
  }
  $("attention-loading").hidden = true;
  renderCounts(data.counts, data.kind);
  renderActivations(data.activations);
  section("att-undeliverable", data.undeliverable, "No email to your users has bounced or failed.", (u) =>
    el("li", { dataset: { userId: u.id } }, el("a", { href: `/users?q=${encodeURIComponent(u.email)}` }, u.name || u.email),
      ` (${u.email}): `, emailStatusTitles[u.emailStatus] || u.emailStatus));
  section("att-answers", data.answers, "No partner access invitation waits for your answer.", (g) =>
    el("li", { dataset: { grantId: g.id } }, el("a", { href: "/partner-access" }, `${g.other} invites you to support them`),
      g.expiresAt ? ` (answer by ${dateTime(g.expiresAt)})` : ""));
  section("att-ending", data.endingSoon, "No partner access ends within 7 days.", (g) =>
    el("li", { dataset: { grantId: g.id } }, el("a", { href: "/partner-access" }, `Partner access with ${g.other}`),
      ` ends ${dateTime(g.endsAt)}`));
  section("att-audit", data.audit, "Nothing has happened here yet.", (e) =>
    el("li", { dataset: { eventId: e.id } }, el("a", { href: auditLink(e) }, actionTitle(e.action)), ` · ${dateTime(e.at)}`));
}

// emailStatusTitles say what the email service reported about an address, or that the activation email could not
// be sent.
const emailStatusTitles = {
  bounced: "the email bounced", complained: "the email was marked as spam", failed: "the activation email could not be sent",
};

// section fills a list of items, or says that there are none; a section the caller may not see (null) stays hidden.
function section(id, sec, empty, row) {
  if (!sec) return;
  const items = Array.isArray(sec.items) ? sec.items : [];
  const list = $(`${id}-list`);
  list.replaceChildren(...items.map(row));
  if (!items.length) list.append(el("li", { className: "muted" }, empty));
  else if (sec.more || (sec.total || 0) > items.length) list.append(el("li", { className: "muted" }, "And more."));
  $(id).hidden = false;
}

// belowKinds are the kinds of account that can sit below an account of each kind.
const belowKinds = {
  provider: ["msps", "partners", "customers", "prospects"], msp: ["partners", "customers", "prospects"], partner: ["customers", "prospects"], customer: [],
};

// renderCounts shows the subtree's counts of the kinds that can sit below the account, each a link to the tree.
function renderCounts(counts, kind) {
  if (!counts) return;
  const kinds = belowKinds[kind] || belowKinds.provider;
  const rows = [["msps", "MSP"], ["partners", "partner"], ["customers", "customer"], ["prospects", "prospect"], ["endpoints", "endpoint"],
    ["disabled", "disabled account"]]
    .filter(([key]) => !["msps", "partners", "customers", "prospects"].includes(key) || kinds.includes(key));
  $("att-counts-list").replaceChildren(...rows.map(([key, word]) => el("li", { dataset: { count: key } },
    el("a", { href: "/partners" }, `${formatCount(counts[key] || 0)} ${counts[key] === 1 ? word : `${word}s`}`))));
  $("att-counts").hidden = false;
}

// renderActivations lists the users invited and not registered, with a button that resends their links.
function renderActivations(sec) {
  section("att-activations", sec, "No one is waiting to register.", (u) =>
    el("li", { dataset: { userId: u.id } },
      el("a", { href: `/users?status=unregistered&q=${encodeURIComponent(u.email)}` }, u.name || u.email),
      ` (${u.email})`, u.linkExpired ? " · link expired" : ""));
  if (!sec) return;
  const items = Array.isArray(sec.items) ? sec.items : [];
  $("att-activations-summary").textContent = items.length
    ? `${plural(sec.total || items.length, "user")}${sec.more ? " or more" : ""} invited; ${plural(sec.expired || 0, "link")} expired.`
    : "";
  const button = $("att-resend");
  button.hidden = items.length === 0;
  button.textContent = `Resend activation links to the ${plural(items.length, "user")} listed`;
  button.onclick = () => resend(button, items);
}

// resend sends new activation links to the listed users (POST /v1/activation-emails) and says how many went out.
async function resend(button, items) {
  const box = $("att-resend-result");
  busy(button, true, "Sending…");
  try {
    const { data } = await post("/v1/activation-emails", { userIds: items.map((u) => u.id) });
    const results = Array.isArray(data?.results) ? data.results : [];
    const sent = results.filter((r) => r.status === "sent").length;
    box.textContent = `Activation links: ${sent} of ${plural(results.length, "user")} sent.`;
    box.dataset.tone = sent === results.length ? "success" : "info";
  } catch (err) {
    box.textContent = `The activation links were not sent: ${err.message}`;
    box.dataset.tone = "error";
  }
  busy(button, false);
  box.hidden = false;
  box.focus();
  announce(box.textContent);
}

// auditLink is the audit log narrowed to what an event is about: every event of its target.
function auditLink(e) {
  return e.targetId ? `/audit?target=${encodeURIComponent(e.targetId)}` : "/audit";
}

function roleNames(roles) {
  return (Array.isArray(roles) ? roles : []).map((r) => (typeof r === "string" ? roleTitle(r) : r?.title || roleTitle(r?.name))).filter(Boolean);
}

function text(id, value) {
  $(id).textContent = value || "—";
}

function item(t) {
  return el("li", {}, t);
}

function capitalise(s) {
  return typeof s === "string" && s ? s[0].toUpperCase() + s.slice(1) : "";
}
