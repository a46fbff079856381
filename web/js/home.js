// home.js runs the signed-in home page: who you are, the account you act in, your accounts and what you may
// do there. session.js does what every signed-in page does first (sign-in check, first steps, branding,
// navigation, sign-out).

import { $, dateTime, el, kindTitles, roleTitle, showView, twoFactorText } from "./ui.js";
import { signedIn } from "./session.js";

// Permission names as people read them; they follow the catalog in pkg/role. A name the page does not know yet
// is shown as the API spells it.
const permissionTitles = {
  "accounts:view": "View accounts",
  "partners:create": "Create MSPs and partners",
  "customers:create": "Create customers",
  "prospects:create": "Create prospects",
  "accounts:edit": "Edit accounts",
  "accounts:disable": "Disable accounts",
  "customers:provision": "Provision customers",
  "hierarchy:act": "Act on the whole account tree",
  "users:view": "View users",
  "users:manage": "Manage users",
  "two-factor:manage": "Switch two-step sign-in for others",
  "branding:manage": "Manage branding",
  "branding:enable": "Enable branding for partners",
  "partner-access:manage": "Manage partner access",
  "audit:view": "View the audit log",
  "marketing:view": "Use the marketing tool",
  "marketing:grant": "Grant access to the marketing tool",
};

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
  render(me);
}

function render(me) {
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

  const perms = $("permissions");
  perms.replaceChildren();
  for (const p of Array.isArray(me.permissions) ? me.permissions : []) {
    const li = item(permissionTitles[p] || p);
    li.dataset.permission = p;
    perms.append(li);
  }
  if (!perms.children.length) perms.append(item("Nothing yet: ask your administrator for a role."));

  showView("home", { focus: false });
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
