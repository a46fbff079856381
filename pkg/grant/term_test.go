package grant_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/grant"
	"github.com/partnerhub/partnerhub/pkg/partneraccess"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/table"
)

const day = partneraccess.Day

// setAutoExtend is the customer's (or anyone's) PUT …/auto-extend.
func (w *world) setAutoExtend(cookie, grantID string, body any) platformtest.Reply {
	w.T.Helper()
	return w.call(cookie, grant.RouteAutoExtend, map[string]string{"grantId": grantID}, body)
}

// termGrant invites the partner with terms, has it accept now and assigns its administrator as staff; it
// returns the grant's id and its end date.
func (w *world) termGrant(terms map[string]any) (string, time.Time) {
	w.T.Helper()
	body := map[string]any{"partnerId": w.partnerID()}
	for k, v := range terms {
		body[k] = v
	}
	id := w.invite(body)
	r := w.act(w.partnerAdmin, grant.RouteAccept, id)
	platformtest.WantStatus(w.T, r, http.StatusOK)
	platformtest.WantStatus(w.T, w.setStaff(w.partnerAdmin, id, w.partner.ContactUserID), http.StatusOK)
	ends, err := time.Parse(time.RFC3339, r.Str("endsAt"))
	if err != nil {
		w.T.Fatalf("accepted without an end date: %s", r.Body)
	}
	return id, ends
}

// to moves the fake clock to at.
func (w *world) to(at time.Time) { w.T.Helper(); w.advance(at.Sub(w.Clock.Now())) }

// staffActs reports whether the partner's administrator, a staff member of the grant, can act in the customer
// now: a request in a fresh session there, through the per-request check (partneraccess.StaffAccess).
func (w *world) staffActs() bool {
	w.T.Helper()
	cookie := w.Session(w.partner.ContactUserID, w.customer.ID)
	return w.viewAccount(cookie, w.customer.ID).StatusCode == http.StatusOK
}

// TestInviteWithATerm checks the terms an invitation gives: a duration from acceptance (the default two years,
// auto-extending), an exact date (not auto-extending unless asked), auto-extend off; the invitation's audit
// record and lifecycle facts carry them; a share link's confirmation takes the same terms.
func TestInviteWithATerm(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	now := w.Clock.Now()
	exact := now.Add(100 * day).Truncate(time.Second)
	cases := []struct {
		name       string
		terms      map[string]any
		days       any // durationDays in the answer
		endsAt     any
		autoExtend bool
	}{
		{"case=default", nil, float64(730), nil, true},
		{"case=a week, auto-extend off", map[string]any{"durationDays": 7, "autoExtend": false}, float64(7), nil, false},
		{"case=one day", map[string]any{"durationDays": 1}, float64(1), nil, true},
		{"case=exact date", map[string]any{"endsAt": exact.Format(time.RFC3339)}, nil, exact.Format(time.RFC3339), false},
		{"case=exact date, auto-extend on", map[string]any{"endsAt": exact.Format(time.RFC3339), "autoExtend": true}, nil, exact.Format(time.RFC3339), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := map[string]any{"partnerId": w.partnerID()}
			for k, v := range c.terms {
				body[k] = v
			}
			r := w.call(w.customerAdmin, grant.RouteInvite, map[string]string{"id": w.customer.ID}, body)
			platformtest.WantStatus(t, r, http.StatusCreated)
			if r.JSON["durationDays"] != c.days || r.JSON["endsAt"] != c.endsAt || r.JSON["autoExtend"] != c.autoExtend ||
				!slices.Contains(actions(r), "auto-extend") {
				t.Fatalf("answer: %s", r.Body)
			}
			platformtest.WantStatus(t, w.act(w.customerAdmin, grant.RouteRevokeGrant, r.Str("id")), http.StatusOK)
		})
	}
	// The partner's view has no switch.
	id := w.invite(nil)
	r := w.call(w.partnerAdmin, grant.RouteGet, map[string]string{"grantId": id}, nil)
	if slices.Contains(actions(r), "auto-extend") || r.JSON["autoExtend"] != true {
		t.Fatalf("partner's view: %s", r.Body)
	}
	platformtest.WantStatus(t, w.act(w.customerAdmin, grant.RouteRevokeGrant, id), http.StatusOK)

	token := w.shareLink()
	r = w.call(w.customerAdmin, grant.RouteInviteLink, map[string]string{"token": token},
		map[string]any{"customerId": w.customer.ID, "durationDays": 90, "autoExtend": false})
	platformtest.WantStatus(t, r, http.StatusCreated)
	if r.JSON["durationDays"] != float64(90) || r.JSON["autoExtend"] != false {
		t.Fatalf("share link invitation: %s", r.Body)
	}
	if g := w.grantRecord(r.Str("id")); g.TermDays != 90 || g.AutoExtend || g.EndsAt != "" {
		t.Fatalf("stored: %+v", g)
	}
}

