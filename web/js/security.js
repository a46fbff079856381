// security.js runs the security page: the signed-in user's two-step sign-in (GET /v1/me/two-factor). They
// choose how the code comes (PUT /v1/me/two-factor), verify a mobile number with a texted code
// (POST /v1/me/mobile-verification, then …/confirm), and set up an authenticator app: the QR code and the key
// for typing in (POST /v1/me/totp), a code from the app to confirm it (POST /v1/me/totp/confirm), and then the
// recovery codes, shown once, until the person says they saved them. After a dialog, they remove the mobile
// number (DELETE /v1/me/mobile) or the app (DELETE /v1/me/totp), or replace the recovery codes
// (POST /v1/me/recovery-codes); the app's changes need a code from it (or, to remove it, a recovery code).
// Where the person is signed in is devices.js's.

import { ApiError, get, post, put, request } from "./api.js";
import { $, announce, busy, duration, el, fieldError, plural, showAlert, showView } from "./ui.js";
import { leaving, startPage } from "./session.js";
import { loadSessions } from "./devices.js";
import { loadPasskeys } from "./passkeys.js";

// codesFor says why recovery codes are on screen: "enrolled" (a new app) or "replaced" (new codes).
const state = { me: null, settings: null, codes: [], codesFor: "enrolled", ask: null };

const methodWords = {
  email: "a code sent to your email address",
  sms: "a code sent by text message (and by email)",
  totp: "a code from your authenticator app",
  passkey: "your passkey",
};

$("method-form").addEventListener("submit", chooseMethod);
$("mobile-form").addEventListener("submit", sendMobileCode);
$("mobile-code-form").addEventListener("submit", verifyMobile);
$("mobile-cancel").addEventListener("click", () => endMobileCode({ focus: true }));
$("app-start").addEventListener("click", startApp);
$("app-code-form").addEventListener("submit", confirmApp);
$("app-cancel").addEventListener("click", cancelApp);
$("codes-copy").addEventListener("click", copyCodes);
$("codes-download").addEventListener("click", downloadCodes);
$("codes-saved").addEventListener("change", () => fieldError($("codes-saved"), ""));
$("codes-done").addEventListener("click", codesSaved);
$("mobile-remove").addEventListener("click", () => ask(questions.removeMobile, $("mobile-remove")));
$("app-codes-new").addEventListener("click", () => ask(questions.newCodes, $("app-codes-new")));
$("app-remove").addEventListener("click", () => ask(questions.removeApp, $("app-remove")));
$("confirm-form").addEventListener("submit", confirmAsked);
$("confirm-cancel").addEventListener("click", () => $("confirm-dialog").close());
$("confirm-dialog").addEventListener("close", () => state.ask?.from.focus());
$("confirm-code").addEventListener("input", () => fieldError($("confirm-code"), ""));
$("method-choice").addEventListener("change", () => fieldError($("method-choice"), ""));
for (const id of ["mobile-code", "app-code"]) {
  $(id).addEventListener("input", () => {
    const input = $(id);
    const digits = input.value.replace(/\D/g, "").slice(0, 6);
    if (digits !== input.value) input.value = digits;
    fieldError(input, "");
  });
}
// The recovery codes are on screen only once: leaving before saying they were saved would lose them.
window.addEventListener("beforeunload", (e) => {
  if (!$("app-codes").hidden) e.preventDefault();
});

startPage({ open });

async function open(me) {
  state.me = me;
  const sessions = loadSessions(); // read alongside, so the page shows whole, with nothing moving in later
  const passkeys = loadPasskeys(refresh);
  const { data } = await get("/v1/me/two-factor");
  state.settings = data || {};
  render();
  await Promise.all([sessions, passkeys]);
  showView("security", { focus: false });
}

// refresh reads the settings again and shows them, staying on the page.
async function refresh() {
  try {
    const { data } = await get("/v1/me/two-factor");
    state.settings = data || state.settings;
    render();
  } catch (err) {
    if (!leaving(err)) showAlert($("method-alert"), err.message);
  }
}

