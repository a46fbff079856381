// session.js is what every signed-in page does first: ask the API who is signed in (GET /v1/me), send anyone
// who is not to /signin and anyone with first sign-in steps still to take to /steps, apply the partner's
// branding, show the main navigation for what the user may do, the account switcher when the user belongs to
// more than one account, and wire the sign-out button.

import { ApiError, del, get, post } from "./api.js";
import { $, applyBranding, el, kindTitles, roleTitle, showAlert, showView, signInAddress, stepsAddress } from "./ui.js";

// never is a promise that does not settle: what a page awaits while the browser leaves for another page.
const never = () => new Promise(() => {});

// signedIn resolves to the /v1/me answer. With steps set, a user with pending steps may stay (the steps page).
export async function signedIn({ steps = false } = {}) {
  let me;
  try {
    ({ data: me } = await get("/v1/me"));
  } catch (err) {
    if (leaving(err)) return never();
    throw err;
  }
  me = me || {};
  if (!steps && pendingSteps(me).length) {
    location.replace(stepsAddress());
    return never();
  }
  applyBranding(me.branding);
  showNav(me);
  wireSignOut();
  showLeftNotice();
  return me;
}

// startPage opens a signed-in page: the loading view, then signedIn (with steps, as signedIn takes it), then —
// when the person's roles allow permission (if one is given; else the denied view) — open(me), which fills the
// page and shows it. A failure that does not end the page shows the failed view with its message; the failed
// view's Retry (#retry) runs it all again; failed(err), if given, may show a failure its own way first (it answers
// true when it did). It answers the run's promise.
export function startPage({ permission = "", steps = false, open, failed }) {
  const run = async () => {
    showView("loading", { focus: false });
    try {
      const me = await signedIn({ steps });
      if (permission && !can(me, permission)) {
        showView("denied", { focus: false });
        return;
      }
      await open(me);
    } catch (err) {
      if (leaving(err) || failed?.(err)) return;
      $("failed-alert").textContent = err.message;
      showView("failed");
    }
  };
  $("retry").addEventListener("click", run);
  return run();
}

// leaving handles the answers that end the page: a session that ended (401) goes to sign-in, steps that became
// pending (403 pending-step) to the steps page, access to the current account that ended (403 access-ended: a
// customer revoked its support partner) to the start page in the person's own account, which says why. It
// reports whether the browser is leaving.
export function leaving(err) {
  if (!(err instanceof ApiError)) return false;
  if (err.status === 401) {
    // Sign-in brings the person back to this very address (?next=) once signed in.
    location.replace(signInAddress());
    return true;
  }
  if (err.status === 403 && err.slug === "access-ended") {
    backHome(err);
    return true;
  }
  if (err.status === 403 && err.slug === "pending-step") {
    location.replace(stepsAddress());
    return true;
  }
  return false;
}

// noticeKey is where a page that is leaving keeps, for the page it goes to, what to tell the person there.
const noticeKey = "partnerhub.notice";

// backHome takes a person whose access to the current account ended back to their own account and its start
// page, with the server's words for why. The API has already moved the session home when it answered
// access-ended; should the session still be acting in an account as a support partner's staff member, the switch
// here takes it to their own.
async function backHome(err) {
  const text = err.detail || "Your access to that account has ended. You are back in your own account.";
  try {
    sessionStorage.setItem(noticeKey, text);
  } catch {
    // Without storage the person still lands in their own account, only without the words.
  }
  try {
    const { data: me } = await get("/v1/me");
    const home = isSupportStaff(me || {}) ? homeAccountOf(me) : "";
    if (home) await post("/v1/sessions/current/account", { accountId: home });
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      location.replace("/signin");
      return;
    }
    // Anything else: the start page asks again and shows what it gets.
  }
  location.replace("/");
}

// homeAccountOf is the person's own account: the first of their memberships that is not a support partner's
// staff membership, or "".
function homeAccountOf(me) {
  const list = Array.isArray(me?.memberships) ? me.memberships : [];
  const own = list.find((m) => !(Array.isArray(m.roles) && m.roles.includes("support-staff")));
  return own?.accountId || "";
}

