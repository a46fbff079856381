// passwordform.js runs a "choose a password" form's live rules, for the activation and the reset pages alike:
// each rule of rules.js gets a list item whose state (data-state met or unmet, and a word for screen readers)
// changes as the person types, and the changes are announced once typing pauses. The page keeps the inputs
// (#password, #confirm), the list (#password-rules) and the live region (#rules-live).

import { passwordRules } from "./rules.js";
import { $, el, fieldError } from "./ui.js";

// Server codes of password field errors (pkg/onboarding/password.go) in words.
export const passwordCodes = {
  too_short: "The password is too short.",
  too_long: "The password is too long.",
  common: "This password is too common: it is on a list of passwords attackers try first. Choose another one.",
  contains_email: "The password must not contain your email address.",
  blank: "The password cannot be only spaces.",
  required: "Enter a password.",
};

// livePasswordRules draws the rules for limits ({minLength, maxLength}) and the person's email, wires the
// inputs, and returns unmet(), the rules not met yet (without "match", which the form reports on the
// confirmation field).
export function livePasswordRules(limits, email) {
  const rules = passwordRules(limits || {}, email || "");
  const met = new Map();
  const announced = new Map();
  let timer = 0;
  $("password-rules").replaceChildren(...rules.map((rule) => {
    announced.set(rule.id, false);
    return el("li", { id: `rule-${rule.id}`, dataset: { rule: rule.id } },
      el("span", { className: "rule-icon", "aria-hidden": "true" }),
      el("span", {}, rule.text),
      el("span", { className: "sr-only rule-status" }));
  }));

  function update() {
    const password = $("password").value;
    const confirm = $("confirm").value;
    for (const rule of rules) {
      const ok = rule.test(password, confirm);
      met.set(rule.id, ok);
      const li = $(`rule-${rule.id}`);
      li.dataset.state = ok ? "met" : "unmet";
      li.querySelector(".rule-status").textContent = ok ? " (done)" : " (not yet)";
    }
    if (password || confirm) {
      fieldError($("password"), "");
      fieldError($("confirm"), "");
    }
    window.clearTimeout(timer);
    timer = window.setTimeout(announce, 700);
  }

  function announce() {
    const changed = rules.filter((r) => met.get(r.id) !== announced.get(r.id));
    if (!changed.length) return;
    for (const r of changed) announced.set(r.id, met.get(r.id));
    $("rules-live").textContent = rules.every((r) => met.get(r.id))
      ? "All password rules are met."
      : changed.map((r) => `${r.text}: ${met.get(r.id) ? "done" : "not yet"}.`).join(" ");
  }

  for (const id of ["password", "confirm"]) $(id).addEventListener("input", update);
  update();
  return { unmet: () => rules.filter((r) => r.id !== "match" && !met.get(r.id)) };
}
