// signin.js runs the two sign-in steps: email and password, then the code step, which follows the user's
// two-factor method (the "method" of the answer): a 6-digit code sent by email (with its 60-second countdown and
// "Send a new code"), the same code by text message and by email, or the current code of an authenticator app
// (nothing is sent; a recovery code stands in for a lost phone). Whatever the method, a user with a passkey may
// answer the code step with it instead ("Use a passkey instead", when the answer's alternatives say "passkey"
// and the browser can use one); the code stays usable if the passkey is cancelled or refused. The session cookie is HttpOnly: this page never
// sees it, it only learns that the server signed the browser in and moves on to the portal, or back to the page
// that sent the person here: the address in ?next= (a page opened while signed out) or the invitation page's
// (ui.js takeNext, which accepts only paths of this portal).

import { ApiError, get, post } from "./api.js";
import {
  $, announce, busy, clearErrors, clockTime, duration, el, fieldError, plural, prefillKey, remember, showAlert, showView, takeNext,
} from "./ui.js";
import { loadBrand, titled } from "./brand.js";
import { cancelled, get as getPasskey, supported } from "./webauthn.js";

// The server's limits for codes (package otp): a new code at most every 30 seconds, at most 3 new codes per
// sign-in, none after 10 minutes. The server enforces them and always answers 202 to a resend; the page mirrors
// them so the button is only offered when a new code will really be sent.
const RESEND_INTERVAL = 30;
const MAX_RESENDS = 3;
const LIFETIME = 10 * 60;
const DEFAULT_TTL = 60;

const challenge = {
  id: "", email: "", method: "email", recovery: false, startedAt: 0, expiresAt: 0, resendAt: 0, resends: 0, timer: 0, expiredSaid: false,
  passkey: false, // the code step may be answered with a passkey instead
};

// Where the code comes from, by method: the words of the code step.
const sources = { email: "the email", sms: "the text message or the email", totp: "your authenticator app" };

start();

function start() {
  $("credentials-form").addEventListener("submit", submitCredentials);
  $("code-form").addEventListener("submit", submitCode);
  $("resend").addEventListener("click", resend);
  $("restart").addEventListener("click", restart);
  $("use-recovery").addEventListener("click", () => recoveryMode(!challenge.recovery));
  $("passkey-signin").addEventListener("click", passwordless);
  $("passkey-use").addEventListener("click", passkeyStep);
  $("code-passkey").addEventListener("click", passkeyInstead);
  $("passkey-restart").addEventListener("click", restart);
  // The reset page starts with the address typed here.
  $("forgot-link").addEventListener("click", () => {
    if ($("email").value.trim()) remember(prefillKey, $("email").value.trim());
  });
  $("show-password").addEventListener("change", (e) => {
    $("password").type = e.target.checked ? "text" : "password";
  });
  $("otp").addEventListener("input", () => {
    // People paste codes with spaces or dashes; keep the digits (a recovery code keeps its letters and dash).
    const input = $("otp");
    const kept = challenge.recovery ? input.value.replace(/[^0-9a-z -]/gi, "").slice(0, 13) : input.value.replace(/\D/g, "").slice(0, 6);
    if (kept !== input.value) input.value = kept;
    fieldError(input, "");
  });
  const email = takePrefill();
  if (email) {
    $("email").value = email;
    $("password").focus();
  } else {
    $("email").focus();
  }
  loadBrand();
  // Someone who is already signed in has nothing to do here.
  get("/v1/me").then(() => location.replace(takeNext() || "/"), () => {});
}

// takePrefill reads, once, the address the activation page left for us; storage may be switched off.
function takePrefill() {
  try {
    const email = sessionStorage.getItem(prefillKey) || "";
    sessionStorage.removeItem(prefillKey);
    return email;
  } catch {
    return "";
  }
}

async function submitCredentials(event) {
  event.preventDefault();
  const form = $("credentials-form");
  const alertBox = $("credentials-alert");
  clearErrors(form, alertBox);
  const email = $("email");
  const password = $("password");
  const errors = [];
  if (!email.value.trim()) errors.push([email, "Enter your email address."]);
  else if (!/^[^\s@]+@[^\s@]+$/.test(email.value.trim())) errors.push([email, "Enter an email address like name@example.com."]);
  if (!password.value) errors.push([password, "Enter your password."]);
  if (errors.length) {
    for (const [input, message] of errors) fieldError(input, message);
    errors[0][0].focus();
    return;
  }
  const button = $("credentials-submit");
  busy(button, true, "Checking…");
  try {
    const { status, data } = await post("/v1/sessions", { email: email.value.trim(), password: password.value });
    if (status === 201 || data?.status === "signed_in") {
      signedIn();
      return;
    }
    busy(button, false);
    password.value = "";
    startCode(email.value.trim(), data || {});
  } catch (err) {
    busy(button, false);
    if (err instanceof ApiError && err.slug === "invalid-credentials") {
      showAlert(alertBox, "The email address or the password is not right. Check both and try again.");
      password.select();
      password.focus();
      return;
    }
    if (err instanceof ApiError && Object.keys(err.fields).length) {
      const inputs = { email, password };
      for (const [field, { detail }] of Object.entries(err.fields)) {
        if (inputs[field]) fieldError(inputs[field], detail);
      }
      showAlert(alertBox, "Please fix the fields marked below.");
      (inputs[Object.keys(err.fields)[0]] || email).focus();
      return;
    }
    showAlert(alertBox, explain(err));
  }
}