// showLeftNotice shows, once, at the top of the page's main content, what the page the person came from left to
// tell them (backHome): a polite live region, filled after it is in the page so that screen readers read it.
function showLeftNotice() {
  let text = "";
  try {
    text = sessionStorage.getItem(noticeKey) || "";
    sessionStorage.removeItem(noticeKey);
  } catch {
    return;
  }
  const main = document.querySelector("main");
  if (!text || !main || $("left-notice")) return;
  const box = el("div", { id: "left-notice", className: "notice", role: "status", dataset: { tone: "info" } });
  main.prepend(box);
  requestAnimationFrame(() => {
    box.textContent = text;
  });
}

// pendingSteps lists the first sign-in steps still to take ("license", "profile").
export function pendingSteps(me) {
  return (Array.isArray(me.pendingSteps) ? me.pendingSteps : []).filter((s) => typeof s === "string" && s);
}

// can reports whether the session's roles grant a permission in the current account.
export function can(me, permission) {
  return Array.isArray(me.permissions) && me.permissions.includes(permission);
}

// navItems are the main navigation's links, in order: the one list of them. Pages carry an empty
// nav[data-nav-main] and showNav fills it.
const navItems = [
  { name: "home", href: "/", title: "Home" },
  { name: "partners", href: "/partners", title: "Partners" },
  { name: "users", href: "/users", title: "Users" },
  { name: "partner-access", href: "/partner-access", title: "Partner access" },
  { name: "branding", href: "/branding", title: "Branding" },
  { name: "audit", href: "/audit", title: "Audit log" },
  { name: "security", href: "/security", title: "Security" },
];

// showNav reveals the links of the main navigation (nav[data-nav-main]) that the user can use, marks the
// current page's link with aria-current, and shows the account switcher.
export function showNav(me) {
  showSwitcher(me);
  const nav = document.querySelector("[data-nav-main]");
  if (!nav) return;
  addMissingLinks(nav);
  const kind = me.currentAccount?.kind || "";
  const show = {
    home: true,
    partners: kind !== "customer" && can(me, "accounts:view"),
    users: can(me, "users:view"),
    branding: (kind === "msp" || kind === "partner") && can(me, "branding:manage"),
    audit: can(me, "audit:view"),
    security: true,
    "partner-access": partnerAccessTitle(me) !== "",
  };
  const page = document.body.dataset.page || "";
  for (const link of nav.querySelectorAll("a[data-nav]")) {
    const name = link.dataset.nav;
    // Links this file does not know (added by a page for itself) are the page's to show.
    if (name in show) link.closest("li").hidden = !show[name];
    if (name === page) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  // The partner access page is "Support partners" for a customer and "Customer access" for a partner.
  const access = nav.querySelector('a[data-nav="partner-access"]');
  if (access && show["partner-access"]) access.textContent = partnerAccessTitle(me);
  nav.hidden = false;
}

// wireSignOut makes the page's #signout button end the session, once.
function wireSignOut() {
  const button = $("signout");
  if (!button || button.dataset.wired) return;
  button.dataset.wired = "1";
  button.hidden = false;
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await del("/v1/sessions/current");
    } catch (err) {
      // A session that already ended (401) is as good as signed out.
      if (!(err instanceof ApiError) || err.status !== 401) {
        button.disabled = false;
        const box = document.querySelector("[data-page-alert]");
        if (box) showAlert(box, `Signing out failed: ${err.message}`);
        return;
      }
    }
    location.replace("/signin");
  });
}

// addMissingLinks puts the links of navItems that the page's navigation lacks in their place (all of them, on a
// page whose list is empty).
function addMissingLinks(nav) {
  const list = nav.querySelector("ul");
  if (!list) return;
  let before = null;
  for (const item of [...navItems].reverse()) {
    const link = list.querySelector(`a[data-nav="${item.name}"]`);
    if (link) {
      before = link.closest("li");
      continue;
    }
    const li = el("li", { hidden: true }, el("a", { href: item.href, dataset: { nav: item.name } }, item.title));
    list.insertBefore(li, before);
    before = li;
  }
}