function render() {
  const s = state.settings;
  const methods = Array.isArray(s.methods) ? s.methods : ["email"];
  const method = s.method || "email";
  $("tf-state").textContent = s.enabled
    ? `On: at every sign-in, after your password, we ask for ${methodWords[method] || methodWords.email}.`
    : "Off: a super administrator switched two-step sign-in off for you, so your password alone signs you in. The method you choose here applies when it is switched on again.";
  $("tf-state").dataset.enabled = String(Boolean(s.enabled));
  for (const m of ["email", "sms", "totp", "passkey"]) {
    const radio = $(`method-${m}`);
    radio.checked = m === method;
    radio.disabled = !methods.includes(m);
  }
  $("method-sms-hint").textContent = s.mobileVerified
    ? `The same code by text message to ${s.mobile} and by email.`
    : "Verify your mobile number below first. The code then comes by text message and by email.";
  $("method-totp-hint").textContent = s.totpEnrolled
    ? `A code from your app, nothing sent. ${plural(s.recoveryCodesLeft || 0, "recovery code")} left.`
    : "Set up the app below first. The strongest choice: no code travels by email or text.";
  $("method-passkey-hint").textContent = s.passkeys
    ? "Your device's screen lock, fingerprint or face, or your security key: nothing to type."
    : "Add a passkey below first.";

  $("mobile-state").textContent = s.mobileVerified
    ? `Verified: ${s.mobile}. Verify another number to replace it.`
    : "Not verified yet. Verify your number to get your codes by text message.";
  $("app-state").textContent = s.totpEnrolled
    ? `Set up, with ${plural(s.recoveryCodesLeft || 0, "recovery code")} left. Setting it up on a new phone replaces the old one and gives you new recovery codes.`
    : "Not set up yet.";
  $("app-state").dataset.enrolled = String(Boolean(s.totpEnrolled));
  $("app-start").textContent = s.totpEnrolled ? "Set up on a new phone" : "Set up an authenticator app";
  $("mobile-manage").hidden = !s.mobileVerified;
  appButtons(!$("app-start").hidden);
}

// appButtons shows the app card's buttons (or hides them while a set-up or new codes are on screen); replacing
// the codes and removing the app are offered only with an app set up.
function appButtons(show) {
  const enrolled = Boolean(state.settings?.totpEnrolled);
  $("app-start").hidden = !show;
  $("app-codes-new").hidden = !show || !enrolled;
  $("app-remove").hidden = !show || !enrolled;
}

// ---- The method ----

async function chooseMethod(e) {
  e.preventDefault();
  const chosen = $("method-form").querySelector('input[name="method"]:checked')?.value;
  showAlert($("method-alert"), "");
  showAlert($("method-result"), "", "success");
  fieldError($("method-choice"), "");
  if (!chosen) {
    fieldError($("method-choice"), "Choose how you get your code.");
    $("method-email").focus();
    return;
  }
  if (chosen === state.settings.method) {
    showAlert($("method-result"), `You already sign in with ${methodWords[chosen]}.`, "success");
    return;
  }
  const button = $("method-save");
  busy(button, true, "Saving…");
  try {
    const { data } = await put("/v1/me/two-factor", { method: chosen });
    state.settings = data || state.settings;
    render();
    const message = `Done. From your next sign-in we ask for ${methodWords[state.settings.method] || methodWords[chosen]}. We sent you an email saying so.`;
    showAlert($("method-result"), message, "success");
    announce(message);
  } catch (err) {
    if (leaving(err)) return;
    if (err instanceof ApiError && (err.slug === "mobile-not-verified" || err.slug === "totp-not-enrolled")) {
      fieldError($("method-choice"), err.detail || err.message);
    } else {
      showAlert($("method-alert"), err.message);
    }
  } finally {
    busy(button, false);
  }
}

// ---- The mobile number ----

