// bulkresend.js is the users page's "Select all that match" resend: every unregistered user of the account who
// matches the list's search and filters gets a new activation link. The server takes a page of them per request
// (POST /v1/accounts/{id}/activation-emails) and answers the next page's cursor; this loops until none is left or
// Cancel is pressed, saying how far it got on a live progress line, and ends with a summary per outcome that names
// the users whose link was not sent.

import { post } from "./api.js";
import { $, busy, el, plural } from "./ui.js";
import { leaving } from "./session.js";

// Activation link results (onboarding.Resend*) in words.
export const resendResults = {
  sent: "New activation link sent. The previous link no longer works.",
  rate_limited: "Not sent: an activation email went out less than a minute ago. Try again in a minute.",
  not_invited: "Not sent: this person has already registered, or their access was removed.",
  not_found: "Not sent: this person is not in your part of the account tree.",
  email_bounced: "Not sent: the email address bounced. Correct it first (Edit).",
  email_complained: "Not sent: this person marked our email as spam. Correct the address first (Edit).",
};

// How many users of each outcome, in words, for the summary of a bulk resend to every matching user.
const resendTotals = {
  sent: "sent",
  rate_limited: "not sent: an email went out less than a minute ago",
  not_invited: "not sent: already registered or removed",
  not_found: "not sent: outside your part of the account tree",
  email_bounced: "not sent: the address bounced",
  email_complained: "not sent: marked our email as spam",
};

// resendMatching runs the loop for the list's query and shows the summary; it answers false when the session
// ended meanwhile (the page is leaving), true otherwise. Cancel (#bulk-cancel) stops it after the page in flight.
export async function resendMatching({ accountId, query, button }) {
  const q = query;
  const match = {};
  if (q.q) match.q = q.q;
  if (q.initial) match.initial = q.initial;
  if (q.role) match.role = q.role;
  const path = `/v1/accounts/${encodeURIComponent(accountId)}/activation-emails`;
  const totals = {};
  const unsent = [];
  let handled = 0;
  let cursor = "";
  let failure = "";
  cancelled = false;
  busy(button, true, "Sending…");
  $("bulk-results").hidden = true;
  $("bulk-cancel").disabled = false;
  $("bulk-progress-text").textContent = "Sending activation links…";
  $("bulk-progress").hidden = false;
  for (;;) {
    let data;
    try {
      ({ data } = await post(path, cursor ? { match, cursor } : { match }));
    } catch (err) {
      if (leaving(err)) return false;
      failure = err.message;
      break;
    }
    const results = Array.isArray(data?.results) ? data.results : [];
    handled += results.length;
    for (const r of results) {
      totals[r.status] = (totals[r.status] || 0) + 1;
      if (r.status !== "sent") unsent.push(r);
    }
    cursor = data?.next || "";
    $("bulk-progress-text").textContent = `Sent ${totals.sent || 0} of ${plural(handled, "user")} so far${cursor ? "…" : "."}`;
    if (!cursor || cancelled) break;
  }
  busy(button, false);
  $("bulk-progress").hidden = true;
  const stopped = failure ? "Stopped by an error" : cursor ? "Cancelled" : "Done";
  $("bulk-results-title").textContent = `Activation links: ${stopped}. ${totals.sent || 0} of ${plural(handled, "user")} sent`;
  $("bulk-totals").replaceChildren(...Object.entries(totals).map(([status, n]) => el("li", { dataset: { result: status } },
    el("strong", {}, String(n)), " ", resendTotals[status] || status)),
  ...(failure ? [el("li", { dataset: { result: "error" } }, `The rest were not sent: ${failure}`)] : []));
  $("bulk-totals").hidden = false;
  $("bulk-list").replaceChildren(...unsent.map((r) => el("li", { dataset: { userId: r.userId, result: r.status } },
    el("strong", {}, r.name || r.email || "A user"), ": ", resendResults[r.status] || r.status)));
  $("bulk-results").dataset.tone = !failure && handled === (totals.sent || 0) ? "success" : "info";
  $("bulk-results").hidden = false;
  return true;
}

// cancelled is set by the progress line's Cancel button; the loop stops after the page in flight.
let cancelled = false;

$("bulk-cancel").addEventListener("click", () => {
  cancelled = true;
  $("bulk-cancel").disabled = true;
  $("bulk-progress-text").textContent = "Stopping after this page…";
});
