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

// TestAccept checks that the partner's administrator accepts: the grant is active from then on, the customer's
// administrators are told, both audit logs show it, and its term starts: the sweep extends it at its end date.
func TestAccept(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id := w.invite(nil)
	w.advance(time.Hour)
	r := w.act(w.partnerAdmin, grant.RouteAccept, id)
	platformtest.WantStatus(t, r, http.StatusOK)
	if r.Str("status") != "active" || r.Str("side") != "partner" || r.Str("since") != w.Clock.Now().Format(time.RFC3339) || r.JSON["expiresAt"] != nil {
		t.Fatalf("answer: %s", r.Body)
	}
	// The default term, two years, starts now; the grant extends itself then.
	ends := w.Clock.Now().Add(partneraccess.DefaultTerm)
	if r.Str("endsAt") != ends.Format(time.RFC3339) || r.JSON["autoExtend"] != true || r.JSON["durationDays"] != float64(730) {
		t.Fatalf("answer's term: %s", r.Body)
	}
	g := w.grantRecord(id)
	if g.Status != "active" || g.AcceptedBy != w.partner.ContactUserID || g.Due != partneraccess.DueExtend || g.DueAt != table.Timestamp(ends) {
		t.Fatalf("stored: %+v", g)
	}
	for _, acc := range []string{w.customer.ID, w.partner.ID} {
		if n := count(w.Audit(acc), "partner-access.accepted"); n != 1 {
			t.Errorf("account %s logged %d acceptances", acc, n)
		}
	}
	mails := w.mails("partner-invitation-accepted")
	if len(mails) != 1 || mails[0].To != w.customer.ContactEmail || mails[0].BrandAccountID != w.customer.ID || mails[0].Data["partnerName"] != "Contoso Support" {
		t.Fatalf("emails: %+v", mails)
	}
	// Accepting again is refused and changes nothing.
	before := w.Snapshot()
	platformtest.WantProblem(t, w.act(w.partnerAdmin, grant.RouteAccept, id), http.StatusConflict, "grant-not-pending")
	platformtest.WantProblem(t, w.act(w.partnerAdmin, grant.RouteDecline, id), http.StatusConflict, "grant-not-pending")
	w.Unchanged(before, "answering an active grant")
}

// TestDecline checks that a declined invitation ends for good: the pair guard goes (so the customer may invite
// again), both logs show it and the customer is told.
func TestDecline(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id := w.invite(nil)
	r := w.act(w.partnerAdmin, grant.RouteDecline, id)
	platformtest.WantStatus(t, r, http.StatusOK)
	if r.Str("status") != "declined" || r.Str("endReason") != partneraccess.ReasonDeclined {
		t.Fatalf("answer: %s", r.Body)
	}
	if w.Data().Item(table.GrantPairGuard(w.customer.ID, w.partner.ID)) != nil {
		t.Fatal("the pair guard outlived the declined grant")
	}
	if it := w.Data().Item(table.GrantKey(id)); it[table.AttrXPK] != nil || it[table.AttrTTL] == nil {
		t.Fatal("a declined grant is still on the expiry index, or never collected")
	}
	for _, acc := range []string{w.customer.ID, w.partner.ID} {
		if n := count(w.Audit(acc), "partner-access.declined"); n != 1 {
			t.Errorf("account %s logged %d declines", acc, n)
		}
	}
	if mails := w.mails("partner-invitation-declined"); len(mails) != 1 || mails[0].To != w.customer.ContactEmail {
		t.Fatalf("emails: %+v", mails)
	}
	platformtest.WantProblem(t, w.act(w.partnerAdmin, grant.RouteAccept, id), http.StatusConflict, "grant-ended")
	w.invite(nil)
}

// TestAnswerRefusals checks who may not answer, and that an invitation past its deadline cannot be accepted
// even before the sweep has expired it.
func TestAnswerRefusals(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id := w.invite(nil)
	staff := w.addStaff("Rita Readonly")
	before := w.Snapshot()
	cases := []struct {
		name, cookie, route, id string
		status                  int
		slug                    string
	}{
		{"case=customer accepts", w.customerAdmin, grant.RouteAccept, id, 403, "partner-only"},
		{"case=customer declines", w.customerAdmin, grant.RouteDecline, id, 403, "partner-only"},
		{"case=partner user without the right", staff.cookie, grant.RouteAccept, id, 403, "forbidden"},
		{"case=another customer", w.otherAdmin, grant.RouteAccept, id, 404, "grant-not-found"},
		{"case=the msp above the partner", w.mspAdmin, grant.RouteAccept, id, 404, "grant-not-found"},
		{"case=unknown grant", w.partnerAdmin, grant.RouteAccept, "bm90LWEtZ3JhbnQ", 404, "grant-not-found"},
		{"case=malformed id", w.partnerAdmin, grant.RouteAccept, "not/an/id", 404, "grant-not-found"},
		{"case=partner ends a pending invitation", w.partnerAdmin, grant.RouteRevokeGrant, id, 409, "grant-not-active"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			platformtest.WantProblem(t, w.act(c.cookie, c.route, c.id), c.status, c.slug)
		})
	}
	w.Unchanged(before, "refused answers")
	w.advance(partneraccess.InvitationTTL)
	before = w.Snapshot()
	platformtest.WantProblem(t, w.act(w.partnerAdmin, grant.RouteAccept, id), http.StatusGone, "invitation-expired")
	w.Unchanged(before, "accepting a lapsed invitation")
}

// TestInvitationEndsWithItsEndDate checks that an invitation whose end date comes before its deadline cannot be
// accepted after the end date, and is on the index for it.
func TestInvitationEndsWithItsEndDate(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ends := w.Clock.Now().Add(3 * 24 * time.Hour)
	id := w.invite(map[string]any{"partnerId": w.partnerID(), "endsAt": ends.Format(time.RFC3339)})
	if g := w.grantRecord(id); g.DueAt != table.Timestamp(ends) {
		t.Fatalf("due at %s, want the end date %s", g.DueAt, table.Timestamp(ends))
	}
	w.advance(3 * 24 * time.Hour)
	platformtest.WantProblem(t, w.act(w.partnerAdmin, grant.RouteAccept, id), http.StatusGone, "invitation-expired")
}
