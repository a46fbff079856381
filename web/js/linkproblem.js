// linkproblem.js shows why a link from an email cannot be used, on pages with a #link-problem view (its
// #link-problem-title and #link-problem-detail): the invitation and password-reset pages.

import { ApiError } from "./api.js";
import { $, showView } from "./ui.js";
import { titled } from "./brand.js";

// showLinkProblem shows the view with a title and a detail; slug (the problem's) is left on it for styling.
export function showLinkProblem(title, detail, slug = "") {
  $("link-problem-title").textContent = title;
  $("link-problem-detail").textContent = detail;
  $("link-problem").dataset.problem = slug;
  titled(title);
  showView("link-problem");
}

// linkFailed explains an error from reading or using a link: a 404 or 410 problem by its slug (titles), with
// the server's detail or the fallback; anything else as a failure to check the link ("what" names it).
export function linkFailed(err, { titles, unusable, fallback, what }) {
  if (err instanceof ApiError && (err.status === 404 || err.status === 410)) {
    showLinkProblem(titles[err.slug] || unusable, err.detail || fallback, err.slug);
    return;
  }
  showLinkProblem(`We could not check your ${what}`, err.message || "Something went wrong. Reload the page to try again.");
}
