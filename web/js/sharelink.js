// sharelink.js is how a partner (or MSP) gives customers the way to invite it, on its Customer access page: its
// Partner ID, copied with one button, and a share link (POST /v1/accounts/{id}/share-links), shown and copied.
// Where the browser does not let the page write the clipboard, the text is selected for the person to copy.

import { post } from "./api.js";
import { $, announce, busy, dateTime, showAlert } from "./ui.js";
import { leaving } from "./session.js";
import { copyText, partnerIdText } from "./grant.js";

// share is the link made on this page, {url, expiresAt, roles}: copying again reuses it while it works and asks
// for the same roles.
let share = null;

// copyPartnerId copies the Partner ID shown in #partner-id, or selects it when the browser does not let the page copy.
export async function copyPartnerId(partnerId) {
  const text = partnerIdText(partnerId);
  const status = $("copy-id-status");
  if (await copyText(text)) {
    status.textContent = "Copied";
  } else {
    // Select it, so that the person can copy it themselves.
    const range = document.createRange();
    range.selectNodeContents($("partner-id"));
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    status.textContent = "Selected: copy it with Ctrl+C (or ⌘C)";
  }
}

// shareLink makes a share link for the partner account (once per page, while it works), shows it and copies it.
export async function shareLink(accountId, roles) {
  const button = $("share-link");
  const alertBox = $("share-alert");
  showAlert(alertBox, "");
  if (!roles.length) {
    showAlert(alertBox, "Tick at least one role to ask for.");
    return;
  }
  if (!share || new Date(share.expiresAt).getTime() <= Date.now() + 60_000 || String(share.roles) !== String(roles)) {
    busy(button, true, "Making a link…");
    try {
      const { data } = await post(`/v1/accounts/${encodeURIComponent(accountId)}/share-links`, { roles });
      share = data;
    } catch (err) {
      busy(button, false);
      if (leaving(err)) return;
      showAlert(alertBox, `No link was made: ${err.message}`);
      return;
    }
    busy(button, false);
  }
  const input = $("share-url");
  input.value = share.url;
  $("share-box").hidden = false;
  const until = dateTime(share.expiresAt);
  $("share-expiry").textContent = `It works until ${until || "it expires"}. Send it to your customer's administrator only.`;
  const copied = await copyText(share.url);
  $("share-status").textContent = copied ? "Link copied." : "Copy the link below (it is selected).";
  if (!copied) {
    input.focus();
    input.select();
  }
  announce(copied ? "Share link copied." : "Share link shown and selected.");
}
