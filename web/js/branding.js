// branding.js runs the branding settings of an MSP or partner (/branding, or /branding?account=<id> for an
// account below the caller's): the logo (uploaded as the raw image to PUT …/branding/logo), the primary colour
// (a colour picker and its #RRGGBB text kept in step), the support channel and the name shown, with a live
// preview of a header, a button and a footer in those colours before anything is saved.
//
// While the provider has not enabled branding for the account, the page says so; the provider sees the switch.

import { ApiError, get, put, upload } from "./api.js";
import { $, announce, applyBranding, busy, clockTime, contrastRatio, fieldError, inkFor, showAlert, showView } from "./ui.js";
import { can, leaving, signedIn } from "./session.js";

const state = { me: null, id: "", account: null, view: null, file: null, fileURL: "", mayManage: false };

const hex6 = /^#[0-9a-f]{6}$/i;

// The API's field names and the inputs that show their errors.
const fieldInputs = { name: "brand-name", color: "color", supportEmail: "support-email", supportUrl: "support-url", body: "logo" };

// A file this large is refused without sending it: the server would refuse it too (its limit is 100 KB).
const sendLimit = 5 << 20;

start();

async function start() {
  try {
    state.me = await signedIn();
    state.id = new URLSearchParams(location.search).get("account") || state.me.currentAccount?.id || "";
    await load();
  } catch (err) {
    if (leaving(err)) return;
    fail(err.message);
  }
}

function fail(message) {
  $("failed-alert").textContent = message;
  showView("failed");
}

async function load() {
  const path = `/v1/accounts/${encodeURIComponent(state.id)}`;
  const [acc, view] = await Promise.all([get(path), get(`${path}/branding`)]);
  state.account = acc.data || {};
  state.view = view.data || {};
  const kind = state.account.kind;
  if (kind !== "msp" && kind !== "partner") {
    fail("Branding is for MSP and partner accounts: they set the logo, colour and support channel of everything below them.");
    return;
  }
  const mine = state.id === state.me.currentAccount?.id;
  state.mayManage = can(state.me, "branding:manage") &&
    (mine || state.account.parent?.id === state.me.currentAccount?.id || can(state.me, "hierarchy:act"));
  // Someone branding an account below their own came from the partners page: offer the way back there.
  if (!mine) {
    const back = state.account.parent?.id && state.account.parent.id !== state.me.currentAccount?.id
      ? `/partners?account=${encodeURIComponent(state.account.parent.id)}` : "/partners";
    for (const id of ["back-link", "off-back-link"]) {
      $(id).href = back;
      $(id).textContent = `Back to ${state.account.parent?.name || "the partners"}`;
    }
    $("back").hidden = $("off-back").hidden = false;
  }
  if (!state.view.enabled) showOff();
  else showEditor();
}

function name() {
  return state.account.company?.name || "this account";
}

// ---- Branding not enabled ----

function showOff() {
  const above = state.view.effective?.name || "PartnerHub";
  $("off-title").textContent = `Branding of ${name()}`;
  $("off-text").textContent = `Branding is not enabled for ${name()}. The PartnerHub provider enables it for partners. ` +
    `Until then ${name()} and the accounts below it show the branding of ${above}.`;
  const enabler = can(state.me, "branding:enable");
  $("off-switch").hidden = !enabler;
  const input = $("off-enabled");
  input.checked = false;
  input.onchange = enabler ? enable : null;
  document.title = `Branding of ${name()} · PartnerHub`;
  showView("off");
}

async function enable() {
  const input = $("off-enabled");
  input.disabled = true;
  try {
    const { data } = await put(`/v1/accounts/${encodeURIComponent(state.id)}/branding/enabled`, { enabled: true });
    state.view = data || {};
    announce(`Branding enabled for ${name()}.`);
    showEditor();
  } catch (err) {
    if (leaving(err)) return;
    input.checked = false;
    showAlert($("off-alert"), `Branding could not be enabled: ${err.message}`);
  } finally {
    input.disabled = false;
  }
}

// ---- The editor ----

let wired = false;

