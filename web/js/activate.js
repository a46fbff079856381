// activate.js runs the activation page: it reads the link's token from the URL fragment (fragments never
// leave the browser, so the token goes nowhere but the API path), shows whom the link is for, checks the
// password rules as the user types, and registers the user.

import { ApiError, get, post } from "./api.js";
import { livePasswordRules, passwordCodes } from "./passwordform.js";
import { $, busy, clearErrors, dateTime, fieldError, prefillKey, showAlert, showView } from "./ui.js";
import { loadBrand, showBrand, titled } from "./brand.js";

const OWN = "__own__";

// rules is the live password rules of the form (passwordform.js), once it is shown.
const state = { token: "", path: "", email: "", rules: null };

// What to say when a link cannot be used, by problem slug; the server's detail (whom to ask) comes after.
const linkProblems = {
  "link-used": ["This link has already been used", "If you activated your account already, sign in instead."],
  "link-expired": ["This link has expired", "Activation links work for a limited time."],
  "link-replaced": ["This link was replaced by a newer one", "A newer email was sent: use the link in the newest email."],
  "link-invalid": ["This link is not valid", "Check that you opened the whole link from your email."],
};

// A link pasted into a tab that shows another link changes only the fragment, which does not load the page.
window.addEventListener("hashchange", () => location.reload());

start();

async function start() {
  state.token = location.hash.replace(/^#/, "").trim();
  if (!state.token) {
    showLinkProblem("This link is incomplete", "Open the link from your activation email again, making sure the whole link was copied.");
    loadBrand();
    return;
  }
  state.path = `/v1/activations/${encodeURIComponent(state.token)}`;
  try {
    const { data } = await get(state.path);
    showForm(data || {});
  } catch (err) {
    linkFailed(err);
    loadBrand(); // the link's own answer has no brand: the one its address names, if any
  }
}

function linkFailed(err) {
  if (err instanceof ApiError && (err.status === 404 || err.status === 410)) {
    const [title, fallback] = linkProblems[err.slug] || ["This link cannot be used", "Ask your administrator for a new one."];
    showLinkProblem(title, err.detail || fallback, err.problem.contact, err.slug);
    return;
  }
  showLinkProblem("We could not check your link", err.message || "Something went wrong. Reload the page to try again.");
}

function showLinkProblem(title, detail, contact, slug = "") {
  $("link-problem-title").textContent = title;
  $("link-problem-detail").textContent = detail;
  $("link-problem").dataset.problem = slug;
  const line = $("link-problem-contact");
  if (contact && typeof contact === "object" && typeof contact.email === "string" && !detail.includes(contact.email)) {
    const a = $("link-problem-contact-link");
    a.textContent = contact.name ? `${contact.name} (${contact.email})` : contact.email;
    a.href = `mailto:${contact.email}`;
    line.hidden = false;
  }
  titled(title);
  showView("link-problem");
}

function showForm(link) {
  showBrand(link.branding);
  state.email = link.email || "";
  $("link-email").textContent = link.email || "your account";
  $("username").value = link.email || "";
  $("link-account").textContent = link.accountName || "PartnerHub";
  const expires = dateTime(link.expiresAt);
  if (expires) {
    $("link-expires").textContent = expires;
    $("link-expires").dateTime = link.expiresAt;
    $("link-expiry").hidden = false;
  }
  fillQuestions(Array.isArray(link.securityQuestions) ? link.securityQuestions : []);
  state.rules = livePasswordRules(link.passwordRules || {}, state.email);

  const form = $("activate-form");
  form.addEventListener("submit", submit);
  $("show-passwords").addEventListener("change", (e) => {
    for (const id of ["password", "confirm"]) $(id).type = e.target.checked ? "text" : "password";
  });
  $("question").addEventListener("change", () => {
    const own = $("question").value === OWN;
    $("own-question-field").hidden = !own;
    fieldError($("question"), "");
  });
  showView("activate", { focus: false });
  $("password").focus();
}

function fillQuestions(questions) {
  const select = $("question");
  select.replaceChildren(new Option("Choose a question", ""));
  for (const q of questions) if (typeof q === "string" && q) select.add(new Option(q, q));
  select.add(new Option("Write my own question…", OWN));
}

// check validates the form in the browser; it returns the fields in error, in the order of the form.
function check() {
  const errors = [];
  const unmet = state.rules.unmet();
  const password = $("password");
  if (!password.value) errors.push([password, "Enter a password."]);
  else if (unmet.length) {
    errors.push([password, `The password does not meet every rule: ${unmet.map((r) => r.text.toLowerCase()).join("; ")}.`]);
  }
  const confirm = $("confirm");
  if (password.value && !confirm.value) errors.push([confirm, "Type the password again to confirm it."]);
  else if (password.value && confirm.value !== password.value) errors.push([confirm, "The two passwords are not the same."]);
  const question = $("question");
  if (!question.value) errors.push([question, "Choose a security question, or write your own."]);
  else if (question.value === OWN && !$("own-question").value.trim()) errors.push([$("own-question"), "Write your security question."]);
  const answer = $("answer");
  if (!answer.value.trim()) errors.push([answer, "Enter the answer to your security question."]);
  return errors;
}

async function submit(event) {
  event.preventDefault();
  const form = $("activate-form");
  const alertBox = $("activate-alert");
  clearErrors(form, alertBox);
  const errors = check();
  if (errors.length) {
    showErrors(errors, alertBox);
    return;
  }
  const own = $("question").value === OWN;
  const body = {
    password: $("password").value,
    securityQuestion: own ? $("own-question").value.trim() : $("question").value,
    securityAnswer: $("answer").value,
  };
  const button = $("activate-submit");
  busy(button, true, "Activating…");
  try {
    const { data } = await post(state.path, body);
    const email = (data && data.email) || state.email;
    $("ready-email").textContent = email;
    try {
      sessionStorage.setItem(prefillKey, email);
    } catch {
      // Storage may be off (private mode); the sign-in page then simply starts empty.
    }
    titled("Your account is ready");
    showView("ready");
  } catch (err) {
    busy(button, false);
    if (err instanceof ApiError && (err.status === 404 || err.status === 410)) {
      linkFailed(err);
      return;
    }
    if (err instanceof ApiError && Object.keys(err.fields).length) {
      showErrors(serverErrors(err, own), alertBox);
      return;
    }
    showAlert(alertBox, err.message);
    alertBox.focus?.();
  }
}

// serverErrors puts the server's field errors next to the fields they name, every reason of a field together;
// an error on any other field goes to the alert.
function serverErrors(err, own) {
  const inputs = {
    password: $("password"),
    securityQuestion: own ? $("own-question") : $("question"),
    securityAnswer: $("answer"),
  };
  const byField = new Map();
  for (const { field, code, detail } of err.errors) {
    const text = (field === "password" ? passwordCodes[code] || detail : detail) || `This field is not valid (${code}).`;
    byField.set(field, [...(byField.get(field) || []), text]);
  }
  return [...byField].map(([field, texts]) => [inputs[field] || null, texts.join(" ")]);
}

function showErrors(errors, alertBox) {
  const loose = [];
  for (const [input, message] of errors) {
    if (input) fieldError(input, message);
    else loose.push(message);
  }
  const n = errors.length;
  const summary = n === 1 ? "Please fix the field marked below." : `Please fix the ${n} fields marked below.`;
  showAlert(alertBox, loose.length ? `${loose.join(" ")} ${errors.some(([i]) => i) ? summary : ""}`.trim() : summary);
  const first = errors.find(([input]) => input);
  if (first) first[0].focus();
}