// TestTermRefusals checks what is refused, changing nothing: durations out of the GDAP bounds, a duration and an
// exact date at once; a switch without its value, from the partner, of a grant that is not the caller's, of an
// ended grant and of one made before terms existed.
func TestTermRefusals(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	now := w.Clock.Now()
	id := w.invite(map[string]any{"partnerId": w.partnerID(), "durationDays": 30})
	ended := w.invite(map[string]any{"partnerId": w.Account(w.msp.ID).PartnerID})
	platformtest.WantStatus(t, w.act(w.customerAdmin, grant.RouteRevokeGrant, ended), http.StatusOK)
	legacy := w.call(w.otherAdmin, grant.RouteInvite, map[string]string{"id": w.other.ID}, map[string]any{"partnerId": w.partnerID()}).Str("id")
	platformtest.WantStatus(t, w.act(w.partnerAdmin, grant.RouteAccept, legacy), http.StatusOK)
	// A grant made before every grant was time-bound: no end date, no term.
	if _, err := w.Store.UpdateGrant(context.Background(), legacy, func(g *partneraccess.Grant, _ *dynamo.Tx) error {
		g.EndsAt, g.Term, g.AutoExtend = time.Time{}, 0, false
		g.Version++
		*g = g.Rescheduled(now)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	staff := w.addStaff("Sam Staff")
	before := w.Snapshot()
	invites := []struct {
		name   string
		body   map[string]any
		fields []string
	}{
		{"case=zero days", map[string]any{"durationDays": 0}, []string{"durationDays:out_of_range"}},
		{"case=731 days", map[string]any{"durationDays": 731}, []string{"durationDays:out_of_range"}},
		{"case=negative", map[string]any{"durationDays": -5}, []string{"durationDays:out_of_range"}},
		{"case=duration and date", map[string]any{"durationDays": 30, "endsAt": now.Add(day).Format(time.RFC3339)}, []string{"durationDays:conflict"}},
		{"case=days as text, auto-extend as text", map[string]any{"durationDays": "30", "autoExtend": "yes"}, []string{"autoExtend:wrong_type", "durationDays:wrong_type"}},
	}
	for _, c := range invites {
		t.Run(c.name, func(t *testing.T) {
			c.body["partnerId"] = w.Account(w.msp.ID).PartnerID
			r := w.call(w.customerAdmin, grant.RouteInvite, map[string]string{"id": w.customer.ID}, c.body)
			platformtest.WantProblem(t, r, http.StatusBadRequest, "validation")
			if !slices.Equal(r.Fields(), c.fields) {
				t.Fatalf("fields %v, want %v", r.Fields(), c.fields)
			}
		})
	}
	switches := []struct {
		name   string
		cookie string
		grant  string
		body   any
		status int
		slug   string
	}{
		{"case=no value", w.customerAdmin, id, map[string]any{}, 400, "validation"},
		{"case=not a boolean", w.customerAdmin, id, map[string]any{"enabled": "off"}, 400, "validation"},
		{"case=the partner", w.partnerAdmin, id, map[string]any{"enabled": false}, 403, "customer-only"},
		{"case=read-only partner user", staff.cookie, id, map[string]any{"enabled": false}, 403, "customer-only"},
		{"case=another customer", w.otherAdmin, id, map[string]any{"enabled": false}, 404, "grant-not-found"},
		{"case=no such grant", w.customerAdmin, "AAAAAAAAAAAAAAAAAAAAAA", map[string]any{"enabled": false}, 404, "grant-not-found"},
		{"case=ended", w.customerAdmin, ended, map[string]any{"enabled": false}, 409, "grant-ended"},
		{"case=no end date", w.otherAdmin, legacy, map[string]any{"enabled": true}, 409, "grant-not-time-bound"},
		{"case=no session", "", id, map[string]any{"enabled": false}, 401, "unauthorized"},
	}
	for _, c := range switches {
		t.Run(c.name, func(t *testing.T) {
			platformtest.WantProblem(t, w.setAutoExtend(c.cookie, c.grant, c.body), c.status, c.slug)
		})
	}
	w.Unchanged(before, "refused terms and switches")
}

// TestAutoExtendAtTheEnd checks the sweep on an auto-extending grant: no reminder, nothing before the end date;
// at it, one extension by 180 days however often the sweep runs, logged on both sides (lifecycle event Partner
// Access Extended) and told to both sides, and the staff keep acting throughout.
func TestAutoExtendAtTheEnd(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id, ends := w.termGrant(map[string]any{"durationDays": 30})
	for _, at := range []time.Time{ends.Add(-30 * day), ends.Add(-7 * day), ends.Add(-day), ends.Add(-time.Minute)} {
		w.to(at)
		w.sweep()
	}
	if n := len(w.mails("partner-access-ending")); n != 0 {
		t.Fatalf("%d reminders of an end that will not happen", n)
	}
	w.to(ends)
	if !w.staffActs() {
		t.Fatal("staff lost access at the end date of an auto-extending grant")
	}
	next := ends.Add(partneraccess.Extension)
	// Before the sweep records it, the grant reads with its new end date, and the version a change must name.
	before := w.grantRecord(id)
	if r := w.call(w.customerAdmin, grant.RouteGet, map[string]string{"grantId": id}, nil); r.Str("endsAt") != next.Format(time.RFC3339) ||
		r.JSON["version"] != float64(before.Version) {
		t.Fatalf("at the end date, before the sweep: %s (stored version %d)", r.Body, before.Version)
	}
	w.sweep()
	w.sweep()
	g := w.grantRecord(id)
	if g.Status != "active" || g.EndsAt != table.Timestamp(next) || g.Due != partneraccess.DueExtend || g.DueAt != table.Timestamp(next) {
		t.Fatalf("after the end date: %+v", g)
	}
	for _, acc := range []string{w.customer.ID, w.partner.ID} {
		if n := count(w.Audit(acc), "partner-access.extended"); n != 1 {
			t.Errorf("account %s logged %d extensions", acc, n)
		}
	}
	mails := w.mails("partner-access-extended")
	if len(mails) != 2 || mails[0].Data["endsAt"] != next.Format(time.RFC3339) || mails[0].Data["extendedByDays"] != "180" {
		t.Fatalf("extension emails: %+v", mails)
	}
	r := w.call(w.customerAdmin, grant.RouteGet, map[string]string{"grantId": id}, nil)
	if r.Str("endsAt") != next.Format(time.RFC3339) || !w.staffActs() {
		t.Fatalf("after the extension: %s", r.Body)
	}
}

// TestAutoExtendOffEndsOnTime turns auto-extend off and checks what follows: the partner is told, both logs show
// it; the reminders come 30, 7 and 1 days before the end, to both sides, each once however often the sweep
// runs; the grant is not extended but ends on its end date, with its staff; turning it on again is refused then.
func TestAutoExtendOffEndsOnTime(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id, ends := w.termGrant(map[string]any{"durationDays": 60})
	w.to(ends.Add(-45 * day))
	r := w.setAutoExtend(w.customerAdmin, id, map[string]any{"enabled": false})
	platformtest.WantStatus(t, r, http.StatusOK)
	if r.JSON["autoExtend"] != false || r.Str("endsAt") != ends.Format(time.RFC3339) {
		t.Fatalf("answer: %s", r.Body)
	}
	if g := w.grantRecord(id); g.Due != partneraccess.DueMonthReminder || g.DueAt != table.Timestamp(ends.Add(-30*day)) {
		t.Fatalf("after turning it off, due %s at %s", g.Due, g.DueAt)
	}
	for _, acc := range []string{w.customer.ID, w.partner.ID} {
		if n := count(w.Audit(acc), "partner-access.auto-extend-changed"); n != 1 {
			t.Errorf("account %s logged %d changes", acc, n)
		}
	}
	told := w.mails("partner-access-auto-extend")
	if len(told) != 1 || told[0].To != w.partner.ContactEmail || told[0].Data["enabled"] != "false" {
		t.Fatalf("emails to the partner: %+v", told)
	}
	// The same again changes nothing.
	before := w.Snapshot()
	platformtest.WantStatus(t, w.setAutoExtend(w.customerAdmin, id, map[string]any{"enabled": false}), http.StatusOK)
	w.Unchanged(before, "turning off what is off")

	steps := []struct {
		at        time.Time
		acts      bool // before the sweep runs
		reminders int
		due       string
		status    string
	}{
		{ends.Add(-30*day - time.Minute), true, 0, partneraccess.DueMonthReminder, "active"},
		{ends.Add(-30 * day), true, 2, partneraccess.DueFirstReminder, "active"},
		{ends.Add(-7 * day), true, 4, partneraccess.DueSecondReminder, "active"},
		{ends.Add(-day), true, 6, partneraccess.DueEnd, "active"},
		{ends.Add(-time.Second), true, 6, partneraccess.DueEnd, "active"},
		{ends, false, 6, "", "expired"}, // on time, even before the sweep records it
	}
	for _, s := range steps {
		w.to(s.at)
		if got := w.staffActs(); got != s.acts {
			t.Fatalf("at end %v, before the sweep: staff act %v", s.at.Sub(ends), got)
		}
		w.sweep()
		w.sweep()
		g := w.grantRecord(id)
		if n := len(w.mails("partner-access-ending")); n != s.reminders || g.Due != s.due || g.Status != s.status {
			t.Fatalf("at end %v: %d reminders, due %q, %s; want %d, %q, %s", s.at.Sub(ends), n, g.Due, g.Status, s.reminders, s.due, s.status)
		}
	}
	w.ended(t, id, "expired")
	if n := len(w.mails("partner-access-extended")); n != 0 {
		t.Fatalf("%d extension emails for a grant that does not auto-extend", n)
	}
	platformtest.WantProblem(t, w.setAutoExtend(w.customerAdmin, id, map[string]any{"enabled": true}), http.StatusConflict, "grant-ended")
}

// TestLateSweepSendsOneTermReminder checks a sweep that first runs after the 30-day and 7-day points: one
// reminder to each side, not three, and the next is the 1-day one.
func TestLateSweepSendsOneTermReminder(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id, ends := w.termGrant(map[string]any{"durationDays": 40, "autoExtend": false})
	w.to(ends.Add(-3 * day))
	w.sweep()
	w.sweep()
	if n, g := len(w.mails("partner-access-ending")), w.grantRecord(id); n != 2 || g.Due != partneraccess.DueSecondReminder {
		t.Fatalf("%d reminders, due %q", n, g.Due)
	}
}

// TestTurnAutoExtendOnAgain checks that the customer may turn auto-extend on again before the end: the
// reminders still ahead are dropped and the grant extends at its end date.
func TestTurnAutoExtendOnAgain(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id, ends := w.termGrant(map[string]any{"durationDays": 10, "autoExtend": false})
	w.to(ends.Add(-2 * day))
	w.sweep() // the 7-day reminder
	r := w.setAutoExtend(w.customerAdmin, id, map[string]any{"enabled": true})
	platformtest.WantStatus(t, r, http.StatusOK)
	if g := w.grantRecord(id); !g.AutoExtend || g.Due != partneraccess.DueExtend {
		t.Fatalf("after turning it on: %+v", g)
	}
	w.to(ends)
	w.sweep()
	if g := w.grantRecord(id); g.Status != "active" || g.EndsAt != table.Timestamp(ends.Add(partneraccess.Extension)) {
		t.Fatalf("at the end date: %+v", g)
	}
	if n := len(w.mails("partner-access-ending")); n != 2 {
		t.Fatalf("%d reminders; want the 7-day one to each side only", n)
	}
}

// TestRaceAutoExtendOffAgainstExtension turns auto-extend off just after the end date, while the sweep extends
// the grant. Whichever commits first, the grant is extended exactly once (the extension came at the end date;
// the change that loses the race reads it again) and ends the new term with auto-extend off, its reminders due.
func TestRaceAutoExtendOffAgainstExtension(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sweeper := w.App.Sweeper()
	h := w.Handler(route.PartnerAccess)
	for round := range rounds {
		t.Run(fmt.Sprintf("round=%d", round), func(t *testing.T) {
			id, ends := w.termGrant(map[string]any{"durationDays": 1})
			w.to(ends.Add(time.Minute))
			extensions := count(w.Audit(w.customer.ID), "partner-access.extended")
			off := w.Event(w.request(w.customerAdmin, grant.RouteAutoExtend, id, map[string]any{"enabled": false}))
			var (
				wg                sync.WaitGroup
				status            int
				callErr, sweepErr error
			)
			start := make(chan struct{})
			wg.Go(func() {
				<-start
				out, err := platformtest.Invoke(h, off)
				status, callErr = out.StatusCode, err
			})
			wg.Go(func() {
				<-start
				_, sweepErr = sweeper.Run(context.Background())
			})
			close(start)
			wg.Wait()
			if callErr != nil || sweepErr != nil || status != http.StatusOK {
				t.Fatalf("switch %d %v, sweep %v", status, callErr, sweepErr)
			}
			next := ends.Add(partneraccess.Extension)
			g := w.grantRecord(id)
			if g.Status != "active" || g.AutoExtend || g.EndsAt != table.Timestamp(next) || g.Due != partneraccess.DueMonthReminder {
				t.Fatalf("after the race: %+v", g)
			}
			if n := count(w.Audit(w.customer.ID), "partner-access.extended") - extensions; n != 1 {
				t.Fatalf("%d extensions logged for one end date", n)
			}
			w.sweep()
			if g2 := w.grantRecord(id); g2.Version != g.Version {
				t.Fatalf("a later sweep changed the grant: %+v", g2)
			}
			platformtest.WantStatus(t, w.act(w.customerAdmin, grant.RouteRevokeGrant, id), http.StatusOK)
		})
	}
}
