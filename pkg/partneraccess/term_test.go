package partneraccess_test

import (
	"errors"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/partneraccess"
)

const day = partneraccess.Day

// termGrant is an active grant accepted at now for a term, auto-extending or not.
func termGrant(t *testing.T, now time.Time, term time.Duration, autoExtend bool) partneraccess.Grant {
	t.Helper()
	g := partneraccess.Invitation("g", partneraccess.Party{ID: "c"}, partneraccess.Party{ID: "p"}, "", partneraccess.ViaPartnerID,
		"u", "Grace", partneraccess.Terms{Term: term, AutoExtend: autoExtend}, now.Add(-time.Hour))
	if !g.EndsAt.IsZero() {
		t.Fatalf("a term started before acceptance: ends %v", g.EndsAt)
	}
	g, err := g.Accepted("p-admin", now)
	if err != nil {
		t.Fatal(err)
	}
	if !g.EndsAt.Equal(now.Add(term)) {
		t.Fatalf("accepted at %v for %v: ends %v", now, term, g.EndsAt)
	}
	return g
}

// TestTermNextDue walks a grant that does not auto-extend through every reminder point, seen just before, at and
// just after each, and a grant that does: it is only ever due for its extension.
func TestTermNextDue(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	ends := now.Add(90 * day)
	ending := termGrant(t, now, 90*day, false)
	extending := termGrant(t, now, 90*day, true)
	cases := []struct {
		name string
		g    partneraccess.Grant
		at   time.Time
		want partneraccess.Due
	}{
		{"case=just accepted", ending, now, partneraccess.Due{Event: partneraccess.DueMonthReminder, At: ends.Add(-30 * day)}},
		{"case=before the 30-day reminder", ending, ends.Add(-30*day - time.Second), partneraccess.Due{Event: partneraccess.DueMonthReminder, At: ends.Add(-30 * day)}},
		{"case=at the 30-day reminder", ending, ends.Add(-30 * day), partneraccess.Due{Event: partneraccess.DueFirstReminder, At: ends.Add(-7 * day)}},
		{"case=between 30 and 7 days", ending, ends.Add(-10 * day), partneraccess.Due{Event: partneraccess.DueFirstReminder, At: ends.Add(-7 * day)}},
		{"case=at the 7-day reminder", ending, ends.Add(-7 * day), partneraccess.Due{Event: partneraccess.DueSecondReminder, At: ends.Add(-day)}},
		{"case=at the 1-day reminder", ending, ends.Add(-day), partneraccess.Due{Event: partneraccess.DueEnd, At: ends}},
		{"case=past the end", ending, ends.Add(time.Hour), partneraccess.Due{Event: partneraccess.DueEnd, At: ends}},
		{"case=a 3-day term gets only the 1-day reminder", termGrant(t, now, 3*day, false), now, partneraccess.Due{Event: partneraccess.DueSecondReminder, At: now.Add(2 * day)}},
		{"case=auto-extending, just accepted", extending, now, partneraccess.Due{Event: partneraccess.DueExtend, At: ends}},
		{"case=auto-extending, a day before its end", extending, ends.Add(-day), partneraccess.Due{Event: partneraccess.DueExtend, At: ends}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got, ok := c.g.NextDue(c.at)
			if !ok || got != c.want {
				t.Fatalf("NextDue = %+v, %v; want %+v", got, ok, c.want)
			}
		})
	}
}

// TestLateSweepSkipsPastReminders checks the late sweep's rule on the term: a reminder handled after later
// reminder points have passed schedules the next point still ahead, so one late run sends one reminder, not
// three.
func TestLateSweepSkipsPastReminders(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	g := termGrant(t, now, 60*day, false)
	if g.Due.Event != partneraccess.DueMonthReminder {
		t.Fatalf("due %+v", g.Due)
	}
	late := g.EndsAt.Add(-12 * time.Hour) // past all three reminder points
	if got := g.Reminded(late).Due; got != (partneraccess.Due{Event: partneraccess.DueEnd, At: g.EndsAt}) {
		t.Fatalf("after a late reminder, due %+v", got)
	}
	if got := g.Reminded(g.EndsAt.Add(-5 * day)).Due; got.Event != partneraccess.DueSecondReminder {
		t.Fatalf("after a reminder 5 days before the end, due %+v", got)
	}
}

