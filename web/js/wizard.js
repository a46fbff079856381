// wizard.js is the add-account wizard of the partners page: type → company details → point of contact with the
// two-step sign-in choice → a summary to confirm → POST /v1/accounts. Every step is a section of one form, so
// Enter moves on; focus goes to each step's heading, the stepper marks the current step, and every error the
// server names is shown next to its field, on the step that holds it, with a summary of links at the top.
//
// For MSPs and partners a short form takes only the company name and the contact's email address (profile
// "later"): the contact completes the company details at first sign-in.
//
// The step is in the address (/partners?add=<parent id>&step=contact), one history entry per step: the
// browser's Back goes to the previous step instead of leaving the wizard, and a reload comes back to the same
// step with what was typed (kept in this tab's sessionStorage until the account is created or the wizard left).

import { ApiError, post } from "./api.js";
import { $, announce, busy, el, fieldError, kindTitles, remember, showAlert, showView } from "./ui.js";
import { can, leaving } from "./session.js";

const steps = ["type", "company", "contact", "confirm"];

// draftKey is where the wizard keeps what was typed, so that a reload does not lose it.
const draftKey = "partnerhub.wizard.draft";

// wizardInURL reads the wizard's place from the address: {parentId, step}, or null when the wizard is not open.
export function wizardInURL() {
  const p = new URLSearchParams(location.search);
  const step = p.get("step");
  const parentId = p.get("add");
  return parentId && steps.includes(step) ? { parentId, step } : null;
}

// addressWithout is the current address without the wizard's parameters: the page the wizard was opened on.
export function addressWithout() {
  const p = new URLSearchParams(location.search);
  p.delete("add");
  p.delete("step");
  return `${location.pathname}${p.size ? `?${p}` : ""}`;
}

function addressAt(parentId, step) {
  const p = new URLSearchParams(location.search);
  p.set("add", parentId);
  p.set("step", step);
  return `${location.pathname}?${p}`;
}

const kindChoices = {
  msp: ["Managed service provider (MSP)", "Can add its own partners and customers."],
  partner: ["Partner", "Can add customers."],
  customer: ["Customer", "A company that uses the apps; it has no accounts below it."],
  prospect: ["Prospect", "A company you are working to sign: counted apart from customers. Its contact is invited when an administrator converts it to a customer."],
};

// choicesFor lists the wizard's account types below parent: the kinds it may create, then "prospect" (a customer
// in the prospect stage) when it may create prospects — the only type for a holder of the Prospects role alone.
export function choicesFor(parent) {
  const kinds = (parent.permissions?.createChild || []).filter((k) => k in kindChoices);
  if (parent.permissions?.createProspect) kinds.push("prospect");
  return kinds;
}

// fieldInputs maps the API's field names to the wizard's inputs (or fieldsets, for choices).
const fieldInputs = {
  kind: "w-kind",
  stage: "w-kind",
  profile: "w-form",
  "company.name": "w-name",
  "company.address": "w-address",
  "company.country": "w-country",
  "company.state": "w-state",
  "company.city": "w-city",
  "company.zipCode": "w-zip",
  "contact.name": "w-contact-name",
  "contact.email": "w-email",
  "contact.mobile": "w-mobile",
  "contact.phone": "w-phone",
  "twoFactor.enabled": "w-2fa",
  "twoFactor.method": "w-method",
};

// Names of fields in the error summary.
const fieldNames = {
  kind: "Type of account",
  stage: "Type of account",
  profile: "Company details",
  "company.name": "Company name",
  "company.address": "Address",
  "company.country": "Country",
  "company.state": "State or region",
  "company.city": "City",
  "company.zipCode": "Zip or postal code",
  "contact.name": "Contact's full name",
  "contact.email": "Contact's email address",
  "contact.mobile": "Mobile number",
  "contact.phone": "Phone number",
  "twoFactor.enabled": "Two-step sign-in",
  "twoFactor.method": "Code delivery",
};

const emailShape = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

