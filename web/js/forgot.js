// forgot.js asks for a password reset link (POST /v1/password-resets). The API answers the same, 202, whether
// or not the address has a login, and so does this page: it never tells who is registered.

import { ApiError, post } from "./api.js";
import { $, busy, clearErrors, duration, fieldError, prefillKey, showAlert, showView } from "./ui.js";
import { loadBrand, titled } from "./brand.js";

$("forgot-form").addEventListener("submit", submit);
$("again").addEventListener("click", () => {
  showView("request", { focus: false });
  $("email").select();
  $("email").focus();
});

// The sign-in page may have left the address it was given, once.
try {
  $("email").value = sessionStorage.getItem(prefillKey) || "";
  sessionStorage.removeItem(prefillKey);
} catch {
  // Storage may be off; the field then starts empty.
}
$("email").focus();
loadBrand();

async function submit(e) {
  e.preventDefault();
  const input = $("email");
  const alertBox = $("request-alert");
  clearErrors($("forgot-form"), alertBox);
  const email = input.value.trim();
  if (!email) {
    fieldError(input, "Enter your email address.");
    input.focus();
    return;
  }
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) {
    fieldError(input, "Enter an email address like name@example.com.");
    input.focus();
    return;
  }
  const button = $("forgot-submit");
  busy(button, true, "Sending…");
  try {
    await post("/v1/password-resets", { email });
    busy(button, false);
    $("sent-email").textContent = email;
    titled("Check your email");
    showView("sent");
  } catch (err) {
    busy(button, false);
    if (err instanceof ApiError && err.fields.email) {
      fieldError(input, err.fields.email.detail);
      input.focus();
    } else if (err instanceof ApiError && err.status === 429) {
      showAlert(alertBox, err.retryAfter ? `Too many requests. Wait ${duration(err.retryAfter)} and try again.` : "Too many requests. Wait a moment and try again.");
    } else {
      showAlert(alertBox, err.message);
    }
  }
}
