// grant.js is what the partner access pages share about a grant (a customer's support partner, seen from either
// side) and a Partner ID: words for statuses, end reasons and terms, dates as people read them, the end-date
// field's limits and value, the facts of a grant, and copying to the clipboard.

import { el } from "./ui.js";
import { rolesText } from "./grantroles.js";

// partnerIdText shows a Partner ID as people type it, XXXX-XXXX, whatever the API or a person gave.
export function partnerIdText(raw) {
  const clean = String(raw || "").replace(/[\s-]/g, "").toUpperCase();
  return clean.length === 8 ? `${clean.slice(0, 4)}-${clean.slice(4)}` : clean;
}

// partnerIdProblem checks a Partner ID as typed; it answers the message to show, or "" when it looks right (the
// API checks the alphabet, which leaves out characters people confuse).
export function partnerIdProblem(raw) {
  const clean = String(raw || "").replace(/[\s-]/g, "");
  if (!clean) return "Enter the Partner ID your partner gave you.";
  if (!/^[a-z0-9]{8}$/i.test(clean)) return "A Partner ID has eight letters and digits, like 7KQ4-M2XD.";
  return "";
}

// dateText formats a timestamp from the API as a date ("30 Jun 2027"), or "" when it is missing or malformed.
export function dateText(value) {
  if (!value) return "";
  const d = new Date(value);
  if (Number.isNaN(d.getTime()) || d.getFullYear() < 2000) return "";
  return new Intl.DateTimeFormat(undefined, { dateStyle: "medium" }).format(d);
}

// How far ahead an end date may be: the API allows two years from when it is set.
const maxTermYears = 2;

// setDateLimits sets a date input's min (tomorrow) and max (two years ahead), in the reader's time zone.
export function setDateLimits(input) {
  const day = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  const now = new Date();
  input.min = day(new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1));
  input.max = day(new Date(now.getFullYear() + maxTermYears, now.getMonth(), now.getDate() - 1));
}

// endsAtOf reads a date input as the API's end date: the end of that day in the reader's time zone, as RFC 3339.
// It answers {value} ("" for an empty field) or {problem}, the message to show next to the field.
export function endsAtOf(input) {
  const raw = input.value.trim();
  if (!raw) return { value: "" };
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
  if (!m) return { problem: "Enter the end date as a date, like 2027-06-30." };
  const end = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 23, 59, 59);
  if (Number.isNaN(end.getTime())) return { problem: "Enter the end date as a date, like 2027-06-30." };
  if (end.getTime() <= Date.now()) return { problem: "The end date must be in the future." };
  if (input.max && raw > input.max) return { problem: "The end date can be at most two years ahead." };
  return { value: end.toISOString().replace(/\.\d{3}Z$/, "Z") };
}

// groupOf sorts a grant into the page's lists: pending (invited), active, or ended (any final state).
export function groupOf(g) {
  if (g.status === "invited") return "pending";
  if (g.status === "active") return "active";
  return "ended";
}

// statusWords are a grant's status as its pill reads, by side.
const statusWords = {
  invited: { customer: "Waiting for the partner", partner: "Waiting for your answer" },
  active: { customer: "Active", partner: "Active" },
  declined: { customer: "Declined", partner: "Declined" },
  expired: { customer: "Expired", partner: "Expired" },
  revoked: { customer: "Ended", partner: "Ended" },
};

// statusPill is the pill that shows a grant's status; its data-status picks the colour, the words carry it.
export function statusPill(g, side) {
  const group = groupOf(g);
  const look = group === "pending" ? "pending" : group === "active" ? "active" : "ended";
  const words = statusWords[g.status]?.[side] || g.status;
  return el("span", { className: "pill", dataset: { status: look } }, words);
}

// endedText says why and when a grant ended, naming the side that ended it.
export function endedText(g) {
  const partner = g.partner?.name || "The partner";
  const customer = g.customer?.name || "The customer";
  const when = dateText(g.endedAt || g.since);
  const why = {
    declined: `${partner} declined the invitation`,
    "revoked-by-customer": `${customer} revoked access`,
    "invitation-withdrawn": `${customer} withdrew the invitation`,
    "ended-by-partner": `${partner} ended its access`,
    "invitation-expired": "The invitation was not answered in time",
    "end-date": "The end date was reached",
  }[g.endReason] || "Access ended";
  return when ? `${why} on ${when}.` : `${why}.`;
}

