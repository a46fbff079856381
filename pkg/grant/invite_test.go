package grant_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/grant"
	"github.com/partnerhub/partnerhub/pkg/partneraccess"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// TestInviteByPartnerID checks the invitation: a customer administrator names the partner by its Partner ID,
// typed in any case and without the hyphen; the grant is pending with a 14-day deadline and the end date asked
// for; the pair guard, both audit logs and the email to the partner's administrators come with it.
func TestInviteByPartnerID(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	typed := strings.ToLower(strings.ReplaceAll(w.partnerID(), "-", ""))
	ends := w.Clock.Now().Add(90 * 24 * time.Hour).Format(time.RFC3339)
	r := w.call(w.customerAdmin, grant.RouteInvite, map[string]string{"id": w.customer.ID}, map[string]any{"partnerId": " " + typed + " ", "endsAt": ends})
	platformtest.WantStatus(t, r, http.StatusCreated)
	id := r.Str("id")
	partner, _ := r.JSON["partner"].(map[string]any)
	if r.Str("status") != "invited" || partner["id"] != w.partner.ID || partner["name"] != "Contoso Support" || partner["partnerId"] != w.partnerID() ||
		r.Str("side") != "customer" || r.Str("via") != partneraccess.ViaPartnerID {
		t.Fatalf("answer: %s", r.Body)
	}
	if r.Str("expiresAt") != w.Clock.Now().Add(partneraccess.InvitationTTL).Format(time.RFC3339) || r.Str("endsAt") != ends {
		t.Fatalf("deadlines: %s", r.Body)
	}
	g := w.grantRecord(id)
	if g.Status != "invited" || g.CustomerID != w.customer.ID || g.PartnerAccountID != w.partner.ID || g.InvitedBy != w.customer.ContactUserID || g.Due != partneraccess.DueInvitation {
		t.Fatalf("stored: %+v", g)
	}
	if guard := w.Data().Item(table.GrantPairGuard(w.customer.ID, w.partner.ID)); platformtest.Str(guard["grantId"]) != id {
		t.Fatalf("pair guard: %v", guard)
	}
	if it := w.Data().Item(table.GrantKey(id)); platformtest.Str(it[table.AttrXPK]) != table.ExpiryPartition {
		t.Fatal("the pending grant is not on the expiry index")
	}
	for _, acc := range []string{w.customer.ID, w.partner.ID} {
		if n := count(w.Audit(acc), "partner-access.invited"); n != 1 {
			t.Errorf("account %s logged %d invitations", acc, n)
		}
	}
	mails := w.mails("partner-invited")
	if len(mails) != 1 || mails[0].To != w.partner.ContactEmail || mails[0].BrandAccountID != w.partner.ID ||
		mails[0].Data["customerName"] != "Fabrikam Inc" || mails[0].Data["inviter"] != "Contact of Fabrikam Inc" ||
		mails[0].Data["link"] != "http://localhost:3000/partner-access" {
		t.Fatalf("emails: %+v", mails)
	}
}

