// brandboot.js runs before the first paint of the pages opened from a link or an email (sign-in, forgot, reset,
// activation, invitation): a classic script in <head>, so it holds up nothing but itself. When the page will show
// a partner's brand — the address names one (?brand=<account id>), this tab carries one from an earlier page, or
// the page is a link whose answer brings it (<html data-brand-link>) — it marks the page brand-pending: the
// header keeps its size but hides its name and logo, and the brand colour is a neutral grey, so PartnerHub's
// look never flashes before the partner's (app.css). A brand this tab already saw is applied at once, colours
// and all. brand.js finishes the job once the page's modules run. No layout changes either way.
(function () {
  var root = document.documentElement;
  var ref = null;
  var cached = null;
  try {
    ref = new URLSearchParams(location.search).get("brand") || sessionStorage.getItem("ph.brand");
    if (ref && !/^[A-Za-z0-9_-]{1,64}$/.test(ref)) ref = null;
    if (ref) cached = JSON.parse(sessionStorage.getItem("ph.brand:" + ref) || "null");
  } catch (e) {
    // Storage may be off: the page then waits for the brand like a first visit.
  }
  if (!ref && !root.hasAttribute("data-brand-link")) return;
  var hex = /^#[0-9a-f]{6}$/i;
  if (cached && hex.test(cached.color) && hex.test(cached.ink)) {
    root.style.setProperty("--brand", cached.color);
    root.style.setProperty("--brand-ink", cached.ink);
    root.setAttribute("data-brand-pending", "warm");
  } else {
    root.setAttribute("data-brand-pending", "cold");
  }
})();
