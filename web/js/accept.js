// accept.js runs the membership invitation page, the link of the email an existing login gets when an
// administrator adds it to another account (<portal>/accept#<token>). It shows the invitation (public:
// GET /v1/memberships/{token}), then, depending on who is signed in in this browser: asks to sign in as the
// invited person (and comes back here afterwards), asks someone signed in as another person to sign out first,
// or lets the invited person accept (POST /v1/memberships/{token}). After that, one click moves the session to
// the new account (POST /v1/sessions/current/account).

import { linkFailed as failed, showLinkProblem } from "./linkproblem.js";
import { ApiError, del, get, post } from "./api.js";
import { $, busy, dateTime, kindTitles, nextKey, prefillKey, remember, roleTitle, showAlert, showView } from "./ui.js";
import { loadBrand, showBrand, titled } from "./brand.js";

const linkProblems = {
  "link-used": "This invitation has already been accepted",
  "link-expired": "This invitation has expired",
  "link-replaced": "This invitation was replaced by a newer one",
  "link-invalid": "This invitation link is not valid",
};

const state = { path: "", invitation: null, joined: null };

window.addEventListener("hashchange", () => location.reload());
$("signin").addEventListener("click", signIn);
$("switch-user").addEventListener("click", switchUser);
$("accept").addEventListener("click", accept);
$("go-joined").addEventListener("click", goToJoined);

start();

async function start() {
  const token = location.hash.replace(/^#/, "").trim();
  if (!token) {
    showLinkProblem("This link is incomplete", "Open the link from your invitation email again, making sure the whole link was copied.");
    loadBrand();
    return;
  }
  state.path = `/v1/memberships/${encodeURIComponent(token)}`;
  let inv;
  try {
    ({ data: inv } = await get(state.path));
  } catch (err) {
    linkFailed(err);
    loadBrand(); // the link's own answer has no brand: the one its address names, if any
    return;
  }
  state.invitation = inv || {};
  // Who is signed in here, if anyone: that decides what the page offers.
  let me = null;
  try {
    ({ data: me } = await get("/v1/me"));
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 401) {
      showAlert($("invitation-alert"), `We could not check who is signed in: ${err.message}`);
    }
  }
  show(state.invitation, me);
}

function linkFailed(err) {
  failed(err, { titles: linkProblems, unusable: "This invitation cannot be used", fallback: "Ask the person who invited you for a new one.", what: "invitation" });
}

function show(inv, me) {
  showBrand(inv.branding);
  const account = inv.accountName || "an account";
  const kind = kindTitles[inv.accountKind] || inv.accountKind || "";
  const by = inv.invitedBy?.name ? `${inv.invitedBy.name}${inv.invitedBy.accountName ? ` (${inv.invitedBy.accountName})` : ""}` : "";
  $("invitation-title").textContent = `Join ${account}`;
  $("invitation-text").textContent = `${by || "An administrator"} invited ${inv.name || "you"} to work in ${account}${kind ? `, a ${kind.toLowerCase()} account` : ""}, with your existing PartnerHub login.`;
  $("inv-account").textContent = kind ? `${account} (${kind})` : account;
  const roles = (Array.isArray(inv.roles) ? inv.roles : []).map((r) => r?.title || roleTitle(r?.name || r));
  $("inv-roles").textContent = roles.join(", ") || "—";
  $("inv-email").textContent = inv.email || "—";
  $("inv-expires").textContent = dateTime(inv.expiresAt) || "—";
  for (const s of document.querySelectorAll("[data-invited-email]")) s.textContent = inv.email || "the invited address";
  $("accept").textContent = `Accept and join ${account}`;
  titled(`Join ${account}`);

  const email = String(inv.email || "").toLowerCase();
  const signedInAs = String(me?.user?.email || "");
  $("need-signin").hidden = Boolean(me);
  $("wrong-user").hidden = !me || signedInAs.toLowerCase() === email;
  $("can-accept").hidden = !me || signedInAs.toLowerCase() !== email;
  $("signed-in-as").textContent = signedInAs;
  showView("invitation", { focus: false });
  (me ? (signedInAs.toLowerCase() === email ? $("accept") : $("switch-user")) : $("signin")).focus();
}

// signIn goes to the sign-in page with the invited address filled in; it comes back here afterwards.
function signIn() {
  remember(nextKey, `/accept${location.hash}`);
  remember(prefillKey, state.invitation?.email || "");
  location.assign("/signin");
}

async function switchUser() {
  const button = $("switch-user");
  busy(button, true, "Signing out…");
  try {
    await del("/v1/sessions/current");
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 401) {
      busy(button, false);
      showAlert($("invitation-alert"), `Signing out failed: ${err.message}`);
      return;
    }
  }
  signIn();
}

async function accept() {
  const button = $("accept");
  showAlert($("invitation-alert"), "");
  busy(button, true, "Joining…");
  try {
    const { data } = await post(state.path, {});
    state.joined = data || {};
    const name = state.joined.accountName || state.invitation.accountName || "the account";
    const roles = (state.joined.roles || []).map(roleTitle).join(", ");
    $("joined-title").textContent = `You joined ${name}`;
    $("joined-text").textContent = `${name} is now one of your accounts${roles ? `, where you are ${roles}` : ""}. Switch between your accounts with the account menu in the header.`;
    $("go-joined").textContent = `Switch to ${name} now`;
    titled(`You joined ${name}`);
    showView("joined");
  } catch (err) {
    busy(button, false);
    if (err instanceof ApiError && err.status === 401) {
      signIn();
      return;
    }
    if (err instanceof ApiError && (err.status === 404 || err.status === 410)) {
      linkFailed(err);
      return;
    }
    showAlert($("invitation-alert"), err.message);
  }
}

async function goToJoined() {
  const button = $("go-joined");
  busy(button, true, "Switching…");
  try {
    await post("/v1/sessions/current/account", { accountId: state.joined.accountId });
    location.assign("/");
  } catch (err) {
    busy(button, false);
    if (err instanceof ApiError && err.status === 401) {
      location.assign("/signin");
      return;
    }
    showAlert($("joined-alert"), `Could not switch: ${err.message}`);
  }
}
