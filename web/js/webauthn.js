// webauthn.js is the browser's side of a passkey ceremony: it turns the options the API sends (binary members
// base64url-encoded) into what navigator.credentials expects, runs the ceremony, and turns the credential back
// into JSON for the API, as PublicKeyCredential.toJSON would (done by hand, for browsers that lack it).

// supported reports whether this browser can use passkeys at all.
export function supported() {
  return typeof window.PublicKeyCredential === "function" && Boolean(navigator.credentials);
}

function fromB64url(s) {
  const b64 = s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)).buffer;
}

function toB64url(buf) {
  let s = "";
  for (const b of new Uint8Array(buf)) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const descriptor = (d) => ({ ...d, id: fromB64url(d.id) });

// create runs navigator.credentials.create with the API's creation options and returns the credential as JSON.
export async function create(options) {
  const publicKey = {
    ...options,
    challenge: fromB64url(options.challenge),
    user: { ...options.user, id: fromB64url(options.user.id) },
    excludeCredentials: (options.excludeCredentials || []).map(descriptor),
  };
  const cred = await navigator.credentials.create({ publicKey });
  const r = cred.response;
  return asJSON(cred, { attestationObject: toB64url(r.attestationObject), transports: r.getTransports?.() || [] });
}

// get runs navigator.credentials.get with the API's request options and returns the assertion as JSON.
export async function get(options) {
  const publicKey = {
    ...options,
    challenge: fromB64url(options.challenge),
    allowCredentials: (options.allowCredentials || []).map(descriptor),
  };
  const cred = await navigator.credentials.get({ publicKey });
  const r = cred.response;
  return asJSON(cred, {
    authenticatorData: toB64url(r.authenticatorData),
    signature: toB64url(r.signature),
    userHandle: r.userHandle ? toB64url(r.userHandle) : undefined,
  });
}

// asJSON is a credential as the API takes it (WebAuthn's JSON form): its ids, attachment and extension results,
// and its response's client data with the ceremony's own fields.
function asJSON(cred, response) {
  return {
    id: cred.id, rawId: toB64url(cred.rawId), type: cred.type,
    authenticatorAttachment: cred.authenticatorAttachment || undefined,
    clientExtensionResults: cred.getClientExtensionResults?.() || {},
    response: { clientDataJSON: toB64url(cred.response.clientDataJSON), ...response },
  };
}

// cancelled reports whether a ceremony ended because the person cancelled it or let it time out (the browser
// says NotAllowedError for both, on purpose).
export function cancelled(err) {
  return err?.name === "NotAllowedError" || err?.name === "AbortError";
}
