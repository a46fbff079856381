// ui.js holds what every page shares: showing one view at a time, field errors wired to their inputs with
// aria-describedby, the live announcer, branding, and plain-language durations.

export const $ = (id) => document.getElementById(id);

// prefillKey is where the activation page leaves (in this tab's sessionStorage) the address it just
// activated, so the sign-in page can fill it in.
export const prefillKey = "partnerhub.signin.email";

// showView reveals one of a page's views (sections with data-view) and hides the others. With focus set it
// moves focus to the view's heading, so keyboard and screen-reader users land on what changed.
export function showView(id, { focus = true } = {}) {
  for (const v of document.querySelectorAll("[data-view]")) v.hidden = v.id !== id;
  const view = $(id);
  document.body.dataset.showing = id;
  if (focus && view) {
    const h = view.querySelector("h1, h2");
    if (h) {
      h.tabIndex = -1;
      h.focus();
    }
  }
}

// fieldError shows message under an input (in the element whose id is the input's id + "-error") and links
// it with aria-describedby; an empty message clears it.
export function fieldError(input, message) {
  const box = $(`${input.id}-error`);
  if (!box) return;
  box.textContent = message || "";
  box.hidden = !message;
  const ids = new Set((input.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean));
  if (message) {
    ids.add(box.id);
    input.setAttribute("aria-invalid", "true");
  } else {
    ids.delete(box.id);
    input.removeAttribute("aria-invalid");
  }
  if (ids.size) input.setAttribute("aria-describedby", [...ids].join(" "));
  else input.removeAttribute("aria-describedby");
}

// showFieldErrors puts a refused request's field problems (a 400's errors) under the inputs fields names by
// field, or, when none of them applies, a problem whose slug bySlug names under that input (a 409 such as a name
// taken). It returns the first input it marked, for the focus, or null.
export function showFieldErrors(err, fields, bySlug = {}) {
  let first = null;
  for (const x of (err && err.errors) || []) {
    if (!fields[x.field]) continue;
    fieldError(fields[x.field], x.detail);
    first ||= fields[x.field];
  }
  if (!first && err && bySlug[err.slug]) {
    first = bySlug[err.slug];
    fieldError(first, err.detail);
  }
  return first;
}

// clearErrors clears every field error of a form and its summary alert.
export function clearErrors(form, alertBox) {
  for (const input of form.querySelectorAll("input, select, textarea")) {
    if (input.id) fieldError(input, "");
  }
  if (alertBox) showAlert(alertBox, "");
}

// showAlert fills an alert box (role="alert") or hides it when text is empty.
export function showAlert(box, text, tone = "error") {
  box.textContent = text || "";
  box.hidden = !text;
  box.dataset.tone = tone;
}

// announce says something through the page's polite live region without moving focus.
export function announce(text) {
  const live = $("announcer");
  if (!live) return;
  // Clearing first makes screen readers repeat a message that is the same as the last one.
  live.textContent = "";
  window.setTimeout(() => {
    live.textContent = text;
  }, 50);
}

