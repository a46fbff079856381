// devices.js runs the security page's "Where you're signed in": the person's sessions (GET /v1/me/sessions),
// each with its device, its place (or masked address) and when it was last seen, "This device" for the one in
// use. "Sign out" ends one other session (DELETE /v1/me/sessions/{id}); "Sign out everywhere else", after a
// dialog, ends all of them but this one (POST /v1/me/sessions/end-others).

import { ApiError, del, get, post } from "./api.js";
import { $, announce, busy, el, plural, showAlert } from "./ui.js";
import { leaving } from "./session.js";

$("sessions-end-others").addEventListener("click", () => {
  showAlert($("sessions-dialog-alert"), "");
  $("sessions-dialog").showModal();
  $("sessions-dialog-cancel").focus();
});
$("sessions-dialog-cancel").addEventListener("click", () => $("sessions-dialog").close());
$("sessions-dialog").addEventListener("close", () => $("sessions-end-others").focus());
$("sessions-dialog-form").addEventListener("submit", endOthers);

// loadSessions reads the sessions and shows them.
export async function loadSessions() {
  const list = $("sessions-list");
  try {
    const { data } = await get("/v1/me/sessions");
    render(data?.sessions || []);
  } catch (err) {
    if (leaving(err)) return;
    list.replaceChildren();
    showAlert($("sessions-alert"), err.message);
  } finally {
    list.removeAttribute("aria-busy");
  }
}

function render(sessions) {
  const now = Date.now();
  $("sessions-list").replaceChildren(...sessions.map((s) => row(s, now)));
  $("sessions-end-others").hidden = !sessions.some((s) => !s.current);
}

function row(s, now) {
  const where = s.place || (s.address ? `Address ${s.address}` : "Place unknown");
  const seen = s.current ? "Active now" : `Last seen ${ago(new Date(s.lastSeenAt), now)}`;
  const item = el("li", { className: "session", dataset: { session: s.id } },
    el("div", { className: "session-what" },
      el("strong", null, s.device),
      s.current ? el("span", { className: "badge" }, "This device") : null,
      el("span", { className: "session-meta" }, `${where} · ${seen}`)));
  if (!s.current) {
    const button = el("button", { type: "button", className: "secondary small", "aria-label": `Sign out ${s.device}, ${where}` }, "Sign out");
    button.addEventListener("click", () => endOne(s, button));
    item.append(button);
  }
  return item;
}

// ago says how long ago a moment was, in words: "just now", "5 minutes ago", "3 hours ago", "2 days ago".
function ago(date, now) {
  const s = Math.max(0, Math.round((now - date.getTime()) / 1000));
  if (Number.isNaN(s) || s < 60) return "just now";
  const m = Math.floor(s / 60);
  if (m < 60) return `${plural(m, "minute")} ago`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${plural(h, "hour")} ago`;
  return `${plural(Math.floor(h / 24), "day")} ago`;
}

async function endOne(s, button) {
  showAlert($("sessions-result"), "");
  showAlert($("sessions-alert"), "");
  busy(button, true, "Signing out…");
  try {
    await del(`/v1/me/sessions/${encodeURIComponent(s.id)}`);
    done(`${s.device} is signed out.`);
  } catch (err) {
    busy(button, false);
    if (leaving(err)) return;
    if (err instanceof ApiError && err.status === 404) {
      done(`${s.device} was already signed out.`); // ended elsewhere meanwhile: show what is true now
      return;
    }
    showAlert($("sessions-alert"), err.detail || err.message);
  }
}

async function endOthers(e) {
  e.preventDefault();
  const button = $("sessions-dialog-ok");
  busy(button, true, "Signing out…");
  try {
    const { data } = await post("/v1/me/sessions/end-others");
    busy(button, false);
    $("sessions-dialog").close();
    const n = data?.ended ?? 0;
    done(n ? `Signed out ${plural(n, "other session")}. Only this device is signed in now.` : "Every other session is signed out. Only this device is signed in now.");
  } catch (err) {
    busy(button, false);
    if (leaving(err)) return;
    showAlert($("sessions-dialog-alert"), err.detail || err.message);
  }
}

// done says what happened and shows the list as it is now.
async function done(text) {
  await loadSessions();
  showAlert($("sessions-result"), text, "success");
  announce(text);
  $("sessions-title").focus();
}
