// userstatus.js is the users page's status check (GET /v1/users/{id}/status): whether the person registered,
// their last sign-in and its last error, a lock, their two-step sign-in, the last activation email and what
// became of it, and their accounts. From it an administrator sends a new activation link, and a super
// administrator switches two-step sign-in on or off for the person (PUT /v1/users/{id}/two-factor) or, after a
// confirm, ends every session of the person (DELETE /v1/users/{id}/sessions).

import { del, get, post, put } from "./api.js";
import { $, announce, busy, dateTime, el, kindTitles, roleTitle, showAlert, twoFactorText } from "./ui.js";
import { leaving } from "./session.js";

// Last sign-in errors (user.Err*) in words.
export const loginErrors = {
  wrong_password: "Wrong password",
  wrong_code: "Wrong code",
  expired_code: "Expired code",
  locked: "Locked after too many failed attempts",
  disabled: "Access removed",
  wrong_security_answer: "Wrong security answer",
};

// What became of an activation email (member.Email*), in words.
const deliveries = {
  sent: "Sent",
  pending: "Being sent",
  failed: "Could not be delivered",
  unknown: "Sent; its delivery is no longer on record",
};

// What the email service last reported about an address (member.EmailStatus), in words: a badge for the two
// reports that stop activation emails (an icon for decoration, the words carry the meaning), and the fact line.
const emailStates = {
  bounced: { icon: "!", badge: "Email bounced", fact: "Bounced: the address does not exist or refuses mail. Correct it before sending a new link." },
  complained: { icon: "!", badge: "Complained", fact: "Marked our email as spam. No email is sent to this address until it changes." },
  delivered: { icon: "✓", badge: "", fact: "Delivered" },
};

// emailBadge is the badge of an address that bounced or complained, or null: the users list shows it next to the
// address, and the status check under it.
export function emailBadge(status) {
  const s = status && emailStates[status.status];
  if (!s || !s.badge) return null;
  const when = dateTime(status.at);
  return el("span", { className: "email-badge", dataset: { emailStatus: status.status }, title: status.reason || "" },
    el("span", { className: "email-badge-icon", "aria-hidden": "true" }, s.icon),
    s.badge, when ? el("span", { className: "sr-only" }, `, ${when}`) : null);
}

