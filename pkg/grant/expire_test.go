package grant_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/grant"
	"github.com/partnerhub/partnerhub/pkg/partneraccess"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// TestUnansweredInvitationExpires checks the sweep: nothing happens before the 14 days are up; then the
// invitation expires, its pair guard goes, it leaves the expiry index, both logs show it and the customer is
// told; the customer can invite again, and the expired grant stays expired.
func TestUnansweredInvitationExpires(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id := w.invite(nil)
	w.advance(partneraccess.InvitationTTL - time.Minute)
	w.sweep()
	if g := w.grantRecord(id); g.Status != "invited" {
		t.Fatalf("expired early: %+v", g)
	}
	w.advance(time.Minute)
	w.sweep()
	w.ended(t, id, "expired")
	if g := w.grantRecord(id); g.EndReason != partneraccess.ReasonNotAnswered || g.EndedBy != "" {
		t.Fatalf("stored: %+v", g)
	}
	for _, acc := range []string{w.customer.ID, w.partner.ID} {
		if n := count(w.Audit(acc), "partner-access.expired"); n != 1 {
			t.Errorf("account %s logged %d expiries", acc, n)
		}
	}
	mails := w.mails("partner-invitation-expired")
	if len(mails) != 1 || mails[0].To != w.customer.ContactEmail || mails[0].BrandAccountID != w.customer.ID {
		t.Fatalf("emails: %+v", mails)
	}
	w.sweep() // a second run finds nothing
	if n := len(w.mails("partner-invitation-expired")); n != 1 {
		t.Fatalf("%d expiry emails after a second sweep", n)
	}
	platformtest.WantProblem(t, w.act(w.partnerAdmin, grant.RouteAccept, id), http.StatusConflict, "grant-ended")
	w.invite(nil)
}

// TestEndDate checks time-bound access: reminders to both sides 7 days and 1 day before the end date, each sent
// once however often the sweep runs, then the end: the grant expires with its staff memberships and pair guard
// in one go, both logs show it and both sides are told.
func TestEndDate(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	start := w.Clock.Now()
	ends := start.Add(30 * 24 * time.Hour).Truncate(time.Second)
	id := w.invite(map[string]any{"partnerId": w.partnerID(), "endsAt": ends.Format(time.RFC3339)})
	platformtest.WantStatus(t, w.act(w.partnerAdmin, grant.RouteAccept, id), http.StatusOK)
	platformtest.WantStatus(t, w.setStaff(w.partnerAdmin, id, w.partner.ContactUserID), http.StatusOK)
	if g := w.grantRecord(id); g.Due != partneraccess.DueFirstReminder || g.DueAt != table.Timestamp(ends.Add(-partneraccess.FirstReminder)) {
		t.Fatalf("after accepting, due %s at %s", g.Due, g.DueAt)
	}
	steps := []struct {
		at        time.Time
		reminders int // partner-access-ending emails so far
		due       string
		status    string
	}{
		{ends.Add(-partneraccess.FirstReminder - time.Minute), 0, partneraccess.DueFirstReminder, "active"},
		{ends.Add(-partneraccess.FirstReminder), 2, partneraccess.DueSecondReminder, "active"},
		{ends.Add(-partneraccess.FirstReminder + time.Hour), 2, partneraccess.DueSecondReminder, "active"},
		{ends.Add(-partneraccess.SecondReminder), 4, partneraccess.DueEnd, "active"},
		{ends.Add(-time.Minute), 4, partneraccess.DueEnd, "active"},
		{ends, 4, "", "expired"},
	}
	for _, s := range steps {
		w.advance(s.at.Sub(w.Clock.Now()))
		w.sweep()
		w.sweep()
		g := w.grantRecord(id)
		if n := len(w.mails("partner-access-ending")); n != s.reminders || g.Due != s.due || g.Status != s.status {
			t.Fatalf("at end date %v: %d reminders, due %q, %s; want %d, %q, %s", s.at.Sub(ends), n, g.Due, g.Status, s.reminders, s.due, s.status)
		}
	}
	w.ended(t, id, "expired")
	if g := w.grantRecord(id); g.EndReason != partneraccess.ReasonEndDate {
		t.Fatalf("end reason %q", g.EndReason)
	}
	to := map[string]int{}
	for _, m := range w.mails("partner-access-ending") {
		to[m.To]++
		if m.Data["endsAt"] != ends.Format(time.RFC3339) || m.BrandAccountID != m.AccountID {
			t.Fatalf("reminder: %+v", m)
		}
	}
	if to[w.customer.ContactEmail] != 2 || to[w.partner.ContactEmail] != 2 {
		t.Fatalf("reminders went to %v; want two to each side", to)
	}
	if n := len(w.mails("partner-access-expired")); n != 2 {
		t.Fatalf("%d end emails, want one to each side", n)
	}
	for _, acc := range []string{w.customer.ID, w.partner.ID} {
		if n := count(w.Audit(acc), "partner-access.expired"); n != 1 {
			t.Errorf("account %s logged %d ends", acc, n)
		}
	}
}

// TestLateSweepSendsOneReminder checks that a sweep that first runs after the second reminder's time sends one
// reminder, not two, and a short grant accepted within a week of its end gets only the last one.
func TestLateSweepSendsOneReminder(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ends := w.Clock.Now().Add(10 * 24 * time.Hour).Truncate(time.Second)
	id := w.invite(map[string]any{"partnerId": w.partnerID(), "endsAt": ends.Format(time.RFC3339)})
	w.advance(5 * 24 * time.Hour) // accepted 5 days before the end: the 7-day reminder is past
	platformtest.WantStatus(t, w.act(w.partnerAdmin, grant.RouteAccept, id), http.StatusOK)
	if g := w.grantRecord(id); g.Due != partneraccess.DueSecondReminder {
		t.Fatalf("due %q after a late acceptance", g.Due)
	}
	w.advance(ends.Add(-time.Hour).Sub(w.Clock.Now()))
	w.sweep()
	if n, g := len(w.mails("partner-access-ending")), w.grantRecord(id); n != 2 || g.Due != partneraccess.DueEnd {
		t.Fatalf("%d reminders, due %q", n, g.Due)
	}
}
