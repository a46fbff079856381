// rules.js checks a new password against the rules the server enforces (pkg/onboarding/password.go), so people
// see each rule's state as they type. The server stays the judge: it also refuses common passwords, which only
// it can know.

// passwordRules lists the rules for a link's passwordRules ({minLength, maxLength}) and the user's email. Each
// rule's test takes the password and its confirmation.
export function passwordRules({ minLength = 8, maxLength = 128 } = {}, email = "") {
  const local = emailName(email);
  return [
    { id: "min", text: `At least ${minLength} characters`, test: (p) => length(p) >= minLength },
    { id: "max", text: `No more than ${maxLength} characters`, test: (p) => p.length > 0 && length(p) <= maxLength },
    {
      id: "email",
      text: local ? `Does not contain “${local}” from your email address` : "Does not contain your email address",
      test: (p) => p.length > 0 && !containsEmail(p, local),
    },
    { id: "match", text: "Both passwords match", test: (p, confirm) => p.length > 0 && p === confirm },
  ];
}

// length counts characters the way people (and the server) do: one per code point, not per UTF-16 unit.
export function length(s) {
  return [...s].length;
}

// emailName is the part of an address the server refuses in a password: the local part without a +tag, when
// it has at least 3 characters; otherwise "".
export function emailName(email) {
  const at = email.trim().toLowerCase().indexOf("@");
  if (at < 0) return "";
  const local = email.trim().toLowerCase().slice(0, at).split("+")[0];
  return length(local) >= 3 ? local : "";
}

// containsEmail mirrors the server: the password holds the email's name part, as typed or with everything
// but letters and digits taken out of both.
export function containsEmail(password, local) {
  if (!local) return false;
  const p = password.toLowerCase();
  if (p.includes(local)) return true;
  const bare = lettersAndDigits(local);
  return length(bare) >= 3 && lettersAndDigits(p).includes(bare);
}

function lettersAndDigits(s) {
  return s.replace(/[^\p{L}\p{Nd}]/gu, "");
}