async function sendMobileCode(e) {
  e.preventDefault();
  const input = $("mobile");
  showAlert($("mobile-alert"), "");
  showAlert($("mobile-result"), "", "success");
  fieldError(input, "");
  const mobile = input.value.trim();
  if (!mobile) {
    fieldError(input, "Enter your mobile number, with the country code.");
    input.focus();
    return;
  }
  const button = $("mobile-send");
  busy(button, true, "Sending…");
  try {
    const { data } = await post("/v1/me/mobile-verification", { mobile });
    const ttl = Number(data?.expiresInSeconds) || 600;
    $("mobile-sent").textContent = `We texted a 6-digit code to ${data?.mobile || mobile}. It works for ${duration(ttl)}.`;
    $("mobile-form").hidden = true;
    $("mobile-code-form").hidden = false;
    $("mobile-code").value = "";
    fieldError($("mobile-code"), "");
    $("mobile-code").focus();
    announce($("mobile-sent").textContent);
  } catch (err) {
    if (leaving(err)) return;
    if (err instanceof ApiError && err.fields.mobile) {
      fieldError(input, err.fields.mobile.detail);
      input.focus();
    } else if (err instanceof ApiError && err.status === 429) {
      showAlert($("mobile-alert"), err.retryAfter ? `Too many texts for now. Try again in ${duration(err.retryAfter)}.` : err.message);
    } else {
      showAlert($("mobile-alert"), err.message);
    }
  } finally {
    busy(button, false);
  }
}

async function verifyMobile(e) {
  e.preventDefault();
  const input = $("mobile-code");
  fieldError(input, "");
  showAlert($("mobile-alert"), "");
  if (input.value.length !== 6) {
    fieldError(input, "Enter the 6 digits from the text message.");
    input.focus();
    return;
  }
  const button = $("mobile-verify");
  busy(button, true, "Checking…");
  try {
    const { data } = await post("/v1/me/mobile-verification/confirm", { code: input.value });
    state.settings = data || state.settings;
    render();
    endMobileCode({ focus: false });
    $("mobile").value = "";
    const message = `Your mobile number ${state.settings.mobile || ""} is verified. You can now choose to get your codes by text message.`;
    showAlert($("mobile-result"), message, "success");
    announce(message);
    $("method-sms").focus();
  } catch (err) {
    if (leaving(err)) return;
    if (!(err instanceof ApiError)) {
      showAlert($("mobile-alert"), err.message);
    } else if (err.slug === "wrong-code") {
      const left = Number(err.problem.attemptsLeft);
      fieldError(input, Number.isFinite(left) && left > 0
        ? `That code is not right. You have ${plural(left, "attempt")} left.`
        : "That code is not right, and it no longer works. Use another number or send a new code.");
      input.select();
      input.focus();
    } else {
      fieldError(input, `${err.detail || err.message} Send a new code to try again.`);
      input.focus();
    }
  } finally {
    busy(button, false);
  }
}

function endMobileCode({ focus }) {
  $("mobile-code-form").hidden = true;
  $("mobile-form").hidden = false;
  if (focus) $("mobile").focus();
}

// ---- The authenticator app ----

async function startApp() {
  const button = $("app-start");
  showAlert($("app-alert"), "");
  showAlert($("app-result"), "", "success");
  busy(button, true, "Preparing…");
  try {
    const { data } = await post("/v1/me/totp", {});
    const qr = String(data?.qrCode || "");
    const img = $("app-qr");
    img.hidden = !qr.startsWith("data:image/png;base64,");
    if (!img.hidden) img.src = qr;
    $("app-secret").textContent = grouped(String(data?.secret || ""));
    $("app-account").textContent = [data?.issuer, data?.account].filter(Boolean).join(" · ");
    $("app-expiry").textContent = `This set-up works for ${duration(Number(data?.expiresInSeconds) || 900)}; after that, start again.`;
    $("app-code").value = "";
    fieldError($("app-code"), "");
    appButtons(false);
    $("app-enrol").hidden = false;
    $("app-enrol-title").focus();
  } catch (err) {
    if (leaving(err)) return;
    showAlert($("app-alert"), err.message);
  } finally {
    busy(button, false);
  }
}

// grouped writes a base32 key in groups of four, as people type it; apps ignore the spaces.
function grouped(secret) {
  return secret.replace(/\s+/g, "").replace(/(.{4})(?=.)/g, "$1 ");
}