// TestExtended checks the extension: 180 days from the old end date (not from a late sweep's now), as often as
// needed to pass now, due again at the new end; no extension for a grant that does not auto-extend, is not yet at
// its end, or has ended.
func TestExtended(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	g := termGrant(t, now, 30*day, true)
	ends := g.EndsAt
	if g.Extended(ends.Add(-time.Second)).Version != g.Version {
		t.Fatal("extended before its end date")
	}
	for _, c := range []struct {
		name string
		at   time.Time
		want time.Time
	}{
		{"case=on time", ends, ends.Add(180 * day)},
		{"case=a day late", ends.Add(day), ends.Add(180 * day)},
		{"case=two terms late", ends.Add(200 * day), ends.Add(360 * day)},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			x := g.Extended(c.at)
			if !x.EndsAt.Equal(c.want) || x.Version != g.Version+1 || x.Due != (partneraccess.Due{Event: partneraccess.DueExtend, At: c.want}) || !x.Usable(c.at) {
				t.Fatalf("extended at %v: ends %v, version %d, due %+v", c.at, x.EndsAt, x.Version, x.Due)
			}
		})
	}
	off := termGrant(t, now, 30*day, false)
	if x := off.Extended(ends); x.Version != off.Version || !x.EndsAt.Equal(ends) {
		t.Fatal("a grant without auto-extend was extended")
	}
	ended, err := g.Ended(partneraccess.Revoke, "u", partneraccess.ReasonRevoked, now)
	if err != nil {
		t.Fatal(err)
	}
	if x := ended.Extended(ends); x.Version != ended.Version {
		t.Fatal("an ended grant was extended")
	}
}

// TestUsableThroughItsEnd checks the per-request rule at the end date, whether or not the sweep is late: an
// auto-extending grant does not lapse (it is extended then), one that does not lapses on time.
func TestUsableThroughItsEnd(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	extending, ending := termGrant(t, now, day, true), termGrant(t, now, day, false)
	for _, at := range []time.Time{now.Add(day - time.Second), now.Add(day), now.Add(3 * day)} {
		if !extending.Usable(at) {
			t.Errorf("an auto-extending grant lapsed at %v", at.Sub(now))
		}
		if want := at.Before(now.Add(day)); ending.Usable(at) != want {
			t.Errorf("a grant without auto-extend: Usable at %v = %v", at.Sub(now), !want)
		}
	}
}

// TestWithAutoExtend checks the customer's switch: off schedules the reminders still ahead, on drops them for the
// extension; the same value changes nothing; off after an unrecorded end date records the extension first; and
// the refusals.
func TestWithAutoExtend(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	g := termGrant(t, now, 90*day, true)
	ends := g.EndsAt

	off, err := g.WithAutoExtend(false, ends.Add(-10*day))
	if err != nil || off.AutoExtend || off.Version != g.Version+1 || off.Due != (partneraccess.Due{Event: partneraccess.DueFirstReminder, At: ends.Add(-7 * day)}) {
		t.Fatalf("off 10 days before the end: %+v, %v", off, err)
	}
	on, err := off.WithAutoExtend(true, ends.Add(-2*day))
	if err != nil || !on.AutoExtend || on.Due != (partneraccess.Due{Event: partneraccess.DueExtend, At: ends}) {
		t.Fatalf("on again: %+v, %v", on, err)
	}
	same, err := g.WithAutoExtend(true, now)
	if err != nil || same.Version != g.Version {
		t.Fatalf("setting what is set: version %d, %v", same.Version, err)
	}
	late, err := g.WithAutoExtend(false, ends.Add(time.Hour))
	if err != nil || late.AutoExtend || !late.EndsAt.Equal(ends.Add(180*day)) || late.Due.Event != partneraccess.DueMonthReminder || !late.Usable(ends.Add(time.Hour)) {
		t.Fatalf("off after the unrecorded end date: %+v, %v", late, err)
	}
	pending := partneraccess.Invitation("g", partneraccess.Party{ID: "c"}, partneraccess.Party{ID: "p"}, "", partneraccess.ViaPartnerID,
		"u", "Grace", partneraccess.Terms{Term: 30 * day, AutoExtend: true}, now)
	if p, err := pending.WithAutoExtend(false, now); err != nil || p.AutoExtend || p.Due.Event != partneraccess.DueInvitation {
		t.Fatalf("off while pending: %+v, %v", p, err)
	}

	lapsed := off // no auto-extend, past its end, not yet swept
	ended, _ := g.Ended(partneraccess.Revoke, "u", partneraccess.ReasonRevoked, now)
	legacy := partneraccess.Grant{Status: partneraccess.Active, AcceptedAt: now, Version: 2}
	for _, c := range []struct {
		name string
		g    partneraccess.Grant
		slug string
	}{
		{"case=past its end without auto-extend", lapsed, "grant-ended"},
		{"case=ended", ended, "grant-ended"},
		{"case=no end date", legacy, "grant-not-time-bound"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := c.g.WithAutoExtend(true, ends.Add(time.Minute))
			var f *fault.Error
			if !errors.Is(err, fault.ErrConflict) || !errors.As(err, &f) || f.Slug != c.slug {
				t.Fatalf("err = %v; want %s", err, c.slug)
			}
		})
	}
}
