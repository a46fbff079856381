// security.js runs the security page: the signed-in user's two-step sign-in (GET /v1/me/two-factor). They
// choose how the code comes (PUT /v1/me/two-factor), verify a mobile number with a texted code
// (POST /v1/me/mobile-verification, then …/confirm), and set up an authenticator app: the QR code and the key
// for typing in (POST /v1/me/totp), a code from the app to confirm it (POST /v1/me/totp/confirm), and then the
// recovery codes, shown once, until the person says they saved them.

import { ApiError, get, post, put } from "./api.js";
import { $, announce, busy, duration, el, fieldError, plural, showAlert, showView } from "./ui.js";
import { leaving, signedIn } from "./session.js";

const state = { me: null, settings: null, codes: [] };

const methodWords = {
  email: "a code sent to your email address",
  sms: "a code sent by text message (and by email)",
  totp: "a code from your authenticator app",
};

$("retry").addEventListener("click", start);
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

start();

async function start() {
  showView("loading", { focus: false });
  try {
    state.me = await signedIn();
    const { data } = await get("/v1/me/two-factor");
    state.settings = data || {};
    render();
    showView("security", { focus: false });
  } catch (err) {
    if (leaving(err)) return;
    $("failed-alert").textContent = err.message;
    showView("failed");
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
  for (const m of ["email", "sms", "totp"]) {
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

  $("mobile-state").textContent = s.mobileVerified
    ? `Verified: ${s.mobile}. Verify another number to replace it.`
    : "Not verified yet. Verify your number to get your codes by text message.";
  $("app-state").textContent = s.totpEnrolled
    ? `Set up, with ${plural(s.recoveryCodesLeft || 0, "recovery code")} left. Setting it up on a new phone replaces the old one and gives you new recovery codes.`
    : "Not set up yet.";
  $("app-state").dataset.enrolled = String(Boolean(s.totpEnrolled));
  $("app-start").textContent = s.totpEnrolled ? "Set up on a new phone" : "Set up an authenticator app";
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
    button.hidden = true;
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
  $("app-start").hidden = false;
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
    state.codes = Array.isArray(recoveryCodes) ? recoveryCodes : [];
    render();
    $("app-enrol").hidden = true;
    $("app-qr").removeAttribute("src");
    $("app-secret").textContent = "";
    $("recovery-list").replaceChildren(...state.codes.map((c) => el("li", {}, el("code", {}, c))));
    $("codes-saved").checked = false;
    $("codes-copied").textContent = "";
    $("app-codes").hidden = false;
    $("app-codes-title").focus();
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
  $("app-start").hidden = false;
  const using = state.settings.method === "totp";
  const message = using
    ? "Your authenticator app is set up, and you sign in with it."
    : "Your authenticator app is set up. To sign in with it, choose “Authenticator app” under Two-step sign-in and save.";
  showAlert($("app-result"), message, "success");
  announce(message);
  if (!using) $("method-totp").focus();
  else $("app-start").focus();
}