function cancelApp() {
  $("app-enrol").hidden = true;
  $("app-qr").removeAttribute("src");
  $("app-secret").textContent = "";
  appButtons(true);
  $("app-start").focus();
}

async function confirmApp(e) {
  e.preventDefault();
  const input = $("app-code");
  fieldError(input, "");
  showAlert($("app-alert"), "");
  if (input.value.length !== 6) {
    fieldError(input, "Enter the 6 digits the app shows for PartnerHub.");
    input.focus();
    return;
  }
  const button = $("app-confirm");
  busy(button, true, "Checking…");
  try {
    const { data } = await post("/v1/me/totp/confirm", { code: input.value });
    busy(button, false);
    const { recoveryCodes = [], ...settings } = data || {};
    state.settings = { ...state.settings, ...settings };
    render();
    $("app-enrol").hidden = true;
    $("app-qr").removeAttribute("src");
    $("app-secret").textContent = "";
    showCodes(recoveryCodes, "enrolled");
  } catch (err) {
    busy(button, false);
    if (leaving(err)) return;
    if (err instanceof ApiError && (err.slug === "wrong-code" || err.fields.code)) {
      fieldError(input, err.fields.code?.detail || err.detail);
      input.select();
      input.focus();
    } else if (err instanceof ApiError && err.slug === "no-enrolment") {
      cancelApp();
      showAlert($("app-alert"), err.detail || err.message);
    } else {
      showAlert($("app-alert"), err.message);
    }
  }
}

// showCodes puts new recovery codes on screen until the person says they saved them.
function showCodes(codes, why) {
  state.codes = Array.isArray(codes) ? codes : [];
  state.codesFor = why;
  appButtons(false);
  $("recovery-list").replaceChildren(...state.codes.map((c) => el("li", {}, el("code", {}, c))));
  $("codes-saved").checked = false;
  $("codes-copied").textContent = "";
  $("app-codes").hidden = false;
  $("app-codes-title").focus();
}

function codesText() {
  return [
    `PartnerHub recovery codes for ${state.me?.user?.email || "your account"}`,
    "Each code signs you in once, instead of a code from your authenticator app.",
    "",
    ...state.codes,
    "",
  ].join("\n");
}

async function copyCodes() {
  try {
    await navigator.clipboard.writeText(codesText());
    $("codes-copied").textContent = "Copied. Paste them somewhere safe.";
  } catch {
    $("codes-copied").textContent = "Copying is not allowed here: select the codes and copy them, or download them.";
  }
}

