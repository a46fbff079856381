// signin.js runs the two sign-in steps: email and password, then the 6-digit code sent by email, with its
// 60-second countdown and "Send a new code". The session cookie is HttpOnly: this page never sees it, it only
// learns that the server signed the browser in and moves on to the portal.

import { ApiError, get, post } from "./api.js";
import { $, announce, busy, clearErrors, clockTime, duration, fieldError, plural, prefillKey, showAlert, showView } from "./ui.js";

// The server's limits for codes (package otp): a new code at most every 30 seconds, at most 3 new codes per
// sign-in, none after 10 minutes. The server enforces them and always answers 202 to a resend; the page mirrors
// them so the button is only offered when a new code will really be sent.
const RESEND_INTERVAL = 30;
const MAX_RESENDS = 3;
const LIFETIME = 10 * 60;
const DEFAULT_TTL = 60;

const challenge = { id: "", email: "", startedAt: 0, expiresAt: 0, resendAt: 0, resends: 0, timer: 0, expiredSaid: false };

start();

function start() {
  $("credentials-form").addEventListener("submit", submitCredentials);
  $("code-form").addEventListener("submit", submitCode);
  $("resend").addEventListener("click", resend);
  $("restart").addEventListener("click", restart);
  $("show-password").addEventListener("change", (e) => {
    $("password").type = e.target.checked ? "text" : "password";
  });
  $("otp").addEventListener("input", () => {
    // People paste codes with spaces or dashes; keep the digits.
    const input = $("otp");
    const digits = input.value.replace(/\D/g, "").slice(0, 6);
    if (digits !== input.value) input.value = digits;
    fieldError(input, "");
  });
  const email = takePrefill();
  if (email) {
    $("email").value = email;
    $("password").focus();
  } else {
    $("email").focus();
  }
  // Someone who is already signed in has nothing to do here.
  get("/v1/me").then(() => location.replace("/"), () => {});
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
  challenge.email = email;
  challenge.resends = 0;
  challenge.startedAt = Date.now();
  $("code-email").textContent = email;
  showView("code", { focus: false });
  issued(Number(data.expiresInSeconds) || DEFAULT_TTL);
  $("otp").focus();
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
  if (left > 0) {
    countdown.textContent = `The code expires in ${plural(left, "second")}.`;
    countdown.dataset.state = left <= 10 ? "soon" : "running";
  } else {
    countdown.textContent = "The code has expired.";
    countdown.dataset.state = "expired";
    if (!challenge.expiredSaid) {
      challenge.expiredSaid = true;
      announce(canResend(now) ? "The code has expired. Send a new code." : "The code has expired.");
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
  const code = input.value.replace(/\D/g, "");
  if (code.length !== 6) {
    fieldError(input, "Enter the 6 digits from the email.");
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
    case "wrong-code": {
      const left = Number(err.problem.attemptsLeft);
      if (Number.isFinite(left) && left > 0) {
        fieldError(input, `That code is not right. You have ${plural(left, "attempt")} left with this code.`);
      } else {
        fieldError(input, `That code is not right, and it no longer works.${nextStep()}`);
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
      showAlert(alertBox, "This code has already been used. Sign in again to get a new one.");
      return;
  }
  showAlert(alertBox, explain(err));
}

// nextStep says how to get a working code from here.
function nextStep() {
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
  location.assign("/");
}
