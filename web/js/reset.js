// reset.js runs the password reset page, the link of a reset email (<portal>/reset#<token>). The token is in the
// URL fragment, which never leaves the browser except in the API path. The page shows whom the link is for and
// their security question (GET /v1/password-resets/{token}), checks the new password's rules as the person
// types, and sets it with the answer (POST …): every session of the user ends, and the person signs in again.

import { linkFailed as failed, showLinkProblem } from "./linkproblem.js";
import { ApiError, get, post } from "./api.js";
import { livePasswordRules, passwordCodes } from "./passwordform.js";
import { $, busy, clearErrors, clockTime, dateTime, duration, fieldError, plural, prefillKey, remember, showAlert, showView } from "./ui.js";
import { loadBrand, showBrand, titled } from "./brand.js";

const linkProblems = {
  "link-used": "This link has already been used",
  "link-expired": "This link has expired",
  "link-replaced": "This link was replaced by a newer one",
  "link-invalid": "This link is not valid",
};

const state = { path: "", email: "", rules: null };

window.addEventListener("hashchange", () => location.reload());
$("reset-form").addEventListener("submit", submit);
$("show-passwords").addEventListener("change", (e) => {
  for (const id of ["password", "confirm"]) $(id).type = e.target.checked ? "text" : "password";
});
$("answer").addEventListener("input", () => fieldError($("answer"), ""));

start();

async function start() {
  const token = location.hash.replace(/^#/, "").trim();
  if (!token) {
    showLinkProblem("This link is incomplete", "Open the link from your email again, making sure the whole link was copied.");
    loadBrand();
    return;
  }
  state.path = `/v1/password-resets/${encodeURIComponent(token)}`;
  try {
    const { data } = await get(state.path);
    showForm(data || {});
  } catch (err) {
    linkFailed(err);
    loadBrand(); // the link's own answer has no brand: the one its address names, if any
  }
}

function linkFailed(err) {
  failed(err, { titles: linkProblems, unusable: "This link cannot be used", fallback: "Ask for a new link.", what: "link" });
}

function showForm(link) {
  showBrand(link.branding);
  state.email = link.email || "";
  $("link-email").textContent = state.email || "your account";
  $("username").value = state.email;
  const expires = dateTime(link.expiresAt);
  if (expires) {
    $("link-expires").textContent = expires;
    $("link-expires").dateTime = link.expiresAt;
    $("link-expiry").hidden = false;
  }
  $("question-text").textContent = link.securityQuestion || "Your security question";
  state.rules = livePasswordRules(link.passwordRules, state.email);
  showView("reset", { focus: false });
  $("answer").focus();
}

// check validates the form in the browser; it returns the fields in error, in the order of the form.
function check() {
  const errors = [];
  const answer = $("answer");
  if (!answer.value.trim()) errors.push([answer, "Enter the answer to your security question."]);
  const password = $("password");
  const unmet = state.rules.unmet();
  if (!password.value) errors.push([password, "Choose a new password."]);
  else if (unmet.length) errors.push([password, `The password does not meet every rule: ${unmet.map((r) => r.text.toLowerCase()).join("; ")}.`]);
  const confirm = $("confirm");
  if (password.value && !confirm.value) errors.push([confirm, "Type the new password again to confirm it."]);
  else if (password.value && confirm.value !== password.value) errors.push([confirm, "The two passwords are not the same."]);
  return errors;
}

async function submit(e) {
  e.preventDefault();
  const alertBox = $("reset-alert");
  clearErrors($("reset-form"), alertBox);
  const errors = check();
  if (errors.length) {
    showErrors(errors, alertBox);
    return;
  }
  const button = $("reset-submit");
  busy(button, true, "Changing…");
  try {
    const { data } = await post(state.path, { securityAnswer: $("answer").value, password: $("password").value });
    const email = data?.email || state.email;
    $("done-email").textContent = email;
    const ended = Number(data?.sessionsEnded) || 0;
    $("done-sessions").textContent = ended ? `${plural(ended, "signed-in browser")} ${ended === 1 ? "was" : "were"} signed out.` : "";
    $("done-sessions").hidden = !ended;
    remember(prefillKey, email);
    titled("Your password is changed");
    showView("done");
  } catch (err) {
    busy(button, false);
    refused(err, alertBox);
  }
}

function refused(err, alertBox) {
  if (!(err instanceof ApiError)) {
    showAlert(alertBox, err.message);
    return;
  }
  if (err.status === 404 || err.status === 410) {
    linkFailed(err);
    return;
  }
  if (err.slug === "wrong-answer") {
    showErrors([[$("answer"), "That is not the answer you gave. Check it and try again: too many wrong answers lock sign-in for a while."]], alertBox);
    return;
  }
  if (err.status === 423 || err.slug === "sign-in-locked") {
    const wait = err.retryAfter;
    showAlert(alertBox, wait
      ? `Too many failed attempts: your account is locked for ${duration(wait)} (until ${clockTime(new Date(Date.now() + wait * 1000))}).`
      : "Too many failed attempts: your account is locked for a while. Try again later.");
    return;
  }
  const inputs = { securityAnswer: $("answer"), password: $("password") };
  const byField = new Map();
  for (const { field, code, detail } of err.errors) {
    const text = (field === "password" ? passwordCodes[code] || detail : detail) || `This field is not valid (${code}).`;
    byField.set(field, [...(byField.get(field) || []), text]);
  }
  if (byField.size) {
    showErrors([...byField].map(([field, texts]) => [inputs[field] || null, texts.join(" ")]), alertBox);
    return;
  }
  showAlert(alertBox, err.message);
}

function showErrors(errors, alertBox) {
  const loose = [];
  for (const [input, message] of errors) {
    if (input) fieldError(input, message);
    else loose.push(message);
  }
  const n = errors.filter(([i]) => i).length;
  const summary = n === 1 ? "Please fix the field marked below." : `Please fix the ${n} fields marked below.`;
  showAlert(alertBox, [loose.join(" "), n ? summary : ""].filter(Boolean).join(" "));
  const first = errors.find(([input]) => input);
  if (first) first[0].focus();
}