function downloadCodes() {
  const url = URL.createObjectURL(new Blob([codesText()], { type: "text/plain" }));
  const a = el("a", { href: url, download: "partnerhub-recovery-codes.txt", hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 1000);
  $("codes-copied").textContent = "Downloaded partnerhub-recovery-codes.txt.";
}

function codesSaved() {
  if (!$("codes-saved").checked) {
    fieldError($("codes-saved"), "Tick the box once you have saved the codes: they are not shown again.");
    $("codes-saved").focus();
    return;
  }
  state.codes = [];
  $("recovery-list").replaceChildren();
  $("app-codes").hidden = true;
  appButtons(true);
  const using = state.settings.method === "totp";
  const message = state.codesFor === "replaced"
    ? "Your new recovery codes are ready. The earlier ones no longer work."
    : using
      ? "Your authenticator app is set up, and you sign in with it."
      : "Your authenticator app is set up. To sign in with it, choose “Authenticator app” under Two-step sign-in and save.";
  showAlert($("app-result"), message, "success");
  announce(message);
  if (!using && state.codesFor !== "replaced") $("method-totp").focus();
  else $("app-start").focus();
}

// ---- Removing a factor, replacing the recovery codes ----

// questions are what the dialog asks before each change, and how the change is made once confirmed.
const questions = {
  removeMobile: {
    title: "Remove your mobile number?",
    text: () => `Sign-in codes are no longer texted to ${state.settings.mobile || "it"}.${state.settings.method === "sms"
      ? " From your next sign-in your code comes by email." : ""} We email you to say so.`,
    ok: "Remove number",
    run: () => request("DELETE", "/v1/me/mobile"),
    done: () => ({ box: "mobile-result", focus: "mobile", text: `Your mobile number is removed.${fellBack("sms")}` }),
  },
  removeApp: {
    title: "Remove your authenticator app?",
    text: () => `Codes from the app and your recovery codes stop working.${state.settings.method === "totp"
      ? " From your next sign-in your code comes by email." : ""} We email you to say so.`,
    code: "Code from your authenticator app, or a recovery code",
    ok: "Remove app",
    run: (code) => request("DELETE", "/v1/me/totp", { code }),
    done: () => ({ box: "app-result", focus: "app-start", text: `Your authenticator app is removed.${fellBack("totp")}` }),
  },
  newCodes: {
    title: "Get new recovery codes?",
    text: () => "Your current recovery codes stop working at once. You see the new ones only this once.",
    code: "Code from your authenticator app",
    digits: true,
    ok: "Get new codes",
    run: (code) => post("/v1/me/recovery-codes", { code }),
  },
};

// fellBack says that sign-in codes now come by email, if the removed factor was the method.
function fellBack(method) {
  return state.ask?.method === method ? " From your next sign-in your code comes by email." : "";
}

// ask opens the dialog for question q, asked from the button from.
function ask(q, from) {
  state.ask = { q, from, method: state.settings.method };
  for (const box of ["mobile-result", "mobile-alert", "app-result", "app-alert"]) showAlert($(box), "");
  $("confirm-title").textContent = q.title;
  $("confirm-text").textContent = q.text();
  $("confirm-ok").textContent = q.ok;
  $("confirm-code-field").hidden = !q.code;
  $("confirm-code-label").textContent = q.code || "";
  $("confirm-code").value = "";
  $("confirm-code").inputMode = q.digits ? "numeric" : "text";
  fieldError($("confirm-code"), "");
  showAlert($("confirm-alert"), "");
  $("confirm-dialog").showModal();
  (q.code ? $("confirm-code") : $("confirm-cancel")).focus();
}

async function confirmAsked(e) {
  e.preventDefault();
  const { q } = state.ask || {};
  if (!q) return;
  const input = $("confirm-code");
  const code = input.value.trim();
  fieldError(input, "");
  showAlert($("confirm-alert"), "");
  if (q.code && !code) {
    fieldError(input, q.digits ? "Enter the 6 digits the app shows for PartnerHub." : "Enter the code the app shows, or one of your recovery codes.");
    input.focus();
    return;
  }
  const button = $("confirm-ok");
  busy(button, true, "Working…");
  try {
    const { data } = await q.run(code);
    busy(button, false);
    const { recoveryCodes, ...settings } = data || {};
    state.settings = { ...state.settings, ...settings };
    render();
    const done = recoveryCodes ? null : q.done();
    state.ask = null; // the dialog's close handler then leaves focus where it is put here
    $("confirm-dialog").close();
    if (!done) {
      showCodes(recoveryCodes, "replaced");
      return;
    }
    showAlert($(done.box), done.text, "success");
    announce(done.text);
    $(done.focus).focus();
  } catch (err) {
    busy(button, false);
    if (leaving(err)) return;
    if (err instanceof ApiError && q.code && (err.slug === "wrong-code" || err.slug === "code-used" || err.fields.code)) {
      fieldError(input, err.fields.code?.detail || err.detail || err.message);
      input.select();
      input.focus();
    } else if (err instanceof ApiError && err.status === 429) {
      showAlert($("confirm-alert"), err.retryAfter ? `Too many codes tried. Try again in ${duration(err.retryAfter)}.` : err.message);
    } else if (err instanceof ApiError && err.status === 409) {
      // The page was out of date (the factor is gone, or settings changed elsewhere): show what is true now.
      const box = q === questions.removeMobile ? "mobile-alert" : "app-alert";
      $("confirm-dialog").close();
      await refresh();
      showAlert($(box), err.detail || err.message);
    } else {
      showAlert($("confirm-alert"), err.detail || err.message);
    }
  }
}
