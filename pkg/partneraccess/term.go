package partneraccess

import (
	"time"

	"github.com/partnerhub/partnerhub/pkg/fault"
)

// A grant's term, after Microsoft's GDAP relationships: every new grant is time-bound, from MinTerm to MaxTerm,
// counted from the partner's acceptance (a pending invitation gives no access, so its days are not spent), or
// ending on an exact date the customer chose. At its end date a grant either extends itself by Extension — its
// AutoExtend, on unless the customer turned it off — or ends. Only an end that will really happen is announced:
// reminders MonthReminder, FirstReminder and SecondReminder before it, each only while its time is still ahead, so
// a late sweep sends one reminder, not three. Grants made before terms existed have no end date and keep none.

// Bounds and steps of a term.
const (
	Day = 24 * time.Hour
	// MinTerm and MaxTerm bound a term (GDAP's: 1 day to 2 years).
	MinTerm = Day
	MaxTerm = 730 * Day
	// DefaultTerm is the term of an invitation that names none.
	DefaultTerm = MaxTerm
	// Extension is how far an auto-extending grant extends at its end date (GDAP's 180 days).
	Extension = 180 * Day
	// MonthReminder is the first reminder of an end, before the 7-day and the 1-day ones.
	MonthReminder = 30 * Day
)

// What can be due besides the invitation's expiry and the 7-day and 1-day reminders.
const (
	DueMonthReminder = "reminder-30d"
	DueExtend        = "extend"
)

// reminders are the reminders of an end, earliest first.
var reminders = []struct {
	before time.Duration
	event  string
}{
	{MonthReminder, DueMonthReminder},
	{FirstReminder, DueFirstReminder},
	{SecondReminder, DueSecondReminder},
}

// errNoTerm refuses auto-extend on a grant made before every grant had a term: it has no end to extend.
var errNoTerm = fault.New(fault.ErrConflict, "grant-not-time-bound",
	"This partner access has no end date, so there is nothing to extend; invite the partner again for a time-bound grant.")

// TimeBound reports whether g has a term: an end date, or a Term that starts at acceptance.
func (g Grant) TimeBound() bool { return !g.EndsAt.IsZero() || g.Term > 0 }

// endDue is what the sweep does next to an active g with an end date, seen at now: extend it at its end date,
// or send the next reminder whose time is still ahead, then end it.
func (g Grant) endDue(now time.Time) Due {
	if g.AutoExtend {
		return Due{DueExtend, g.EndsAt}
	}
	for _, r := range reminders {
		if at := g.EndsAt.Add(-r.before); at.After(now) {
			return Due{r.event, at}
		}
	}
	return Due{DueEnd, g.EndsAt}
}

// started is g with its term started at now, as it is accepted: a Term gives the end date from now.
func (g Grant) started(now time.Time) Grant {
	if g.Term > 0 && g.EndsAt.IsZero() {
		g.EndsAt = now.Add(g.Term)
	}
	return g
}

// ExtensionDue reports whether g is active, auto-extending and at or past its end date at now: it has been
// extended, and the sweep (or a change of its auto-extend) records it with Extended.
func (g Grant) ExtensionDue(now time.Time) bool {
	return g.Status == Active && g.AutoExtend && g.PastEnd(now)
}

// Extended is g with the extension due at now recorded: its end date moves by Extension from the old one (not
// from now, so a late sweep does not lengthen the term), as often as needed to pass now, and the next due event
// follows. A g with no extension due is answered as it is.
func (g Grant) Extended(now time.Time) Grant {
	if !g.ExtensionDue(now) {
		return g
	}
	g.EndsAt = g.EndAsOf(now)
	g.Version++
	return g.Rescheduled(now)
}

// EndAsOf is g's end date as it stands at now: for an auto-extending grant whose end date has passed before the
// sweep recorded the extension, the date Extended will record; otherwise EndsAt.
func (g Grant) EndAsOf(now time.Time) time.Time {
	end := g.EndsAt
	for g.ExtensionDue(now) && !end.After(now) {
		end = end.Add(Extension)
	}
	return end
}

// WithAutoExtend is g with auto-extend on or off, set by the customer at now, on a live time-bound grant. An
// extension already due at now (the end date passed and the sweep has not recorded it) is recorded first: the
// grant was extended at its end date, so turning auto-extend off then ends it after the new term, not at once.
// Turning it off schedules the reminders still ahead; turning it on drops them. Setting what is set already
// changes nothing (the version stays).
func (g Grant) WithAutoExtend(on bool, now time.Time) (Grant, error) {
	switch {
	case !g.Status.Live():
		return g, errEnded
	case !g.TimeBound():
		return g, errNoTerm
	case g.Status == Active && !g.Usable(now):
		return g, errEnded // past its end date without auto-extend, not yet swept
	case g.AutoExtend == on:
		return g, nil
	}
	g = g.Extended(now)
	g.AutoExtend = on
	g.Version++
	return g.Rescheduled(now), nil
}