// busy disables a form's submit button while a request runs and labels it with what is happening.
export function busy(button, on, label) {
  if (on) {
    button.dataset.label = button.textContent;
    button.textContent = label;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
  } else {
    if (button.dataset.label) button.textContent = button.dataset.label;
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

const hexColour = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

// applyBranding sets the partner's colour (--brand, with a readable text colour --brand-ink), its name and
// logo, and its support address, on every element that asks for them. Anything malformed is ignored.
export function applyBranding(branding) {
  if (!branding || typeof branding !== "object") return;
  const root = document.documentElement;
  if (typeof branding.color === "string" && hexColour.test(branding.color.trim())) {
    const colour = branding.color.trim();
    root.style.setProperty("--brand", colour);
    root.style.setProperty("--brand-ink", inkFor(colour));
  }
  if (typeof branding.name === "string" && branding.name.trim()) {
    for (const el of document.querySelectorAll("[data-brand-name]")) el.textContent = branding.name.trim();
  }
  const logo = document.querySelector("[data-brand-logo]");
  if (logo && typeof branding.logoUrl === "string" && /^(https:\/\/|\/(?!\/))/.test(branding.logoUrl)) {
    logo.src = branding.logoUrl;
    logo.alt = "";
    logo.hidden = false;
    // A logo whose main colour is close to the header's sits on a chip of a colour the server chose for it
    // (branding.Backdrop): the chip's padding is always there, so it changes no size.
    const chip = typeof branding.logoBackdrop === "string" && hexColour.test(branding.logoBackdrop) ? branding.logoBackdrop : "";
    if (chip) root.style.setProperty("--brand-logo-bg", chip);
    else root.style.removeProperty("--brand-logo-bg");
    logo.toggleAttribute("data-backdrop", Boolean(chip));
  }
  if (typeof branding.supportEmail === "string" && branding.supportEmail.includes("@")) {
    for (const el of document.querySelectorAll("[data-brand-support]")) {
      el.textContent = branding.supportEmail;
      el.href = `mailto:${branding.supportEmail}`;
      el.closest("[data-brand-support-line]")?.removeAttribute("hidden");
    }
  } else if (typeof branding.supportUrl === "string" && /^https:\/\//.test(branding.supportUrl)) {
    // A partner may give a web address instead of an email address: the line then says "Visit".
    for (const el of document.querySelectorAll("[data-brand-support]")) {
      el.textContent = branding.supportUrl;
      el.href = branding.supportUrl;
      el.rel = "noopener";
      const line = el.closest("[data-brand-support-line]");
      if (line) {
        line.replaceChildren("Need help? Visit ", el, ".");
        line.removeAttribute("hidden");
      }
    }
  }
}

// inkFor picks black or white text for a background colour, whichever contrasts more (WCAG luminance).
export function inkFor(hex) {
  const lum = luminance(hex);
  return (1.05 / (lum + 0.05)) >= ((lum + 0.05) / 0.05) ? "#ffffff" : "#111111";
}

// contrastRatio is the WCAG contrast ratio of two #RGB or #RRGGBB colours, from 1 to 21.
export function contrastRatio(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

function luminance(hex) {
  let h = hex.slice(1);
  if (h.length === 3) h = [...h].map((c) => c + c).join("");
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = parseInt(h.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

// duration says a number of seconds the way a person would: "45 seconds", "2 minutes", "1 hour 5 minutes".
export function duration(seconds) {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return plural(s, "second");
  const m = Math.ceil(s / 60);
  if (m < 60) return plural(m, "minute");
  const h = Math.floor(m / 60);
  const rest = m % 60;
  return rest ? `${plural(h, "hour")} ${plural(rest, "minute")}` : plural(h, "hour");
}

export function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

// clockTime formats a moment as a local time of day ("14:05"), with the date when it is not today.
export function clockTime(date) {
  const sameDay = date.toDateString() === new Date().toDateString();
  const opts = sameDay ? { hour: "2-digit", minute: "2-digit" } : { dateStyle: "medium", timeStyle: "short" };
  return new Intl.DateTimeFormat(undefined, opts).format(date);
}

// dateTime formats a timestamp from the API for people, or returns "" when it is missing or malformed.
export function dateTime(value) {
  if (!value) return "";
  const d = new Date(value);
  if (Number.isNaN(d.getTime()) || d.getFullYear() < 2000) return "";
  return new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(d);
}

// el builds an element: properties the element has (className, hidden, type, …) are set as properties, others
// (aria-*, data-*, role) as attributes; strings and numbers among the children become text, never markup.
export function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "dataset") Object.assign(node.dataset, v);
    else if (k in node && !k.includes("-") && k !== "role") node[k] = v;
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(typeof c === "object" ? c : String(c));
  }
  return node;
}

// Names of account kinds and statuses as people read them.
export const kindTitles = { provider: "Platform provider", msp: "MSP", partner: "Partner", customer: "Customer" };
export const statusTitles = { pending: "Pending", active: "Active", disabled: "Disabled" };

// prospectBadge marks a customer account still in the prospect stage: a company not signed yet.
export function prospectBadge() {
  return el("span", { className: "pill", dataset: { status: "prospect" }, title: "A would-be customer: not signed yet, counted apart from customers." }, "Prospect");
}

// formatCount writes a whole number with the reader's digit grouping.
export function formatCount(n) {
  return new Intl.NumberFormat().format(Number.isFinite(n) ? n : 0);
}

// Role names as people read them; they follow the catalog in pkg/role (GET /v1/roles gives titles too). A name
// the page does not know is shown as the API spells it.
export const roleTitles = {
  "super-admin": "Super administrator",
  "account-admin": "Administrator",
  "msp-accounts": "Accounts",
  "msp-prospects": "Prospects",
  "implementation-lead": "Implementation lead",
  "partner-marketing": "Partner marketing",
  "partner-marketing-admin": "Partner marketing administrator",
  "read-only": "Read-only",
  "account-actions-control": "Account Actions Control",
  "support-staff": "Support partner staff",
};

// roleTitle names one role.
export function roleTitle(name) {
  return roleTitles[name] || String(name || "");
}

// Two-factor methods as people read them.
export const methodTitles = { email: "code by email", sms: "code by text message and email", totp: "authenticator app", passkey: "passkey" };

// twoFactorText says in words how a user signs in: {enabled, method} from the API.
export function twoFactorText(tf) {
  if (!tf || typeof tf !== "object") return "";
  if (tf.enabled === false) return "Off: the password alone signs in";
  const method = methodTitles[tf.method || "email"];
  return method ? `On: ${method}` : "On";
}

// nextKey is where a page that sends someone to sign in (the invitation page) leaves, in this tab's
// sessionStorage, the path to come back to; the sign-in page takes it once.
export const nextKey = "partnerhub.signin.next";

// remember stores a value in this tab's sessionStorage; storage may be switched off (private mode).
export function remember(key, value) {
  try {
    sessionStorage.setItem(key, value);
  } catch {
    // Without storage the next page simply starts without it.
  }
}

// takeNext reads, once, the path the sign-in page should go to after signing in: the sign-in address's own
// ?next= (a deep link that met a signed-out session) or else what a page left in storage (the invitation page).
// Only a path of this portal ("/users?q=elena", "/accept#…"), never another site ("//evil.example", "https://…").
export function takeNext() {
  let stored = "";
  try {
    stored = sessionStorage.getItem(nextKey) || "";
    sessionStorage.removeItem(nextKey);
  } catch {
    // Without storage only the address can say where to go.
  }
  return samePath(new URLSearchParams(location.search).get("next") || "") || samePath(stored);
}

// samePath is next when it is a relative path of this origin, else "". The pattern refuses "//host" and "/\host"
// (which browsers read as another host); parsing then refuses whatever else would leave the origin (tabs and
// newlines that browsers drop, for one).
export function samePath(next) {
  if (typeof next !== "string" || !/^\/(?![/\\])/.test(next) || /[\u0000-\u001f]/.test(next)) return "";
  try {
    const url = new URL(next, location.origin);
    return url.origin === location.origin ? url.pathname + url.search + url.hash : "";
  } catch {
    return "";
  }
}

// signInAddress is the sign-in page's address that brings the person back to where they are now.
export function signInAddress() {
  return withNext("/signin");
}

// stepsAddress is the steps page's address from here: like sign-in, it comes back to this page once the steps
// are done, so a deep link survives sign-in and first sign-in steps both.
export function stepsAddress() {
  return withNext("/steps");
}

// withNext is page with ?next= naming this address, unless this is the start page (where everyone lands anyway).
function withNext(page) {
  const here = location.pathname + location.search + location.hash;
  return here === "/" || !samePath(here) ? page : `${page}?next=${encodeURIComponent(here)}`;
}