function startCode(email, data) {
  challenge.id = data.challengeId || "";
  if (data.method === "passkey") {
    challenge.method = "passkey";
    showAlert($("passkey-alert"), "");
    showView("passkey-step", { focus: false });
    titled($("passkey-title").textContent);
    $("passkey-use").focus();
    return;
  }
  challenge.email = email;
  challenge.method = sources[data.method] ? data.method : "email";
  challenge.resends = 0;
  challenge.startedAt = Date.now();
  challenge.passkey = Array.isArray(data.alternatives) && data.alternatives.includes("passkey") && supported();
  describeCode(email);
  recoveryMode(false);
  showView("code", { focus: false });
  issued(Number(data.expiresInSeconds) || DEFAULT_TTL);
  $("otp").focus();
}

// describeCode says where the code comes from, for the challenge's method.
function describeCode(email) {
  const who = el("strong", { id: "code-email" }, email);
  const intro = $("code-intro");
  switch (challenge.method) {
    case "sms":
      $("code-title").textContent = "Check your phone";
      intro.replaceChildren("We sent the same 6-digit code by text message to your mobile and by email to ", who,
        ". Enter it below to finish signing in.");
      break;
    case "totp":
      $("code-title").textContent = "Enter the code from your app";
      intro.replaceChildren("Open your authenticator app and enter the 6-digit code it shows for PartnerHub (", who,
        "). Lost your phone? Use one of your recovery codes instead.");
      break;
    default:
      $("code-title").textContent = "Check your email";
      intro.replaceChildren("We sent a 6-digit code to ", who, ". Enter it below to finish signing in.");
  }
  titled($("code-title").textContent);
  $("use-recovery").hidden = challenge.method !== "totp";
  // Nothing is sent for an app: there is nothing to send again.
  $("resend").hidden = challenge.method === "totp";
  // Set before the step is shown, so the button never moves what is below it.
  $("code-passkey").hidden = !challenge.passkey;
}

// recoveryMode switches the code field between the app's 6 digits and a recovery code ("xxxxx-xxxxx").
function recoveryMode(on) {
  challenge.recovery = on && challenge.method === "totp";
  const input = $("otp");
  input.value = "";
  fieldError(input, "");
  if (challenge.recovery) {
    $("otp-label").textContent = "Recovery code";
    input.inputMode = "text";
    input.autocomplete = "off";
    input.removeAttribute("pattern");
    input.maxLength = 13;
    input.classList.add("recovery-input");
    $("use-recovery").textContent = "Use a code from the app instead";
  } else {
    $("otp-label").textContent = "6-digit code";
    input.inputMode = "numeric";
    input.autocomplete = "one-time-code";
    input.pattern = "[0-9]{6}";
    input.maxLength = 6;
    input.classList.remove("recovery-input");
    $("use-recovery").textContent = "Use a recovery code instead";
  }
  if (!$("code").hidden) input.focus();
}

// issued restarts the countdown for a code that was just sent.
function issued(ttlSeconds) {
  const now = Date.now();
  challenge.expiresAt = now + ttlSeconds * 1000;
  challenge.resendAt = now + RESEND_INTERVAL * 1000;
  challenge.expiredSaid = false;
  window.clearInterval(challenge.timer);
  challenge.timer = window.setInterval(tick, 250);
  tick();
}

function tick() {
  const now = Date.now();
  const left = Math.max(0, Math.ceil((challenge.expiresAt - now) / 1000));
  const countdown = $("countdown");
  countdown.dataset.seconds = String(left);
  const app = challenge.method === "totp";
  if (left > 0) {
    // An app's codes change every 30 seconds by themselves: what runs out is this sign-in step.
    countdown.textContent = app ? `You have ${duration(left)} to enter a code.` : `The code expires in ${plural(left, "second")}.`;
    countdown.dataset.state = left <= 10 ? "soon" : "running";
  } else {
    countdown.textContent = app ? "This sign-in step has expired. Choose “Sign in again”." : "The code has expired.";
    countdown.dataset.state = "expired";
    if (!challenge.expiredSaid) {
      challenge.expiredSaid = true;
      announce(app ? "This sign-in step has expired. Sign in again." : canResend(now) ? "The code has expired. Send a new code." : "The code has expired.");
    }
  }
  renderResend(now);
}

