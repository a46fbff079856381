// userforms.js holds the users page's dialogs that change users: add a user (POST /v1/accounts/{id}/users),
// edit one (PATCH /v1/users/{id}: name, phone numbers, roles here) and remove one's access
// (DELETE /v1/accounts/{id}/users/{userId}). The server's verdict on a field is shown next to that field.

import { ApiError, del, get, patch, post } from "./api.js";
import { $, busy, dateTime, el, fieldError, roleTitle, showAlert } from "./ui.js";
import { leaving } from "./session.js";

// The form's inputs by the request field they fill.
const inputs = { name: "u-name", email: "u-email", phone: "u-phone", mobile: "u-mobile", roles: "u-roles" };

// Problems the server names without a field, shown next to the field they are about.
const slugFields = {
  "already-member": "email",
  "email-taken": "email",
  "user-disabled": "email",
  "role-not-assignable": "roles",
  "cannot-raise-own-roles": "roles",
  "last-administrator": "roles",
};

// createUserForms wires the dialogs. account is the account the page lists, roles() the roles the caller may
// grant there, and onDone(message) is called after a change, to show it and read the list again.
export function createUserForms({ account, roles, onDone }) {
  const dialog = $("user-dialog");
  const form = $("user-form");
  const alertBox = $("user-alert");
  const accountName = account.name || "this account";
  const edit = { row: null, version: undefined, numbersKnown: false, phone: "", mobile: "", kept: [], emailEditable: false };
  let mode = "add";
  let returnTo = null;

  form.addEventListener("submit", save);
  $("u-cancel").addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => !dialog.open && returnTo?.isConnected && returnTo.focus());
  $("u-role-list").addEventListener("change", () => fieldError($("u-roles"), ""));
  // A field's error goes as soon as the person changes the field.
  form.addEventListener("input", (e) => {
    if (e.target.matches("input[type=text], input[type=email], input[type=tel]")) fieldError(e.target, "");
  });

  function reset() {
    for (const id of Object.values(inputs)) {
      const input = $(id);
      if ("value" in input && input.tagName !== "FIELDSET") input.value = "";
      fieldError(input, "");
    }
    showAlert(alertBox, "");
  }

  // renderRoles lists the roles the caller may grant, checked as the user holds them. Roles the user holds that
  // the caller may not grant or take away are shown checked and locked, and kept as they are.
  function renderRoles(held) {
    const grantable = roles();
    const names = new Set(grantable.map((r) => r.name));
    edit.kept = held.filter((n) => !names.has(n));
    const choice = (name, title, hint, { checked = false, locked = false } = {}) => {
      const id = `role-${name}`;
      return el("div", { className: "choice" },
        el("input", { type: "checkbox", id, name: "roles", value: name, checked, disabled: locked }),
        el("label", { htmlFor: id }, title, el("span", { className: "choice-hint" }, hint)));
    };
    $("u-role-list").replaceChildren(
      ...grantable.map((r) => choice(r.name, r.title || roleTitle(r.name), r.description || "", { checked: held.includes(r.name) })),
      ...edit.kept.map((n) => choice(n, roleTitle(n), "You cannot grant or take away this role; it stays as it is.", { checked: true, locked: true })),
    );
  }

  function chosenRoles() {
    return [...$("u-role-list").querySelectorAll("input:checked:not(:disabled)")].map((i) => i.value).concat(edit.kept);
  }

  function openAdd() {
    mode = "add";
    returnTo = $("add-user");
    reset();
    edit.row = null;
    edit.kept = [];
    $("user-title").textContent = "Add a user";
    $("user-hint").textContent = `They get an email with a link to set their password and a security question. The link works for 72 hours.`;
    $("u-email-field").hidden = false;
    $("u-numbers-hint").hidden = true;
    $("u-save").textContent = "Add user";
    renderRoles([]);
    dialog.showModal();
    $("u-name").focus();
  }

  async function openEdit(row, from) {
    mode = "edit";
    returnTo = from || null;
    reset();
    edit.row = row;
    edit.version = undefined;
    edit.numbersKnown = false;
    // The status check carries the user's version, so two administrators editing at once cannot overwrite
    // each other, and (when the API has them) the phone numbers to show.
    try {
      const { data } = await get(`/v1/users/${encodeURIComponent(row.id)}/status`);
      edit.version = Number.isInteger(data?.version) ? data.version : undefined;
      if (data && ("phone" in data || "mobile" in data)) {
        edit.numbersKnown = true;
        edit.phone = data.phone || "";
        edit.mobile = data.mobile || "";
        $("u-phone").value = edit.phone;
        $("u-mobile").value = edit.mobile;
      }
    } catch (err) {
      if (leaving(err)) return;
      // The form still works without them: the server then does not check the version.
    }
    $("user-title").textContent = `Edit ${row.name}`;
    // The address of someone who has not registered yet can be corrected (one that bounced, a typo): their
    // pending link stops working, and a new one can be sent at once. A registered person's login stays.
    edit.emailEditable = row.status === "unregistered";
    $("user-hint").textContent = edit.emailEditable
      ? "Correcting the email address stops the link already sent; send a new activation link afterwards."
      : `${row.email} · the email address is the login and cannot be changed here.`;
    $("u-email-field").hidden = !edit.emailEditable;
    $("u-email").value = edit.emailEditable ? row.email || "" : "";
    $("u-numbers-hint").hidden = edit.numbersKnown;
    $("u-name").value = row.name || "";
    $("u-save").textContent = "Save changes";
    renderRoles(Array.isArray(row.roles) ? row.roles : []);
    dialog.showModal();
    $("u-name").focus();
  }

  // check validates what the browser can; it returns [input, message] pairs in the order of the form.
  function check() {
    const errors = [];
    if (!$("u-name").value.trim()) errors.push([$("u-name"), "Enter the person's full name."]);
    if (mode === "add" || edit.emailEditable) {
      const email = $("u-email").value.trim();
      if (!email) errors.push([$("u-email"), "Enter the person's email address."]);
      else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) errors.push([$("u-email"), "Enter an email address like name@example.com."]);
    }
    if (!chosenRoles().length) errors.push([$("u-roles"), "Choose at least one role."]);
    return errors;
  }

  async function save(e) {
    e.preventDefault();
    clearFormErrors();
    const errors = check();
    if (errors.length) {
      show(errors);
      return;
    }
    const button = $("u-save");
    busy(button, true, mode === "add" ? "Adding…" : "Saving…");
    try {
      const message = mode === "add" ? await add() : await change();
      busy(button, false);
      dialog.close();
      await onDone(message);
    } catch (err) {
      busy(button, false);
      if (leaving(err)) return;
      refused(err);
    }
  }

  function clearFormErrors() {
    for (const id of Object.values(inputs)) fieldError($(id), "");
    showAlert(alertBox, "");
  }

  async function add() {
    const body = {
      name: $("u-name").value.trim(),
      email: $("u-email").value.trim(),
      phone: $("u-phone").value.trim(),
      mobile: $("u-mobile").value.trim(),
      roles: chosenRoles(),
    };
    const { data } = await post(`/v1/accounts/${encodeURIComponent(account.id)}/users`, body);
    const until = dateTime(data?.expiresAt);
    if (data?.invitation === "membership") {
      return `${body.email} already has a PartnerHub login, so no new one was made: we sent them an email saying they were added to ${accountName}. They join, and appear in this list, once they accept it${until ? ` (by ${until})` : ""}.`;
    }
    return `${body.name} was added and we sent an activation email to ${body.email}. They show as not registered until they set a password${until ? `; the link works until ${until}` : ""}.`;
  }

  // change sends what the form changed, and only that: the less an edit names, the less it can overwrite.
  async function change() {
    const row = edit.row;
    const body = {};
    const name = $("u-name").value.trim();
    if (name !== row.name) body.name = name;
    const roles = chosenRoles();
    if ([...roles].sort().join() !== [...(row.roles || [])].sort().join()) body.roles = roles;
    for (const field of ["phone", "mobile"]) {
      const value = $(inputs[field]).value.trim();
      // Without the numbers on file, an empty field means "keep", never "remove".
      if (edit.numbersKnown ? value !== edit[field] : value) body[field] = value;
    }
    const email = $("u-email").value.trim();
    if (edit.emailEditable && email.toLowerCase() !== String(row.email || "").toLowerCase()) body.email = email;
    if (!Object.keys(body).length) return `Nothing changed for ${row.name}.`;
    if (edit.version !== undefined) body.version = edit.version;
    const { data } = await patch(`/v1/users/${encodeURIComponent(row.id)}`, body);
    if (body.email) return `Saved the changes to ${data?.name || name}. Their email address is now ${body.email}: send them a new activation link.`;
    return `Saved the changes to ${data?.name || name}.`;
  }

  // refused shows the server's answer: field errors next to their fields, the rest above the form.
  function refused(err) {
    if (!(err instanceof ApiError)) {
      showAlert(alertBox, err.message);
      return;
    }
    const errors = [];
    for (const { field, detail } of err.errors) {
      const name = field.replace(/\[\d+\]$/, ""); // roles[1] is about the roles
      if (inputs[name] && (mode === "add" || edit.emailEditable || name !== "email")) errors.push([$(inputs[name]), detail]);
    }
    const about = slugFields[err.slug];
    if (!errors.length && about && (mode === "add" || edit.emailEditable || about !== "email")) errors.push([$(inputs[about]), err.detail || err.message]);
    if (!errors.length) {
      const extra = err.slug === "stale-version" ? " Close this form and open it again to see the latest details." : "";
      showAlert(alertBox, `${err.message}${extra}`);
      alertBox.scrollIntoView({ block: "nearest" });
      return;
    }
    show(errors);
  }

  function show(errors) {
    const byInput = new Map();
    for (const [input, message] of errors) byInput.set(input, [...(byInput.get(input) || []), message]);
    for (const [input, messages] of byInput) fieldError(input, messages.join(" "));
    const n = byInput.size;
    showAlert(alertBox, n === 1 ? "Please fix the field marked below." : `Please fix the ${n} fields marked below.`);
    const first = errors[0][0];
    (first.tagName === "FIELDSET" ? first.querySelector("input:not(:disabled)") || first : first).focus();
  }

  // The removal dialog acts on its confirm button's click, not on the dialog's close event: that event comes a
  // moment after closing, and a Cancel quickly followed by another Remove would take it for the new one's.
  const removeDialog = $("remove-dialog");
  let removing = null; // {row, from} of the open confirmation
  $("remove-ok").addEventListener("click", (e) => {
    e.preventDefault();
    const target = removing;
    removing = null;
    removeDialog.close("confirm");
    if (target) remove(target.row, target.from);
  });
  removeDialog.addEventListener("close", () => {
    if (removeDialog.open || !removing) return; // a late event of an earlier confirmation
    const { from } = removing;
    removing = null;
    from?.focus();
  });

  function confirmRemove(row, from) {
    $("remove-title").textContent = `Remove ${row.name}'s access?`;
    $("remove-text").textContent = `${row.name} will no longer be able to sign in to ${accountName}; a session of theirs there ends at its next request. If ${accountName} is their only account, their login is disabled too. You can invite them again later.`;
    $("remove-ok").textContent = `Remove ${row.name}`;
    removing = { row, from };
    removeDialog.returnValue = "";
    removeDialog.showModal();
  }

  async function remove(row, from) {
    try {
      const { data } = await del(`/v1/accounts/${encodeURIComponent(account.id)}/users/${encodeURIComponent(row.id)}`);
      await onDone(data?.userStatus === "disabled"
        ? `${row.name} no longer has access to ${accountName}. It was their last account, so their login is disabled and they were signed out.`
        : `${row.name} no longer has access to ${accountName}.`);
      $("users-title").focus();
    } catch (err) {
      if (leaving(err)) return;
      showAlert($("page-alert"), `${row.name}'s access was not removed: ${err.message}`);
      from?.isConnected && from.focus();
    }
  }

  return { openAdd, openEdit, confirmRemove };
}