function showEditor() {
  showWarnings(state.view.warnings);
  $("editor-title").textContent = `Branding of ${name()}`;
  $("editor-intro").textContent = `The logo, colour and support channel are shown in the portal and in the emails of ${name()} and of every account below it.`;
  document.title = `Branding of ${name()} · PartnerHub`;
  fill(state.view);
  if (!wired) wire();
  const form = $("brand-form");
  for (const input of form.querySelectorAll("input, button")) input.disabled = !state.mayManage;
  if (!state.mayManage) showAlert($("editor-alert"), "Your role lets you see this branding but not change it.", "info");
  showView("editor");
}

function wire() {
  wired = true;
  $("brand-form").addEventListener("submit", save);
  $("color").addEventListener("input", () => {
    fieldError($("color"), "");
    const v = $("color").value.trim();
    if (hex6.test(v)) $("color-picker").value = v.toLowerCase();
    preview();
  });
  $("color-picker").addEventListener("input", () => {
    $("color").value = $("color-picker").value;
    fieldError($("color"), "");
    preview();
  });
  for (const id of ["support-email", "support-url", "brand-name"]) {
    $(id).addEventListener("input", () => {
      fieldError($(id), "");
      preview();
    });
  }
  $("logo").addEventListener("change", chooseLogo);
  // A chosen file that the browser cannot show (not an image after all) leaves no broken picture behind.
  $("preview-logo").addEventListener("error", () => { $("preview-logo").hidden = true; });
  $("logo-keep").addEventListener("click", () => {
    $("logo").value = "";
    chooseLogo();
    $("logo").focus();
  });
}

// fill puts a branding view into the form; the colour falls back to the branding shown now.
function fill(v) {
  const colour = v.color || v.effective?.color || "#1f5fbf";
  $("color").value = colour;
  if (hex6.test(colour)) $("color-picker").value = colour.toLowerCase();
  $("support-email").value = v.supportEmail || "";
  $("support-url").value = v.supportUrl || "";
  $("brand-name").value = v.name || "";
  const img = $("logo-current");
  if (v.logoUrl) {
    img.src = v.logoUrl;
    img.alt = `Current logo of ${name()}`;
  }
  img.hidden = !v.logoUrl;
  $("logo-none").hidden = Boolean(v.logoUrl);
  preview();
}

function chooseLogo() {
  fieldError($("logo"), "");
  if (state.fileURL) URL.revokeObjectURL(state.fileURL);
  state.fileURL = "";
  state.file = $("logo").files?.[0] || null;
  if (state.file) state.fileURL = URL.createObjectURL(state.file);
  $("logo-keep").hidden = !state.file || !state.view.logoUrl;
  preview();
}

// preview draws the mini portal with what the form holds now.
function preview() {
  const box = $("preview");
  const colour = $("color").value.trim();
  const valid = hex6.test(colour);
  const shown = valid ? colour.toLowerCase() : (state.view.color || state.view.effective?.color || "#1f5fbf");
  const ink = inkFor(shown);
  box.style.setProperty("--p-brand", shown);
  box.style.setProperty("--p-ink", ink);
  box.dataset.color = shown;

  $("preview-name").textContent = $("brand-name").value.trim() || name();
  const logo = $("preview-logo");
  const src = state.fileURL || state.view.logoUrl || "";
  if (src) logo.src = src;
  logo.hidden = !src;
  // The saved logo's main colour decides its chip, as the header does (branding.Backdrop); a new file's is
  // known once saved.
  const logoColour = !state.fileURL && hex6.test(state.view.logoColor || "") ? state.view.logoColor : "";
  const chip = logoColour && contrastRatio(logoColour, shown) < 3 ? inkFor(logoColour) : "";
  if (chip) box.style.setProperty("--p-logo-bg", chip);
  else box.style.removeProperty("--p-logo-bg");

  const email = $("support-email").value.trim();
  const url = $("support-url").value.trim();
  const foot = $("preview-foot");
  if (email && url) foot.textContent = `Need help? Write to ${email} or visit ${url}.`;
  else if (email) foot.textContent = `Need help? Write to ${email}.`;
  else if (url) foot.textContent = `Need help? Visit ${url}.`;
  else foot.textContent = "Add a support channel to show it here.";

  const onWhite = contrastRatio(shown, "#ffffff");
  const onInk = contrastRatio(shown, ink);
  const inkName = ink === "#ffffff" ? "white" : "black";
  let text = `Text on this colour will be ${inkName} (contrast ${onInk.toFixed(1)}:1).`;
  if (onWhite < 3) text += ` Links and outlines in this colour are hard to see on white (${onWhite.toFixed(1)}:1); a darker shade reads better.`;
  if (!valid && colour) text = "The preview keeps the last valid colour until the code has # and six hexadecimal digits.";
  $("contrast").textContent = text;
}