function canResend(now) {
  return challenge.resends < MAX_RESENDS && now >= challenge.resendAt && !tooOld(now);
}

function tooOld(now) {
  return now >= challenge.startedAt + LIFETIME * 1000;
}

function renderResend(now) {
  const button = $("resend");
  const hint = $("resend-hint");
  let text = "";
  if (challenge.method === "totp") {
    hint.hidden = true;
    return;
  }
  if (challenge.resends >= MAX_RESENDS || tooOld(now)) {
    text = "No more new codes can be sent for this sign-in. Choose “Sign in again” to start over.";
  } else if (now < challenge.resendAt) {
    text = `You can ask for a new code in ${plural(Math.ceil((challenge.resendAt - now) / 1000), "second")}.`;
  }
  const allowed = canResend(now);
  // aria-disabled keeps the button focusable and announced, unlike disabled.
  button.setAttribute("aria-disabled", allowed ? "false" : "true");
  hint.textContent = text;
  hint.hidden = !text;
  if (text) button.setAttribute("aria-describedby", "resend-hint");
  else button.removeAttribute("aria-describedby");
}

async function resend() {
  const button = $("resend");
  if (button.getAttribute("aria-disabled") === "true" || button.getAttribute("aria-busy") === "true") return;
  const alertBox = $("code-alert");
  showAlert(alertBox, "");
  button.setAttribute("aria-busy", "true");
  try {
    const { data } = await post("/v1/sessions/otp/resend", { challengeId: challenge.id });
    challenge.resends++;
    $("otp").value = "";
    fieldError($("otp"), "");
    issued(Number(data?.expiresInSeconds) || DEFAULT_TTL);
    showAlert(alertBox, `We sent a new code to ${challenge.email}. Only the newest code works.`, "success");
    $("otp").focus();
  } catch (err) {
    showAlert(alertBox, explain(err));
  } finally {
    button.removeAttribute("aria-busy");
  }
}

async function submitCode(event) {
  event.preventDefault();
  const alertBox = $("code-alert");
  const input = $("otp");
  clearErrors($("code-form"), alertBox);
  let code = input.value.replace(/\D/g, "");
  if (challenge.recovery) {
    // Recovery codes are "xxxxx-xxxxx": ten letters and digits; case, spaces and the dash do not matter.
    code = input.value.trim().toLowerCase();
    if (code.replace(/[\s-]/g, "").length !== 10) {
      fieldError(input, "Enter one of your recovery codes: ten letters and digits, like 7hx2k-9mq4r.");
      input.focus();
      return;
    }
  } else if (code.length !== 6) {
    fieldError(input, `Enter the 6 digits from ${sources[challenge.method]}.`);
    input.focus();
    return;
  }
  const button = $("code-submit");
  busy(button, true, "Checking…");
  try {
    await post("/v1/sessions/otp", { challengeId: challenge.id, code });
    signedIn();
  } catch (err) {
    busy(button, false);
    codeFailed(err, input, alertBox);
  }
}

function codeFailed(err, input, alertBox) {
  if (!(err instanceof ApiError)) {
    showAlert(alertBox, explain(err));
    return;
  }
  switch (err.slug) {
    case "code-replayed":
      fieldError(input, err.detail || "This code was already used. Wait for the next code in your app.");
      input.select();
      input.focus();
      return;
    case "wrong-code": {
      const left = Number(err.problem.attemptsLeft);
      const what = challenge.recovery ? "recovery code" : "code";
      if (Number.isFinite(left) && left > 0) {
        fieldError(input, `That ${what} is not right. You have ${plural(left, "attempt")} left${challenge.method === "totp" ? "" : " with this code"}.`);
      } else {
        fieldError(input, challenge.method === "totp"
          ? `That ${what} is not right, and this sign-in takes no more codes.${nextStep()}`
          : `That code is not right, and it no longer works.${nextStep()}`);
      }
      input.select();
      input.focus();
      return;
    }
    case "code-expired":
      fieldError(input, `This code has expired.${nextStep()}`);
      input.focus();
      return;
    case "code-dead":
      fieldError(input, `Too many wrong codes: this code no longer works.${nextStep()}`);
      input.focus();
      return;
    case "code-used":
      showAlert(alertBox, challenge.method === "totp" ? err.detail || "This code has already been used." : "This code has already been used. Sign in again to get a new one.");
      return;
  }
  showAlert(alertBox, explain(err));
}

