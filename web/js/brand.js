// brand.js shows the partner's brand on the pages people open before they sign in: sign-in (and its code step),
// forgot, reset, activation and invitation. Which brand is the page's reference: ?brand=<account id> in the
// address (emails' links carry it), else the one this tab last showed (sessionStorage), so the brand survives
// sign-in → code → forgot → reset; a link page takes it from its link's answer (its "branding"). The public
// lookup is GET /v1/brands/{id}; a 404 there means PartnerHub's own look. brandboot.js has already marked the
// page pending before the first paint; showBrand ends that, once the logo is ready, so nothing moves.

import { get } from "./api.js";
import { applyBranding, inkFor } from "./ui.js";

const refKey = "ph.brand";
// shownName is the name the header shows: the page titles end with it.
let shownName = "PartnerHub";
const idShape = /^[A-Za-z0-9_-]{1,64}$/;
// logoWait bounds how long the header stays hidden for a logo that is slow to load.
const logoWait = 3000;

// brandRef is the page's brand reference, or "".
export function brandRef() {
  try {
    const ref = new URLSearchParams(location.search).get("brand") || sessionStorage.getItem(refKey) || "";
    return idShape.test(ref) ? ref : "";
  } catch {
    return "";
  }
}

// loadBrand shows the brand the page's reference names (sign-in and forgot), or PartnerHub's without one.
export async function loadBrand() {
  const ref = brandRef();
  if (!ref) return showBrand(null);
  const cached = read(ref);
  if (cached) await showBrand(cached);
  try {
    const { data } = await get(`/v1/brands/${encodeURIComponent(ref)}`);
    return showBrand(data);
  } catch {
    // Unknown, or no longer branded (404), or the lookup failed: PartnerHub's own look.
    return showBrand(null);
  }
}

// showBrand applies a brand (an effective branding, as the API answers it) or, for null or PartnerHub's own
// (no accountId), PartnerHub's look; remembers it for the next pages of this tab; points the page's links to
// sign-in and forgot at it; and shows the header once its logo can be drawn.
export async function showBrand(branding) {
  const root = document.documentElement;
  const logo = document.querySelector("[data-brand-logo]");
  const own = branding && typeof branding === "object" && idShape.test(branding.accountId || "") ? branding : null;
  // What an earlier brand of this page (a remembered one, now changed) left is undone first.
  if (logo && !(own && own.logoUrl)) {
    logo.hidden = true;
    logo.removeAttribute("src");
  }
  if (own) {
    applyBranding(own);
    remember(own);
    shownName = typeof own.name === "string" && own.name.trim() ? own.name.trim() : "PartnerHub";
  } else {
    for (const prop of ["--brand", "--brand-ink", "--brand-logo-bg"]) root.style.removeProperty(prop);
    shownName = "PartnerHub";
    for (const el of document.querySelectorAll("[data-brand-name]")) el.textContent = shownName;
    forget();
  }
  document.title = document.title.replace(/· [^·]+$/, `· ${shownName}`);
  carry(own ? own.accountId : "");
  if (own && logo && !logo.hidden && logo.decode) {
    await Promise.race([logo.decode().catch(() => {}), new Promise((done) => setTimeout(done, logoWait))]);
  }
  root.removeAttribute("data-brand-pending");
}

// titled sets the page's title: what the page shows, then the brand's name.
export function titled(text) {
  document.title = `${text} · ${shownName}`;
}

// carry makes the page's links to sign-in and forgot keep the brand (or drop a stale one).
function carry(ref) {
  for (const a of document.querySelectorAll('a[href^="/signin"], a[href^="/forgot"]')) {
    const url = new URL(a.getAttribute("href"), location.origin);
    if (ref) url.searchParams.set("brand", ref);
    else url.searchParams.delete("brand");
    a.setAttribute("href", url.pathname + url.search + url.hash);
  }
}

function read(ref) {
  try {
    const b = JSON.parse(sessionStorage.getItem(`${refKey}:${ref}`) || "null");
    return b && b.accountId === ref ? b : null;
  } catch {
    return null;
  }
}

function remember(b) {
  try {
    sessionStorage.setItem(refKey, b.accountId);
    // The ink goes with the colour so that brandboot.js can paint both before the modules run.
    sessionStorage.setItem(`${refKey}:${b.accountId}`, JSON.stringify({ ...b, ink: inkFor(b.color) }));
  } catch {
    // Storage may be off: the next page asks again.
  }
}

function forget() {
  try {
    sessionStorage.removeItem(refKey);
  } catch {
    // Nothing to forget.
  }
}
