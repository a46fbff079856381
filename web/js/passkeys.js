// passkeys.js runs the security page's "Passkeys": the person's passkeys (GET /v1/me/passkeys), each with its
// name, kind, when it was added and last used. "Add a passkey" asks the API for creation options
// (POST /v1/me/passkeys/registrations), lets the browser make the passkey, and registers it under the name
// given (POST /v1/me/passkeys). Each passkey can be renamed (PATCH /v1/me/passkeys/{id}) or, after a dialog,
// removed (DELETE /v1/me/passkeys/{id}).

import { ApiError, del, get, patch, post } from "./api.js";
import { $, announce, busy, dateTime, el, fieldError, showAlert } from "./ui.js";
import { leaving } from "./session.js";
import { cancelled, create, supported } from "./webauthn.js";

const state = { passkeys: [], max: 10, current: null, mode: "", changed: () => {} };

$("passkey-form").addEventListener("submit", addPasskey);
$("passkey-name").addEventListener("input", () => fieldError($("passkey-name"), ""));
$("passkey-dialog-form").addEventListener("submit", dialogSubmit);
$("passkey-dialog-cancel").addEventListener("click", () => $("passkey-dialog").close());
$("passkey-dialog").addEventListener("close", () => state.current?.from?.focus());
$("passkey-dialog-name").addEventListener("input", () => fieldError($("passkey-dialog-name"), ""));

// loadPasskeys reads the passkeys and shows them; changed is called after every change, to read the two-step
// settings again (the passkey method comes and goes with them).
export async function loadPasskeys(changed) {
  if (changed) state.changed = changed;
  if (!supported()) {
    $("passkey-form").hidden = true;
    $("passkeys-unsupported").hidden = false;
  }
  const list = $("passkeys-list");
  try {
    const { data } = await get("/v1/me/passkeys");
    state.passkeys = data?.passkeys || [];
    state.max = data?.max || state.max;
    render();
  } catch (err) {
    if (leaving(err)) return;
    list.replaceChildren();
    showAlert($("passkeys-alert"), err.message);
  } finally {
    list.removeAttribute("aria-busy");
  }
}

function render() {
  const items = state.passkeys.map(row);
  if (items.length === 0) items.push(el("li", { className: "session muted" }, "No passkeys yet."));
  $("passkeys-list").replaceChildren(...items);
  $("passkey-add").disabled = state.passkeys.length >= state.max;
}

function row(p) {
  const kind = p.authenticator || (p.kind === "synced" ? "Synced passkey" : "Passkey on one device");
  const used = p.lastUsedAt ? `last used ${dateTime(p.lastUsedAt)}` : "not used yet";
  const rename = el("button", { type: "button", className: "secondary small", "aria-label": `Rename ${p.name}` }, "Rename");
  const remove = el("button", { type: "button", className: "secondary small danger", "aria-label": `Remove ${p.name}` }, "Remove");
  rename.addEventListener("click", () => openDialog("rename", p, rename));
  remove.addEventListener("click", () => openDialog("remove", p, remove));
  return el("li", { className: "session", dataset: { passkey: p.id } },
    el("div", { className: "session-what" },
      el("strong", null, p.name),
      p.passwordless ? el("span", { className: "badge" }, "Signs in without a password") : null,
      el("span", { className: "session-meta" }, `${kind} · added ${dateTime(p.createdAt)} · ${used}`)),
    el("div", { className: "buttons" }, rename, remove));
}

async function addPasskey(e) {
  e.preventDefault();
  showAlert($("passkeys-alert"), "");
  showAlert($("passkeys-result"), "", "success");
  const name = $("passkey-name").value.trim();
  if (!name) {
    fieldError($("passkey-name"), "Name the passkey, e.g. the device or the password manager it is in.");
    $("passkey-name").focus();
    return;
  }
  const button = $("passkey-add");
  busy(button, true, "Waiting for your passkey…");
  try {
    const { data } = await post("/v1/me/passkeys/registrations");
    const credential = await create(data.publicKey);
    const { data: added } = await post("/v1/me/passkeys", { name, credential });
    $("passkey-name").value = "";
    await reload(); // the list shows the new passkey before the page says it was added
    showAlert($("passkeys-result"), `Passkey “${added.name}” added. It can sign you in from now on.`, "success");
    announce(`Passkey ${added.name} added.`);
  } catch (err) {
    if (leaving(err)) return;
    if (cancelled(err)) {
      showAlert($("passkeys-alert"), "No passkey was made: the request was cancelled or timed out. Try again when you are ready.");
    } else if (err instanceof ApiError && err.fields.name) {
      fieldError($("passkey-name"), err.fields.name.detail);
    } else {
      showAlert($("passkeys-alert"), err.message || "The passkey could not be made.");
    }
  } finally {
    busy(button, false);
  }
}

function openDialog(mode, p, from) {
  state.current = { passkey: p, from };
  state.mode = mode;
  showAlert($("passkey-dialog-alert"), "");
  fieldError($("passkey-dialog-name"), "");
  $("passkey-dialog-name-field").hidden = mode !== "rename";
  $("passkey-dialog-title").textContent = mode === "rename" ? "Rename the passkey" : `Remove “${p.name}”?`;
  $("passkey-dialog-text").textContent = mode === "rename"
    ? "A name helps you tell your passkeys apart."
    : "This passkey will no longer sign you in. If it was your last one and you sign in with a passkey, we send codes by email instead.";
  $("passkey-dialog-ok").textContent = mode === "rename" ? "Save the name" : "Remove the passkey";
  $("passkey-dialog-ok").classList.toggle("danger", mode === "remove");
  $("passkey-dialog-name").value = p.name;
  $("passkey-dialog").showModal();
  (mode === "rename" ? $("passkey-dialog-name") : $("passkey-dialog-cancel")).focus();
}

async function dialogSubmit(e) {
  e.preventDefault();
  const { passkey: p } = state.current;
  const button = $("passkey-dialog-ok");
  const path = `/v1/me/passkeys/${encodeURIComponent(p.id)}`;
  busy(button, true, state.mode === "rename" ? "Saving…" : "Removing…");
  try {
    if (state.mode === "rename") {
      const name = $("passkey-dialog-name").value.trim();
      if (!name) {
        fieldError($("passkey-dialog-name"), "Name the passkey.");
        return;
      }
      await patch(path, { name });
      showAlert($("passkeys-result"), `Renamed to “${name}”.`, "success");
    } else {
      await del(path);
      showAlert($("passkeys-result"), `Passkey “${p.name}” removed.`, "success");
    }
    state.current.from = $("passkeys-title");
  } catch (err) {
    if (leaving(err)) return;
    if (err instanceof ApiError && err.fields.name) fieldError($("passkey-dialog-name"), err.fields.name.detail);
    else showAlert($("passkey-dialog-alert"), err.message);
    return;
  } finally {
    busy(button, false); // before the list reloads: the dialog may open again at once (Remove after Rename)
  }
  $("passkey-dialog").close();
  await reload();
}

async function reload() {
  await loadPasskeys();
  await state.changed();
}