// createStatusCheck wires the dialog. manage says the caller may change users here, superAdmin that it may
// switch two-step sign-in; onEdit(row, from) opens the edit form.
export function createStatusCheck({ manage, superAdmin, onEdit }) {
  const dialog = $("status-dialog");
  let row = null;
  let check = null;
  let returnTo = null;

  $("status-close").addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => !dialog.open && returnTo?.isConnected && returnTo.focus());
  $("status-edit").addEventListener("click", () => {
    const r = row;
    const from = returnTo;
    returnTo = null;
    dialog.close();
    onEdit(r, from);
  });
  $("status-resend").addEventListener("click", resend);
  $("status-end-sessions").addEventListener("click", () => {
    $("end-sessions-text").textContent = `${row.name} is signed out of every browser at once and has to sign in again.`;
    showAlert($("end-sessions-alert"), "");
    $("end-sessions-dialog").showModal();
    $("end-sessions-cancel").focus();
  });
  $("end-sessions-cancel").addEventListener("click", () => $("end-sessions-dialog").close());
  $("end-sessions-dialog").addEventListener("close", () => dialog.open && $("status-end-sessions").focus());
  $("end-sessions-form").addEventListener("submit", endSessions);
  $("status-2fa-switch").addEventListener("change", switchTwoFactor);

  async function open(r, from) {
    row = r;
    check = null;
    returnTo = from || null;
    $("status-title").textContent = r.name;
    $("status-email").textContent = r.email;
    showAlert($("status-alert"), "");
    showAlert($("status-result"), "", "success");
    $("status-facts").replaceChildren();
    $("status-memberships").replaceChildren();
    for (const id of ["status-2fa", "status-resend", "status-edit", "status-end-sessions"]) $(id).hidden = true;
    dialog.showModal();
    $("status-close").focus();
    await refresh();
  }

  async function refresh() {
    const loading = $("status-loading");
    loading.hidden = false;
    dialog.setAttribute("aria-busy", "true");
    try {
      const { data } = await get(`/v1/users/${encodeURIComponent(row.id)}/status`);
      check = data || {};
      render();
    } catch (err) {
      if (leaving(err)) return;
      showAlert($("status-alert"), `The status could not be checked: ${err.message}`);
    } finally {
      loading.hidden = true;
      dialog.removeAttribute("aria-busy");
    }
  }

  function render() {
    const c = check;
    const registration = c.status === "disabled"
      ? "Disabled: cannot sign in"
      : c.registered ? "Registered: can sign in" : "Not registered: has not set a password yet";
    const error = c.lastLoginError
      ? `${loginErrors[c.lastLoginError] || c.lastLoginError}${dateTime(c.lastLoginErrorAt) ? `, ${dateTime(c.lastLoginErrorAt)}` : ""}`
      : "None";
    const mail = c.lastActivationEmail;
    const facts = [
      ["registration", "Registration", registration],
      ["last-login", "Last sign-in", dateTime(c.lastLoginAt) || "Never"],
      ["last-error", "Last sign-in error", error],
      ["locked", "Locked", c.locked ? `Yes, until ${dateTime(c.lockedUntil) || "later"} (too many failed attempts)` : "No"],
      ["two-factor", "Two-step sign-in", twoFactorText(c.twoFactor) || "—"],
      ["activation-email", "Last activation email", mail ? `${deliveries[mail.status] || mail.status}: ${dateTime(mail.sentAt)}` : "None sent"],
      ["email-status", "Email address", emailFact(c.emailStatus)],
    ];
    $("status-facts").replaceChildren(...facts.flatMap(([key, k, v]) => [
      el("dt", {}, k),
      el("dd", { dataset: { fact: key, state: key === "activation-email" ? mail?.status || "none" : key === "email-status" ? c.emailStatus?.status || "none" : "" } }, v),
    ]));
    $("status-email").replaceChildren(row.email, ...(emailBadge(c.emailStatus) ? [" ", emailBadge(c.emailStatus)] : []));
    const ms = Array.isArray(c.memberships) ? c.memberships : [];
    $("status-memberships").replaceChildren(...(ms.length ? ms.map((m) => el("li", {},
      el("strong", {}, m.accountName || m.accountId),
      el("span", { className: "muted" }, [kindTitles[m.accountKind] || m.accountKind, (m.roles || []).map(roleTitle).join(", ")].filter(Boolean).join(" · ")),
    )) : [el("li", {}, "No accounts you can see.")]));

    $("status-2fa").hidden = !superAdmin;
    $("status-2fa-switch").checked = Boolean(c.twoFactor?.enabled);
    $("status-resend").hidden = !(manage && c.status === "unregistered");
    $("status-edit").hidden = !manage;
    $("status-end-sessions").hidden = !(manage && c.registered);
  }

  // endSessions signs the user out of every browser (DELETE /v1/users/{id}/sessions), once confirmed.
  async function endSessions(e) {
    e.preventDefault();
    const button = $("end-sessions-ok");
    busy(button, true, "Ending…");
    try {
      const { data } = await del(`/v1/users/${encodeURIComponent(row.id)}/sessions`);
      busy(button, false);
      $("end-sessions-dialog").close();
      const n = data?.ended ?? 0;
      const text = n
        ? `${row.name} is signed out of ${n === 1 ? "1 session" : `${n} sessions`}.`
        : `${row.name} had no open sessions; any that was starting is ended too.`;
      showAlert($("status-result"), text, "success");
      announce(text);
    } catch (err) {
      busy(button, false);
      if (leaving(err)) return;
      showAlert($("end-sessions-alert"), err.detail || err.message);
    }
  }

  // emailFact is the status check's line about the address: what the email service last said, when, and why.
  function emailFact(status) {
    const s = status && emailStates[status.status];
    if (!s) return "No delivery report yet";
    const when = dateTime(status.at);
    return [s.fact, when, status.reason].filter(Boolean).join(" · ");
  }

  async function resend() {
    const button = $("status-resend");
    showAlert($("status-alert"), "");
    busy(button, true, "Sending…");
    try {
      const { data } = await post("/v1/activation-emails", { userIds: [row.id] });
      const result = data?.results?.[0]?.status;
      busy(button, false);
      if (result === "sent") {
        showAlert($("status-result"), `A new activation link is on its way to ${row.email}. The previous link no longer works.`, "success");
      } else if (result === "rate_limited") {
        showAlert($("status-alert"), "An activation email went out less than a minute ago. Try again in a minute.", "info");
      } else {
        showAlert($("status-alert"), "No link was sent: this person no longer needs one.", "info");
      }
      await refresh();
    } catch (err) {
      busy(button, false);
      if (leaving(err)) return;
      showAlert($("status-alert"), `No link was sent: ${err.message}`);
    }
  }

  async function switchTwoFactor() {
    const input = $("status-2fa-switch");
    const enabled = input.checked;
    input.disabled = true;
    showAlert($("status-alert"), "");
    showAlert($("status-result"), "", "success");
    try {
      const { data } = await put(`/v1/users/${encodeURIComponent(row.id)}/two-factor`, { enabled });
      const on = Boolean(data?.enabled);
      input.checked = on;
      check.twoFactor = { enabled: on, method: data?.method || check.twoFactor?.method };
      render();
      const message = `Two-step sign-in is ${on ? "on" : "off"} for ${row.name}; they get an email saying so.${data?.note ? ` ${data.note}` : ""}`;
      showAlert($("status-result"), message, "success");
      announce(message);
    } catch (err) {
      if (leaving(err)) return;
      input.checked = !enabled;
      showAlert($("status-alert"), `Two-step sign-in was not switched ${enabled ? "on" : "off"}: ${err.message}`);
    } finally {
      input.disabled = false;
      input.focus();
    }
  }

  return { open };
}
