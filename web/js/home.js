// home.js runs the signed-in page: it asks the API who is signed in (GET /v1/me), sends anyone who is not to
// /signin, and shows the user, the account they act in, their roles, accounts and permissions.

import { ApiError, del, get } from "./api.js";
import { $, applyBranding, dateTime, showAlert, showView } from "./ui.js";
import { pendingSteps, showNav } from "./session.js";

// Role and permission names as people read them; they follow the catalog in pkg/role. A name the page does not
// know yet is shown as the API spells it.
const roleTitles = {
  "super-admin": "Super administrator",
  "account-admin": "Administrator",
  "msp-accounts": "Accounts",
  "msp-prospects": "Prospects",
  "implementation-lead": "Implementation lead",
  "partner-marketing": "Partner marketing",
  "partner-marketing-admin": "Partner marketing administrator",
  "read-only": "Read-only",
  "account-actions-control": "Account Actions Control",
};

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

const kindTitles = { provider: "Platform provider", msp: "MSP", partner: "Partner", customer: "Customer" };

const stepTitles = {
  "set-security-question": "Choose a security question.",
  "change-password": "Choose a new password.",
  "verify-mobile": "Verify your mobile number.",
};

$("signout").addEventListener("click", signOut);
$("retry").addEventListener("click", load);
load();

async function load() {
  showView("loading", { focus: false });
  try {
    const { data } = await get("/v1/me");
    render(data || {});
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      location.replace("/signin");
      return;
    }
    $("failed-alert").textContent = err.message;
    showView("failed");
  }
}

function render(me) {
  // First sign-in steps (license, company profile) come before anything else.
  if (pendingSteps(me).length) {
    location.replace("/steps");
    return;
  }
  const user = me.user || {};
  const account = me.currentAccount || {};
  applyBranding(me.branding);
  showNav(me);

  const name = user.name || user.email || "there";
  $("welcome").textContent = `Welcome, ${name}`;
  document.title = `${account.name ? `${account.name} · ` : ""}PartnerHub`;
  text("me-name", user.name);
  text("me-email", user.email);
  text("me-status", capitalise(user.status));
  text("me-two-factor", twoFactor(user.twoFactor));
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

  const steps = Array.isArray(me.pendingSteps) ? me.pendingSteps : [];
  const stepList = $("pending-steps");
  stepList.replaceChildren(...steps.map((s) => item(typeof s === "string" ? stepTitles[s] || s : s?.title || s?.step || "")));
  $("pending").hidden = steps.length === 0;

  $("signout").hidden = false;
  showView("home", { focus: false });
}

function roleNames(roles) {
  return (Array.isArray(roles) ? roles : []).map((r) => {
    if (typeof r === "string") return roleTitles[r] || r;
    return r?.title || roleTitles[r?.name] || r?.name || "";
  }).filter(Boolean);
}

function twoFactor(tf) {
  if (tf === undefined || tf === null) return "";
  if (typeof tf === "boolean") return tf ? "On" : "Off";
  if (typeof tf === "string") return capitalise(tf);
  if (tf.enabled === false) return "Off";
  const method = { email: "code by email", sms: "code by text message", totp: "authenticator app" }[tf.method];
  return method ? `On: ${method}` : "On";
}

function text(id, value) {
  $(id).textContent = value || "—";
}

function item(t) {
  const li = document.createElement("li");
  li.textContent = t;
  return li;
}

function capitalise(s) {
  return typeof s === "string" && s ? s[0].toUpperCase() + s.slice(1) : "";
}

async function signOut() {
  const button = $("signout");
  button.disabled = true;
  try {
    await del("/v1/sessions/current");
  } catch (err) {
    // A session that already ended (401) is as good as signed out.
    if (!(err instanceof ApiError) || err.status !== 401) {
      button.disabled = false;
      showAlert($("home-alert"), `Signing out failed: ${err.message}`);
      return;
    }
  }
  location.replace("/signin");
}
