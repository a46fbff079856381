// session.js is what every signed-in page does first: ask the API who is signed in (GET /v1/me), send anyone
// who is not to /signin and anyone with first sign-in steps still to take to /steps, apply the partner's
// branding, show the main navigation for what the user may do, and wire the sign-out button.

import { ApiError, del, get } from "./api.js";
import { $, applyBranding, showAlert } from "./ui.js";

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
    location.replace("/steps");
    return never();
  }
  applyBranding(me.branding);
  showNav(me);
  wireSignOut();
  return me;
}

// leaving handles the answers that end the page: a session that ended (401) goes to sign-in, steps that became
// pending (403 pending-step) to the steps page. It reports whether the browser is leaving.
export function leaving(err) {
  if (!(err instanceof ApiError)) return false;
  if (err.status === 401) {
    location.replace("/signin");
    return true;
  }
  if (err.status === 403 && err.slug === "pending-step") {
    location.replace("/steps");
    return true;
  }
  return false;
}

// pendingSteps lists the first sign-in steps still to take ("license", "profile").
export function pendingSteps(me) {
  return (Array.isArray(me.pendingSteps) ? me.pendingSteps : []).filter((s) => typeof s === "string" && s);
}

// can reports whether the session's roles grant a permission in the current account.
export function can(me, permission) {
  return Array.isArray(me.permissions) && me.permissions.includes(permission);
}

// showNav reveals the links of the main navigation (nav[data-nav-main]) that the user can use, and marks the
// current page's link with aria-current.
export function showNav(me) {
  const nav = document.querySelector("[data-nav-main]");
  if (!nav) return;
  const kind = me.currentAccount?.kind || "";
  const show = {
    home: true,
    partners: kind !== "customer" && can(me, "accounts:view"),
    branding: (kind === "msp" || kind === "partner") && can(me, "branding:manage"),
  };
  const page = document.body.dataset.page || "";
  for (const link of nav.querySelectorAll("a[data-nav]")) {
    const name = link.dataset.nav;
    link.closest("li").hidden = !show[name];
    if (name === page) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
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
