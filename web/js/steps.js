// steps.js runs the first sign-in steps that /v1/me lists as pendingSteps, in order: the license agreement
// ("license": read it, then "I agree" posts its version) and, for an account created with the short form, the
// company profile ("profile": PUT /v1/me/company). Until they are done the API refuses everything else with
// 403 pending-step, so every signed-in page sends people here; when none is left they go to the start page.

import { ApiError, get, post, put } from "./api.js";
import { $, announce, busy, el, fieldError, showAlert, showView, takeNext } from "./ui.js";
import { leaving, pendingSteps, startPage } from "./session.js";

const state = { me: null, steps: [], total: 0, license: null };

const profileFields = { name: "p-name", address: "p-address", country: "p-country", state: "p-state", city: "p-city", zipCode: "p-zip" };

$("agree").addEventListener("click", agree);
$("decline").addEventListener("click", () => $("signout").click());
$("profile-form").addEventListener("submit", saveProfile);
$("profile-form").addEventListener("input", (e) => e.target.id && fieldError(e.target, ""));

startPage({ steps: true, open });

async function open(me) {
  state.me = me;
  state.steps = pendingSteps(me);
  state.total = state.steps.length;
  for (const n of document.querySelectorAll("[data-account-name]")) n.textContent = me.currentAccount?.name || "your organisation";
  await next();
}

// next shows the first pending step, or, when none is left, leaves for the page that sent the person here (a
// deep link opened before the steps were done, ?next=) or else the start page.
async function next() {
  const step = state.steps[0];
  if (!step) {
    location.replace(takeNext() || "/");
    return;
  }
  if (step === "license") return showLicense();
  if (step === "profile") return showProfile();
  $("blocked-title").textContent = "One more step is needed";
  $("blocked-text").textContent = `This version of the portal cannot show the step "${step}". Reload the page, or ask your administrator.`;
  showView("blocked");
}

function stepLabel() {
  const n = state.total - state.steps.length + 1;
  return state.total > 1 ? `Step ${n} of ${state.total}` : "Before you start";
}

// ---- License ----

async function showLicense() {
  const { data } = await get("/v1/license");
  state.license = data || {};
  $("license-step").textContent = stepLabel();
  $("license-title").textContent = state.license.title || "License agreement";
  $("license-text").replaceChildren(...markdown(state.license.text || "", state.license.title));
  const v = state.license.version || "";
  $("license-version").textContent = v && !(state.license.text || "").includes(v) ? `Version ${v}.` : "";
  document.title = `${$("license-title").textContent} · PartnerHub`;
  showView("license");
}

async function agree() {
  const button = $("agree");
  showAlert($("license-alert"), "");
  busy(button, true, "Saving…");
  try {
    const { data } = await post("/v1/me/license-acceptance", { version: state.license.version });
    state.steps = pendingSteps(data || {});
    announce("You accepted the license agreement.");
    await next();
  } catch (err) {
    if (leaving(err)) return;
    if (err instanceof ApiError && err.slug === "license-outdated") {
      await showLicense();
      showAlert($("license-alert"), "The agreement changed while you were reading it. This is the current version: read it and agree again.", "info");
      return;
    }
    showAlert($("license-alert"), err.message);
  } finally {
    busy(button, false);
  }
}

// markdown turns the agreement's Markdown (headings, paragraphs, lists, **bold**) into elements, as text: it
// never becomes markup. A first heading that repeats the title is left out.
function markdown(text, title) {
  const out = [];
  const blocks = text.replace(/\r\n/g, "\n").split(/\n{2,}/);
  for (const block of blocks) {
    const lines = block.split("\n").map((l) => l.trim()).filter(Boolean);
    if (!lines.length) continue;
    const heading = /^(#{1,4})\s+(.*)$/.exec(lines[0]);
    if (heading && lines.length === 1) {
      if (!out.length && heading[2] === title) continue;
      // The page's h1 is the title: the document's sections ("##") are h2, and deeper headings follow from there.
      out.push(el(`h${Math.min(Math.max(heading[1].length, 2), 4)}`, {}, inline(heading[2])));
      continue;
    }
    const ordered = /^\d+[.)]\s+/.test(lines[0]);
    const marker = ordered ? /^\d+[.)]\s+/ : /^[-*]\s+/.test(lines[0]) ? /^[-*]\s+/ : null;
    if (marker) {
      // A list: a line with the marker starts an item, the lines after it continue that item.
      const items = [];
      for (const l of lines) {
        if (marker.test(l) || !items.length) items.push(l.replace(marker, ""));
        else items[items.length - 1] += ` ${l}`;
      }
      out.push(el(ordered ? "ol" : "ul", {}, items.map((i) => el("li", {}, inline(i)))));
      continue;
    }
    out.push(el("p", {}, inline(lines.join(" "))));
  }
  return out;
}

function inline(s) {
  return s.split(/(\*\*[^*]+\*\*)/).filter(Boolean).map((part) => (/^\*\*[^*]+\*\*$/.test(part) ? el("strong", {}, part.slice(2, -2)) : part));
}

// ---- Company profile ----

function showProfile() {
  $("profile-step").textContent = stepLabel();
  $("p-name").value ||= state.me.currentAccount?.name || "";
  document.title = "Complete your company profile · PartnerHub";
  showView("profile", { focus: false });
  $("profile-title").tabIndex = -1;
  $("profile-title").focus();
}

async function saveProfile(e) {
  e.preventDefault();
  for (const id of Object.values(profileFields)) fieldError($(id), "");
  showAlert($("profile-alert"), "");
  const body = {};
  for (const [field, id] of Object.entries(profileFields)) body[field] = $(id).value.trim();
  const missing = [["address", "Enter the address."], ["city", "Enter the city."], ["country", "Enter the country."]].filter(([f]) => !body[f]);
  if (!body.name) missing.unshift(["name", "Enter the company name."]);
  if (missing.length) {
    for (const [f, message] of missing) fieldError($(profileFields[f]), message);
    $(profileFields[missing[0][0]]).focus();
    return;
  }
  const button = $("profile-save");
  busy(button, true, "Saving…");
  try {
    const { data } = await put("/v1/me/company", body);
    state.steps = pendingSteps(data || {});
    announce("Company profile saved.");
    await next();
  } catch (err) {
    if (leaving(err)) return;
    profileFailed(err);
  } finally {
    busy(button, false);
  }
}

function profileFailed(err) {
  if (!(err instanceof ApiError)) {
    showAlert($("profile-alert"), err.message);
    return;
  }
  if (err.status === 403 && err.slug === "forbidden") {
    $("blocked-text").textContent = `${err.detail} Once they have, you can use PartnerHub.`;
    showView("blocked");
    return;
  }
  if (err.slug === "profile-complete") {
    // Someone else completed it meanwhile: nothing left to do here.
    state.steps = state.steps.filter((s) => s !== "profile");
    next();
    return;
  }
  const known = err.errors.filter((x) => profileFields[x.field]);
  for (const x of known) fieldError($(profileFields[x.field]), x.detail);
  if (known.length) $(profileFields[known[0].field]).focus();
  else showAlert($("profile-alert"), err.message);
}
