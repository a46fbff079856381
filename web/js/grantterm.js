// grantterm.js is a grant's term in the portal: the duration and auto-extend fields of an invitation (the
// Support partners page's form and the share link's confirmation) and the customer's switch of auto-extend
// (PUT /v1/partner-access/{id}/auto-extend); the words for a grant's end are grant.js's (endsText).
//
// A term is a duration from the partner's acceptance (1 day to 2 years, the presets of the select) or an exact
// end date ("Until a date I choose" reveals the date field); auto-extend is a checkbox, on by default.

import { put } from "./api.js";
import { dateText, endsAtOf, extendDays, setDateLimits } from "./grant.js";

// termForm wires an invitation's term fields, named by their ids: the duration select (whose "date" option
// reveals the end date's field) and the auto-extend checkbox. It answers read(), which gives {body} — the terms
// of the request — or {problem, input} to show next to the field.
export function termForm({ duration, endsField, ends, autoExtend }) {
  setDateLimits(ends);
  const sync = () => {
    endsField.hidden = duration.value !== "date";
  };
  duration.addEventListener("change", sync);
  sync();
  return {
    read() {
      const body = { autoExtend: autoExtend.checked };
      if (duration.value !== "date") {
        body.durationDays = Number(duration.value);
        return { body };
      }
      const end = endsAtOf(ends);
      if (end.problem) return { problem: end.problem, input: ends };
      if (!end.value) return { problem: "Choose the day access ends.", input: ends };
      body.endsAt = end.value;
      return { body };
    },
    reset() {
      sync();
    },
  };
}

// autoExtendLabel is the switch's button label for a grant: what pressing it does.
export function autoExtendLabel(g) {
  return g.autoExtend ? "Turn off automatic extension" : "Turn on automatic extension";
}

// autoExtendDone says what the switch did, for the page's result.
export function autoExtendDone(g) {
  const partner = g.partner?.name || "The partner";
  const ends = dateText(g.endsAt);
  if (g.autoExtend) return `${partner}'s access now extends automatically by ${extendDays} days${ends ? ` on ${ends}` : " at its end"}.`;
  return `${partner}'s access no longer extends automatically: it ends${ends ? ` on ${ends}` : " at the end of its term"}. You will be reminded before.`;
}

// setAutoExtend turns a grant's auto-extend on or off; it answers the grant as it is now.
export async function setAutoExtend(g, on) {
  const { data } = await put(`/v1/partner-access/${encodeURIComponent(g.id)}/auto-extend`, { enabled: on });
  return data;
}
