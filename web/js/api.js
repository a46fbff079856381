// api.js is the one place the portal talks to the PartnerHub API: JSON in and out, same origin, the session
// cookie sent by the browser (HttpOnly, so this code never sees it). Problem documents (RFC 9457) become
// ApiError objects that pages read by slug and by field.

const problemBase = "https://partnerhub.dev/problems/";

// ApiError is a failed API call. slug is the last part of the problem type ("link-expired"), fields maps a
// request field ("password") to its {code, detail}, and problem keeps the whole document for extra members
// such as retryAfterSeconds, attemptsLeft or contact.
export class ApiError extends Error {
  constructor(status, problem) {
    const doc = problem && typeof problem === "object" ? problem : {};
    super(doc.detail || doc.title || `The request failed (${status}).`);
    this.name = "ApiError";
    this.status = status;
    this.problem = doc;
    this.type = typeof doc.type === "string" ? doc.type : "";
    this.slug = slugOf(this.type, status);
    this.title = doc.title || "";
    this.detail = doc.detail || "";
    // errors lists every field error; fields keeps the first one of each field.
    this.errors = (Array.isArray(doc.errors) ? doc.errors : [])
      .filter((e) => e && typeof e.field === "string")
      .map((e) => ({ field: e.field, code: e.code || "", detail: e.detail || "" }));
    this.fields = {};
    for (const e of this.errors) {
      if (!(e.field in this.fields)) this.fields[e.field] = { code: e.code, detail: e.detail };
    }
    // A conflict about a field (company-name-taken, email-taken) names it in a "fields" member: the problem's
    // detail is then that field's message too.
    if (Array.isArray(doc.fields)) {
      for (const f of doc.fields) {
        if (typeof f === "string" && !(f in this.fields)) {
          this.fields[f] = { code: this.slug, detail: this.detail || this.title };
          this.errors.push({ field: f, code: this.slug, detail: this.detail || this.title });
        }
      }
    }
  }

  // retryAfter is how many seconds the server asked us to wait, or 0.
  get retryAfter() {
    const n = Number(this.problem.retryAfterSeconds);
    return Number.isFinite(n) && n > 0 ? Math.ceil(n) : 0;
  }
}

function slugOf(type, status) {
  if (type.startsWith(problemBase)) return type.slice(problemBase.length);
  if (type) return type.slice(type.lastIndexOf("/") + 1);
  return status === 0 ? "network" : `http-${status}`;
}

// request calls the API and resolves to {status, data}; it rejects with an ApiError for any answer that is not
// 2xx, and for network failures (status 0).
export async function request(method, path, body) {
  // A JSON content type is what the API requires of every state-changing request; the browser adds Origin.
  return body === undefined ? send(method, path) : send(method, path, JSON.stringify(body), "application/json");
}

// upload sends a file as the raw request body with its own media type (the logo route takes image/png,
// image/jpeg or image/webp, not JSON) and answers like request.
export function upload(method, path, file, type) {
  return send(method, path, file, type || file.type || "application/octet-stream");
}

async function send(method, path, body, type) {
  const init = {
    method,
    credentials: "same-origin",
    cache: "no-store",
    headers: { Accept: "application/json, application/problem+json" },
  };
  if (body !== undefined) {
    init.headers["Content-Type"] = type;
    init.body = body;
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, {
      title: "No connection",
      detail: "PartnerHub could not be reached. Check your connection and try again.",
    });
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    if (!data || typeof data !== "object") {
      data = { title: "Something went wrong", detail: `Something went wrong on our side (${res.status}). Try again in a moment.` };
    }
    throw new ApiError(res.status, data);
  }
  return { status: res.status, data };
}

export const get = (path) => request("GET", path);
export const post = (path, body) => request("POST", path, body ?? {});
export const del = (path) => request("DELETE", path);
export const put = (path, body) => request("PUT", path, body ?? {});
export const patch = (path, body) => request("PATCH", path, body ?? {});