// showSwitcher puts the account switcher in the header when the user belongs to more than one account: a
// button naming the current account that opens the list of the user's accounts; choosing one moves the session
// there (POST /v1/sessions/current/account) and reloads the page, which then shows that account.
export function showSwitcher(me) {
  const bar = document.querySelector(".topbar");
  const memberships = Array.isArray(me.memberships) ? me.memberships : [];
  if (!bar || memberships.length < 2 || $("account-switcher")) return;
  const current = me.currentAccount || {};
  const items = memberships.map((m) => {
    const here = m.accountId === current.id;
    const roles = (Array.isArray(m.roles) ? m.roles : []).map(roleTitle).join(", ");
    const button = el("button", { type: "button", className: "switcher-item", dataset: { account: m.accountId }, "aria-current": here ? "true" : null },
      el("span", { className: "switcher-item-name" }, m.accountName || m.accountId),
      el("span", { className: "switcher-item-meta" }, [kindTitles[m.accountKind] || m.accountKind, roles, here ? "current" : ""].filter(Boolean).join(" · ")));
    return el("li", {}, button);
  });
  const status = el("p", { id: "account-switch-status", className: "switcher-status", role: "alert", hidden: true });
  const menu = el("div", { id: "account-menu", className: "switcher-menu", hidden: true },
    el("p", { className: "switcher-title", id: "account-menu-title" }, "Switch to another account"),
    el("ul", { "aria-labelledby": "account-menu-title" }, items), status);
  const toggle = el("button", { type: "button", id: "account-switcher", className: "switcher-button", "aria-expanded": "false", "aria-controls": "account-menu" },
    el("span", { className: "sr-only" }, "Account: "),
    el("span", { className: "switcher-name" }, current.name || "Account"),
    el("span", { className: "switcher-caret", "aria-hidden": "true" }, "▾"));
  const box = el("div", { className: "switcher", dataset: { switcher: "" } }, toggle, menu);

  // The switcher and sign-out sit together on the right of the header.
  let actions = bar.querySelector(".topbar-actions");
  if (!actions) {
    actions = el("div", { className: "topbar-actions" });
    const signout = $("signout");
    bar.append(actions);
    if (signout) actions.append(signout);
  }
  actions.prepend(box);

  const open = (yes) => {
    menu.hidden = !yes;
    toggle.setAttribute("aria-expanded", String(yes));
  };
  toggle.addEventListener("click", () => {
    const opening = menu.hidden;
    open(opening);
    if (opening) (menu.querySelector("button:not([aria-current])") || menu.querySelector("button"))?.focus();
  });
  box.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && !menu.hidden) {
      open(false);
      toggle.focus();
    }
  });
  box.addEventListener("focusout", (e) => {
    if (!box.contains(e.relatedTarget)) open(false);
  });
  document.addEventListener("click", (e) => {
    if (!box.contains(e.target)) open(false);
  });
  menu.addEventListener("click", async (e) => {
    const button = e.target.closest("button[data-account]");
    if (!button) return;
    if (button.getAttribute("aria-current") === "true") {
      open(false);
      toggle.focus();
      return;
    }
    for (const b of menu.querySelectorAll("button")) b.disabled = true;
    button.setAttribute("aria-busy", "true");
    status.hidden = true;
    try {
      await post("/v1/sessions/current/account", { accountId: button.dataset.account });
      location.reload();
    } catch (err) {
      if (leaving(err)) return;
      for (const b of menu.querySelectorAll("button")) b.disabled = false;
      button.removeAttribute("aria-busy");
      status.textContent = `Could not switch: ${err.message}`;
      status.hidden = false;
      button.focus();
    }
  });
}

// partnerAccessTitle names the partner access page for the current account — "Support partners" for a customer,
// "Customer access" for an MSP or a partner — or is "" when the page is not for this session: the provider, a
// support partner's staff acting in a customer (only the customer's own people choose its partners), or a role
// that may not even view the account.
export function partnerAccessTitle(me) {
  const kind = me.currentAccount?.kind || "";
  if (!["customer", "msp", "partner"].includes(kind) || isSupportStaff(me)) return "";
  if (!can(me, "partner-access:manage") && !can(me, "accounts:view")) return "";
  return kind === "customer" ? "Support partners" : "Customer access";
}

// isSupportStaff reports whether the session acts in the current account as a support partner's staff member.
export function isSupportStaff(me) {
  const id = me.currentAccount?.id;
  const m = (Array.isArray(me.memberships) ? me.memberships : []).find((x) => x.accountId === id);
  return Array.isArray(m?.roles) && m.roles.includes("support-staff");
}