// nextStep says how to get a working code from here.
function nextStep() {
  if (challenge.method === "totp") return " Sign in again to try once more.";
  const now = Date.now();
  if (canResend(now)) return " Send a new code.";
  if (challenge.resends < MAX_RESENDS && !tooOld(now)) {
    return ` You can send a new code in ${plural(Math.ceil((challenge.resendAt - now) / 1000), "second")}.`;
  }
  return " Sign in again to get a new one.";
}

// explain turns the answers every step may get (locked, rate-limited, network) into plain words.
function explain(err) {
  if (!(err instanceof ApiError)) return "Something went wrong. Try again.";
  const wait = err.retryAfter;
  const until = wait ? ` (at ${clockTime(new Date(Date.now() + wait * 1000))})` : "";
  if (err.status === 423 || err.slug === "sign-in-locked" || err.slug === "locked") {
    return wait
      ? `Sign-in is locked for this account after too many failed attempts. Try again in ${duration(wait)}${until}.`
      : "Sign-in is locked for this account after too many failed attempts. Try again later.";
  }
  if (err.status === 429) {
    return wait ? `Too many attempts. Wait ${duration(wait)} and try again.` : "Too many attempts. Wait a moment and try again.";
  }
  return err.detail || err.message;
}

// answerWithPasskey answers this sign-in's challenge with a passkey: options for the challenge, the browser's
// ceremony, then the assertion (POST /v1/sessions/otp/passkey-options, then /v1/sessions/otp/passkey).
async function answerWithPasskey() {
  const { data } = await post("/v1/sessions/otp/passkey-options", { challengeId: challenge.id });
  const credential = await getPasskey(data.publicKey);
  await post("/v1/sessions/otp/passkey", { challengeId: challenge.id, credential });
}

// passkeyStep is the second step of a user whose method is the passkey.
async function passkeyStep() {
  const button = $("passkey-use");
  const alertBox = $("passkey-alert");
  showAlert(alertBox, "");
  busy(button, true, "Waiting for your passkey…");
  try {
    await answerWithPasskey();
    signedIn();
  } catch (err) {
    busy(button, false);
    showAlert(alertBox, passkeyTrouble(err));
    button.focus();
  }
}

// passkeyInstead answers the code step with a passkey. Cancelled or refused, it says why and leaves the code
// field as it was, for the code.
async function passkeyInstead() {
  const button = $("code-passkey");
  if (button.getAttribute("aria-busy") === "true") return;
  const alertBox = $("code-alert");
  showAlert(alertBox, "");
  busy(button, true, "Waiting for your passkey…");
  try {
    await answerWithPasskey();
    signedIn();
  } catch (err) {
    busy(button, false);
    showAlert(alertBox, codeStepTrouble(err));
    $("otp").focus();
  }
}

// codeStepTrouble is passkeyTrouble on the code step, where the passkey shares the code's time and guesses.
function codeStepTrouble(err) {
  if (err instanceof ApiError) {
    switch (err.slug) {
      case "code-expired":
        return `This sign-in step has expired.${nextStep()}`;
      case "code-dead":
        return `Too many failed attempts at this step.${nextStep()}`;
      case "code-used":
        return "This sign-in was already finished. Sign in again if you are not signed in.";
    }
  }
  return passkeyTrouble(err);
}

// passwordless signs in with a passkey alone (POST /v1/sessions/passkey-options, then /v1/sessions/passkey).
async function passwordless() {
  const button = $("passkey-signin");
  const alertBox = $("credentials-alert");
  clearErrors($("credentials-form"), alertBox);
  if (!supported()) {
    showAlert(alertBox, "This browser cannot use passkeys. Sign in with your email address and password.");
    return;
  }
  busy(button, true, "Waiting for your passkey…");
  try {
    const { data } = await post("/v1/sessions/passkey-options");
    const credential = await getPasskey(data.publicKey);
    await post("/v1/sessions/passkey", { credential });
    signedIn();
  } catch (err) {
    busy(button, false);
    showAlert(alertBox, passkeyTrouble(err));
  }
}

// passkeyTrouble says in plain words why a passkey did not sign in.
function passkeyTrouble(err) {
  if (cancelled(err)) return "No passkey was used: the request was cancelled or timed out. Try again when you are ready.";
  if (err instanceof ApiError && err.slug === "invalid-credentials") {
    return "This passkey does not sign in to an account here. Sign in with your email address and password.";
  }
  if (err instanceof ApiError && err.status === 410) return "This sign-in took too long. Try again.";
  return explain(err);
}

function restart() {
  window.clearInterval(challenge.timer);
  challenge.id = "";
  clearErrors($("code-form"), $("code-alert"));
  $("otp").value = "";
  showView("credentials", { focus: false });
  $("password").focus();
}

function signedIn() {
  window.clearInterval(challenge.timer);
  showView("done");
  location.assign(takeNext() || "/");
}