function check() {
  const problems = [];
  const colour = $("color").value.trim();
  if (!colour) problems.push(["color", "Choose the primary colour."]);
  else if (!hex6.test(colour)) problems.push(["color", "Write the colour as # and six hexadecimal digits, like #1F5FBF."]);
  if (!$("support-email").value.trim() && !$("support-url").value.trim()) {
    problems.push(["support-email", "Give a support email address, a web address, or both."]);
  }
  if (state.file && state.file.size > sendLimit) problems.push(["logo", "The logo is larger than 100 KB."]);
  return problems;
}

async function save(e) {
  e.preventDefault();
  for (const id of Object.values(fieldInputs)) fieldError($(id), "");
  showAlert($("editor-alert"), "");
  $("save-status").textContent = "";
  const problems = check();
  if (problems.length) {
    for (const [id, message] of problems) fieldError($(id), message);
    $(problems[0][0]).focus();
    return;
  }
  const button = $("save");
  const base = `/v1/accounts/${encodeURIComponent(state.id)}/branding`;
  busy(button, true, "Saving…");
  let logoSaved = false;
  try {
    if (state.file) {
      const { data } = await upload("PUT", `${base}/logo`, state.file);
      state.view = data || state.view;
      logoSaved = true;
      $("logo").value = "";
      chooseLogo();
    }
    const body = { color: $("color").value.trim(), supportEmail: $("support-email").value.trim(), supportUrl: $("support-url").value.trim() };
    const shownName = $("brand-name").value.trim();
    if (shownName) body.name = shownName;
    const { data } = await put(base, body);
    state.view = data || state.view;
    fill(state.view);
    showWarnings(state.view.warnings);
    const message = `Branding saved at ${clockTime(new Date())}.`;
    $("save-status").textContent = message;
    $("save-status").dataset.state = "saved";
    if (state.id === state.me.currentAccount?.id) applyBranding(state.view.effective);
    announce(message);
  } catch (err) {
    if (leaving(err)) return;
    if (logoSaved) fill(state.view);
    failed(err, logoSaved);
  } finally {
    busy(button, false);
  }
}

// failed shows each field's error next to it; anything else goes in the alert above the form.
function failed(err, logoSaved) {
  const errors = err instanceof ApiError ? err.errors.filter((x) => fieldInputs[x.field]) : [];
  const prefix = logoSaved ? "The logo was saved, but the other settings were not. " : "";
  if (errors.length) {
    for (const x of errors) fieldError($(fieldInputs[x.field]), x.detail || "Check this field.");
    $(fieldInputs[errors[0].field]).focus();
    if (prefix) showAlert($("editor-alert"), prefix);
    return;
  }
  let message = err.message;
  if (err instanceof ApiError && err.status === 415) {
    fieldError($("logo"), "The logo must be a PNG, JPEG or WebP image.");
    $("logo").focus();
    return;
  }
  if (err instanceof ApiError && err.slug === "branding-not-enabled") message = `${err.detail} Reload the page to see the current state.`;
  showAlert($("editor-alert"), prefix + message);
  $("editor-alert").tabIndex = -1;
  $("editor-alert").focus();
}

// showWarnings lists what the server found reads badly with the saved settings (low contrast of the header's
// text, a logo that blends into the header), or hides the list when there is nothing.
function showWarnings(warnings) {
  const list = $("brand-warnings-list");
  const items = (Array.isArray(warnings) ? warnings : []).filter((w) => w && typeof w.message === "string");
  list.replaceChildren(...items.map((w) => {
    const li = document.createElement("li");
    li.textContent = w.message;
    li.dataset.code = w.code || "";
    return li;
  }));
  $("brand-warnings").hidden = items.length === 0;
}