// TestInviteRefusals checks every way an invitation is refused, and that none of them writes anything.
func TestInviteRefusals(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	now := w.Clock.Now()
	staff := w.addStaff("Sam Staff")
	cases := []struct {
		name    string
		cookie  string
		account string
		body    any
		status  int
		slug    string
		fields  []string
	}{
		{"case=unknown partner id", w.customerAdmin, w.customer.ID, map[string]any{"partnerId": "2222-2222"}, 404, "partner-not-found", nil},
		{"case=malformed partner id and end date", w.customerAdmin, w.customer.ID, map[string]any{"partnerId": "OIL1-0000", "endsAt": "tomorrow"}, 400, "validation",
			[]string{"endsAt:invalid", "partnerId:invalid"}},
		{"case=missing partner id, past end date", w.customerAdmin, w.customer.ID, map[string]any{"endsAt": now.Add(-time.Hour).Format(time.RFC3339)}, 400, "validation",
			[]string{"endsAt:not_future", "partnerId:required"}},
		{"case=end date too far", w.customerAdmin, w.customer.ID, map[string]any{"partnerId": w.partnerID(), "endsAt": now.Add(3 * 365 * 24 * time.Hour).Format(time.RFC3339)}, 400, "validation",
			[]string{"endsAt:too_far"}},
		{"case=unknown field and wrong type", w.customerAdmin, w.customer.ID, map[string]any{"partnerId": 7, "role": "admin"}, 400, "validation",
			[]string{"partnerId:wrong_type", "role:unknown_field"}},
		{"case=not the account acted in", w.customerAdmin, w.other.ID, map[string]any{"partnerId": w.partnerID()}, 404, "account-not-found", nil},
		{"case=a partner cannot invite", w.partnerAdmin, w.partner.ID, map[string]any{"partnerId": w.partnerID()}, 403, "not-a-customer", nil},
		{"case=read-only user", staff.cookie, w.partner.ID, map[string]any{"partnerId": w.partnerID()}, 403, "forbidden", nil},
		{"case=no session", "", w.customer.ID, map[string]any{"partnerId": w.partnerID()}, 401, "unauthorized", nil},
	}
	before := w.Snapshot()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := w.call(c.cookie, grant.RouteInvite, map[string]string{"id": c.account}, c.body)
			platformtest.WantProblem(t, r, c.status, c.slug)
			if c.fields != nil && !slices.Equal(r.Fields(), c.fields) {
				t.Fatalf("fields %v, want %v", r.Fields(), c.fields)
			}
		})
	}
	w.Unchanged(before, "refused invitations")
}

// TestOneLiveGrantPerPair checks the pair guard: a second invitation while one is pending or active is refused
// with grant-exists naming the live one; once it has ended, a new invitation is possible — and needed.
func TestOneLiveGrantPerPair(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	first := w.invite(nil)
	r := w.call(w.customerAdmin, grant.RouteInvite, map[string]string{"id": w.customer.ID}, map[string]any{"partnerId": w.partnerID()})
	platformtest.WantProblem(t, r, http.StatusConflict, "grant-exists")
	if r.Str("grantId") != first {
		t.Fatalf("grant-exists names %q, want %q", r.Str("grantId"), first)
	}
	platformtest.WantStatus(t, w.act(w.partnerAdmin, grant.RouteAccept, first), http.StatusOK)
	platformtest.WantProblem(t, w.call(w.customerAdmin, grant.RouteInvite, map[string]string{"id": w.customer.ID}, map[string]any{"partnerId": w.partnerID()}), http.StatusConflict, "grant-exists")

	// Another customer invites the same partner independently.
	platformtest.WantStatus(t, w.call(w.otherAdmin, grant.RouteInvite, map[string]string{"id": w.other.ID}, map[string]any{"partnerId": w.partnerID()}), http.StatusCreated)

	platformtest.WantStatus(t, w.act(w.customerAdmin, grant.RouteRevokeGrant, first), http.StatusOK)
	// The revoked grant stays revoked: accepting it again is refused, a new invitation makes a new grant.
	platformtest.WantProblem(t, w.act(w.partnerAdmin, grant.RouteAccept, first), http.StatusConflict, "grant-ended")
	second := w.invite(nil)
	if second == first || w.grantRecord(first).Status != "revoked" || w.grantRecord(second).Status != "invited" {
		t.Fatalf("after the revoke: first %s, second %s", w.grantRecord(first).Status, w.grantRecord(second).Status)
	}
}

// TestInviteAnMSP checks that MSPs have Partner IDs too and can be invited.
func TestInviteAnMSP(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	mspID := w.Account(w.msp.ID).PartnerID
	r := w.call(w.customerAdmin, grant.RouteInvite, map[string]string{"id": w.customer.ID}, map[string]any{"partnerId": mspID})
	platformtest.WantStatus(t, r, http.StatusCreated)
	platformtest.WantStatus(t, w.act(w.mspAdmin, grant.RouteAccept, r.Str("id")), http.StatusOK)
}