// staffText says how many staff members act through a grant, and who when there are few, with the roles of
// those narrowed to some of the grant's: "2 people: Sam Staff (Read-only), Dana Dev".
export function staffText(g) {
  const staff = Array.isArray(g.staff) ? g.staff : [];
  const n = Number.isFinite(g.staffCount) ? g.staffCount : staff.length;
  if (!n) return "Nobody yet";
  const granted = Array.isArray(g.roles) ? g.roles.length : 1;
  const names = staff.filter((s) => s.name || s.email).map((s) => {
    const narrowed = Array.isArray(s.roles) && s.roles.length && s.roles.length < granted;
    return narrowed ? `${s.name || s.email} (${rolesText(s.roles)})` : s.name || s.email;
  });
  return names.length && names.length <= 5 ? `${people(n)}: ${names.join(", ")}` : people(n);
}

// groupsText says, on the customer's side, how many of the partner's staff groups act through a grant and with
// which roles (the customer does not see the groups' names): "2 staff groups of Tailspin also act for you, as
// Read-only". "" when none.
export function groupsText(g) {
  const groups = Array.isArray(g.groups) ? g.groups : [];
  if (!groups.length) return "";
  const partner = g.partner?.name || "your partner";
  const roles = [...new Set(groups.map((x) => rolesText(x.roles)))];
  const many = groups.length === 1 ? `1 staff group of ${partner} also acts` : `${groups.length} staff groups of ${partner} also act`;
  return `${many} for you, as ${roles.join("; ")}`;
}

// people counts people: "1 person", "3 people".
export function people(n) {
  return n === 1 ? "1 person" : `${n} people`;
}

// extendDays is how far an auto-extending grant extends at its end date.
export const extendDays = 180;

// durationText names a number of days as people say it: "1 day", "90 days", "1 year", "2 years".
export function durationText(days) {
  if (days === 365) return "1 year";
  if (days === 730) return "2 years";
  return days === 1 ? "1 day" : `${days} days`;
}

// endsText says when a grant's access ends, or that it does not: "Extends automatically by 180 days on 30 Jun
// 2027", "Ends on 30 Jun 2027", "90 days after acceptance, then extends automatically by 180 days".
export function endsText(g) {
  const ends = dateText(g.endsAt);
  const days = Number.isFinite(g.durationDays) ? durationText(g.durationDays) : "";
  if (ends) return g.autoExtend ? `Extends automatically by ${extendDays} days on ${ends}` : `Ends on ${ends}`;
  if (days) {
    return g.autoExtend ? `${days} after acceptance, then extends automatically by ${extendDays} days` : `Ends ${days} after acceptance`;
  }
  return "No end date: until revoked";
}

// factsOf lists a grant's facts for one side as [term, description] pairs, leaving out what does not apply.
export function factsOf(g, side) {
  const group = groupOf(g);
  const invited = [dateText(g.invitedAt), g.invitedBy?.name ? `by ${g.invitedBy.name}` : "", g.via === "share-link" ? "(through a share link)" : ""]
    .filter(Boolean).join(" ");
  const facts = [];
  if (side === "customer") facts.push(["Partner ID", partnerIdText(g.partner?.partnerId)]);
  if (group !== "ended") facts.push(["Roles", rolesText(g.roles)]);
  if (group !== "ended" && g.roleRequest) facts.push(["Asked for", `${rolesText(g.roleRequest.roles)}, waiting for the customer`]);
  if (group === "pending") {
    facts.push(["Invited", invited]);
    facts.push([side === "partner" ? "Answer by" : "Answer due by", dateText(g.expiresAt)]);
    facts.push(["Term", endsText(g)]);
  } else if (group === "active") {
    facts.push(["Access since", dateText(g.since || g.acceptedAt)]);
    facts.push(["Term", endsText(g)]);
    facts.push(["Staff with access", staffText(g)]);
    if (side === "customer") facts.push(["Staff groups", groupsText(g)]);
  } else {
    facts.push(["Ended", endedText(g)]);
  }
  return facts.filter(([, v]) => v);
}

// factList renders facts as a description list.
export function factList(facts) {
  return el("dl", { className: "grant-facts" }, facts.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
}

// copyText puts text on the clipboard and reports whether it worked; browsers refuse without a secure page or
// focus, and then the page shows the text selected for the person to copy.
export async function copyText(text) {
  if (!navigator.clipboard?.writeText) return false;
  const refused = new Promise((resolve) => window.setTimeout(() => resolve(false), 2000));
  const copied = navigator.clipboard.writeText(text).then(() => true, () => false);
  return Promise.race([copied, refused]);
}