// createWizard wires the wizard once. onCreated(created, parent, request) runs after a 201; onCancel when the
// user leaves the wizard. It returns open(parent), which starts the wizard below an account (an AccountView).
export function createWizard({ me, onCreated, onCancel }) {
  const state = { parent: null, step: "type", busy: false };
  const form = $("wizard-form");

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (state.step === "confirm") submit();
    else next();
  });
  // Back is the browser's Back when the previous entry is the previous step, so both stay one history.
  $("w-back").addEventListener("click", () => {
    if ((history.state?.wizardStep || 0) > 1) history.back();
    else go(steps[Math.max(0, steps.indexOf(state.step) - 1)]);
  });
  $("w-cancel").addEventListener("click", cancel);
  $("w-2fa").addEventListener("change", syncTwoFactor);
  for (const r of form.querySelectorAll('input[name="profile"]')) r.addEventListener("change", syncForm);
  form.addEventListener("input", (e) => {
    // An edited field's error no longer applies.
    if (e.target.id) fieldError(e.target, "");
    saveDraft();
  });
  form.addEventListener("change", saveDraft);
  $("wizard-alert").addEventListener("click", (e) => {
    const link = e.target.closest("a[data-field]");
    if (!link) return;
    e.preventDefault();
    focusField(link.dataset.field);
  });
  $("w-summary").addEventListener("click", (e) => {
    const b = e.target.closest("button[data-goto]");
    if (b) go(b.dataset.goto);
  });

  const manage2fa = can(me, "two-factor:manage");
  $("w-2fa").disabled = !manage2fa;
  $("w-2fa-hint").textContent = manage2fa
    ? "Recommended. As a super administrator you may switch it off for this contact."
    : "Always on for new contacts: only a super administrator can switch it off.";

  // open starts the wizard below parent at its first step, or with resume at step with the kept draft (a reload
  // or the browser's Forward).
  function open(parent, { step = "type", resume = false } = {}) {
    state.parent = parent;
    form.reset();
    clearAll();
    const kinds = choicesFor(parent);
    renderKinds(kinds);
    $("wizard-title").textContent = titleFor(kinds);
    $("wizard-parent").replaceChildren("Below ", el("strong", {}, parent.company?.name || parent.name || "your account"),
      ` (${kindTitles[parent.kind] || parent.kind})`);
    document.title = `${$("wizard-title").textContent} · PartnerHub`;
    if (resume) restoreDraft();
    else forgetDraft();
    syncForm();
    syncTwoFactor();
    showView("wizard", { focus: false });
    go(step, { record: resume ? "replace" : "push" });
  }

  // show moves to a step the address names (the browser's Back and Forward), without a new history entry.
  function show(step) {
    if (steps.includes(step)) go(step, { record: "none" });
  }

  // cancel leaves the wizard: back through its own history entries when it has them, so Back afterwards does
  // not come back into it.
  function cancel() {
    forgetDraft();
    const depth = history.state?.wizardStep || 0;
    if (depth > 0) {
      history.go(-depth); // the page's popstate shows the tree again
      return;
    }
    history.replaceState(null, "", addressWithout());
    onCancel();
  }

  function saveDraft() {
    if (!state.parent) return;
    const fields = {};
    for (const input of form.querySelectorAll("input[id], select[id], textarea[id]")) {
      fields[input.id] = input.type === "checkbox" || input.type === "radio" ? input.checked : input.value;
    }
    remember(draftKey, JSON.stringify({ parentId: state.parent.id, fields }));
  }

  function restoreDraft() {
    let draft = null;
    try {
      draft = JSON.parse(sessionStorage.getItem(draftKey) || "null");
    } catch {
      return;
    }
    if (!draft || draft.parentId !== state.parent.id || typeof draft.fields !== "object") return;
    for (const [id, val] of Object.entries(draft.fields)) {
      const input = $(id);
      if (!input || !form.contains(input) || input.disabled) continue;
      if (input.type === "checkbox" || input.type === "radio") input.checked = Boolean(val);
      else if (typeof val === "string") input.value = val;
    }
  }

  function forgetDraft() {
    try {
      sessionStorage.removeItem(draftKey);
    } catch {
      // Storage switched off: there is no draft to forget.
    }
  }

  function renderKinds(kinds) {
    const box = $("w-kinds");
    box.replaceChildren();
    for (const k of kinds) {
      const [title, hint] = kindChoices[k];
      const input = el("input", { type: "radio", name: "kind", id: `w-kind-${k}`, value: k, checked: kinds.length === 1 });
      input.addEventListener("change", () => {
        fieldError($("w-kind"), "");
        syncForm();
      });
      box.append(el("div", { className: "choice" }, input,
        el("label", { htmlFor: `w-kind-${k}` }, title, " ", el("span", { className: "choice-hint" }, hint))));
    }
  }

  function kind() {
    return form.querySelector('input[name="kind"]:checked')?.value || "";
  }

  function short() {
    return (kind() === "msp" || kind() === "partner") && $("w-form-short").checked;
  }

  // syncForm shows the short-form choice for MSPs and partners and hides what the short form leaves out.
  function syncForm() {
    const k = kind();
    $("w-form").hidden = !(k === "msp" || k === "partner");
    const s = short();
    for (const part of form.querySelectorAll("[data-full]")) part.hidden = s;
    $("w-company-hint").textContent = s
      ? "Short form: only the company name now. The point of contact fills in the address at first sign-in."
      : "The company's name and address.";
  }

  function syncTwoFactor() {
    $("w-method").disabled = !$("w-2fa").checked;
    // SMS needs a verified mobile, which a new contact cannot have: it stays unavailable here.
    $("w-method-sms").disabled = true;
  }

  // go shows a step; record says what happens to the address: "push" a new history entry, "replace" this one,
  // or "none" (the address already names the step).
  function go(step, { record = "push" } = {}) {
    const depth = history.state?.wizardStep || 0;
    if (record === "push" && !(step === state.step && depth > 0)) {
      history.pushState({ wizardStep: depth + 1 }, "", addressAt(state.parent.id, step));
    } else if (record === "replace") {
      history.replaceState({ wizardStep: depth }, "", addressAt(state.parent.id, step));
    }
    state.step = step;
    for (const section of form.querySelectorAll("section[data-step]")) section.hidden = section.dataset.step !== step;
    const at = steps.indexOf(step);
    for (const li of $("stepper").querySelectorAll("li")) {
      const i = steps.indexOf(li.dataset.step);
      if (i === at) li.setAttribute("aria-current", "step");
      else li.removeAttribute("aria-current");
      li.dataset.state = i < at ? "done" : i === at ? "current" : "todo";
    }
    $("w-back").hidden = at === 0;
    $("w-next").textContent = step === "confirm" ? "Create account" : "Next";
    if (step === "confirm") renderSummary();
    const h = form.querySelector(`section[data-step="${step}"] h2`);
    h.tabIndex = -1;
    h.focus();
  }

  // next checks the current step's required fields (the server checks everything again) and moves on.
  function next() {
    showAlert($("wizard-alert"), "");
    const problems = check(state.step);
    for (const [id, message] of problems) fieldError($(id), message);
    if (problems.length) {
      $(problems[0][0]).focus?.();
      if (problems[0][0] === "w-kind") form.querySelector('input[name="kind"]')?.focus();
      return;
    }
    go(steps[steps.indexOf(state.step) + 1]);
  }

  function check(step) {
    const out = [];
    const need = (id, message) => {
      const input = $(id);
      if (!input.closest("[hidden]") && !input.value.trim()) out.push([id, message]);
    };
    if (step === "type" && !kind()) out.push(["w-kind", "Choose the kind of account."]);
    if (step === "company") {
      need("w-name", "Enter the company name.");
      need("w-address", "Enter the address.");
      need("w-country", "Enter the country.");
      need("w-city", "Enter the city.");
    }
    if (step === "contact") {
      need("w-contact-name", "Enter the contact's full name.");
      const email = $("w-email").value.trim();
      if (!email) out.push(["w-email", "Enter the contact's email address."]);
      else if (!emailShape.test(email)) out.push(["w-email", "Enter an email address like name@example.com."]);
    }
    return out;
  }

  function request() {
    const v = (id) => $(id).value.trim();
    const s = short();
    const prospect = kind() === "prospect";
    const body = {
      // A prospect is a customer account in the prospect stage.
      kind: prospect ? "customer" : kind(),
      ...(prospect ? { stage: "prospect" } : {}),
      parentId: state.parent.id,
      profile: s ? "later" : "now",
      company: s ? { name: v("w-name") } : {
        name: v("w-name"), address: v("w-address"), country: v("w-country"), state: v("w-state"), city: v("w-city"), zipCode: v("w-zip"),
      },
      contact: s ? { email: v("w-email") } : { name: v("w-contact-name"), email: v("w-email"), mobile: v("w-mobile"), phone: v("w-phone") },
      twoFactor: { enabled: $("w-2fa").checked, method: "email" },
    };
    return body;
  }

  function renderSummary() {
    const r = request();
    const rows = (pairs) => el("dl", { className: "facts" }, pairs.filter(([, val]) => val).flatMap(([k, val]) => [el("dt", {}, k), el("dd", {}, val)]));
    const part = (title, step, pairs) => el("section", { className: "summary-part", "aria-label": title },
      el("div", { className: "summary-head" }, el("h3", {}, title),
        el("button", { type: "button", className: "link", dataset: { goto: step } }, "Change", el("span", { className: "sr-only" }, ` ${title.toLowerCase()}`))),
      rows(pairs));
    const c = r.company;
    $("w-summary").replaceChildren(
      part("Type", "type", [
        ["Kind", kindChoices[r.stage === "prospect" ? "prospect" : r.kind]?.[0] || r.kind],
        ["Below", state.parent.company?.name || state.parent.name],
        ["Form", r.profile === "later" ? "Short form: the contact completes the company details" : ""],
      ]),
      part("Company", "company", [
        ["Name", c.name], ["Address", c.address], ["City", c.city], ["State or region", c.state], ["Zip or postal code", c.zipCode], ["Country", c.country],
      ]),
      part("Point of contact", "contact", [
        ["Name", r.contact.name], ["Email", r.contact.email], ["Mobile", r.contact.mobile], ["Phone", r.contact.phone],
        ["Two-step sign-in", r.twoFactor.enabled ? "On: a code by email at every sign-in" : "Off"],
      ]),
    );
  }

  async function submit() {
    if (state.busy) return;
    const body = request();
    clearAll();
    state.busy = true;
    busy($("w-next"), true, "Creating…");
    let data;
    try {
      ({ data } = await post("/v1/accounts", body));
    } catch (err) {
      // The label goes back first: failed() may move to another step, which names the button anew.
      busy($("w-next"), false);
      state.busy = false;
      if (!leaving(err)) failed(err);
      return;
    }
    busy($("w-next"), false);
    state.busy = false;
    forgetDraft();
    // The created account's page replaces the last step: there is nothing to go back to submit again.
    history.replaceState(null, "", addressWithout());
    onCreated(data || {}, state.parent, body);
  }

  // failed shows the server's verdict: each field's error next to it, on the earliest step that has one, and
  // a summary with links to each.
  function failed(err) {
    const box = $("wizard-alert");
    const errors = err instanceof ApiError ? err.errors : [];
    const known = errors.filter((e) => fieldInputs[e.field]);
    if (!known.length) {
      const message = err instanceof ApiError && err.status === 403
        ? `You cannot add this account: ${err.detail || err.message}`
        : err.message;
      showAlert(box, message);
      box.tabIndex = -1;
      box.focus();
      return;
    }
    const seen = new Set();
    for (const e of known) {
      if (seen.has(e.field)) continue;
      seen.add(e.field);
      fieldError($(fieldInputs[e.field]), e.detail || "Check this field.");
    }
    box.replaceChildren(
      el("p", {}, el("strong", {}, known.length === 1 ? "One thing needs fixing:" : `${seen.size} things need fixing:`)),
      el("ul", {}, [...seen].map((f) => el("li", {},
        el("a", { href: `#${fieldInputs[f]}`, dataset: { field: f } }, fieldNames[f] || f),
        `: ${known.find((e) => e.field === f).detail}`))),
    );
    box.dataset.tone = "error";
    box.hidden = false;
    const first = known.map((e) => e.field).sort((a, b) => stepOf(a) - stepOf(b))[0];
    go(steps[stepOf(first)]);
    focusField(first);
    announce(`${seen.size === 1 ? "One field needs" : `${seen.size} fields need`} fixing.`);
  }

  function stepOf(field) {
    if (field === "kind" || field === "stage" || field === "profile") return 0;
    if (field.startsWith("company.")) return 1;
    return 2;
  }

  function focusField(field) {
    const step = steps[stepOf(field)];
    if (state.step !== step) go(step);
    const target = $(fieldInputs[field]);
    const focusable = target?.matches("fieldset") ? target.querySelector("input:not([disabled])") : target;
    focusable?.focus();
  }

  function clearAll() {
    for (const id of Object.values(fieldInputs)) fieldError($(id), "");
    showAlert($("wizard-alert"), "");
  }

  return { open, show };
}

// titleFor names the wizard by what it can add.
function titleFor(kinds) {
  if (kinds.length === 1) return `Add ${kinds[0] === "msp" ? "an MSP" : `a ${kinds[0]}`}`;
  if (kinds.length === 2 && kinds.includes("customer") && kinds.includes("prospect")) return "Add a customer or prospect";
  if (!kinds.includes("customer")) return "Add a partner";
  return "Add an account";
}
