package grant_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/grant"
	"github.com/partnerhub/partnerhub/pkg/partneraccess"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// shareLink makes a share link as the partner's administrator and returns its token (the URL's fragment).
func (w *world) shareLink() string {
	w.T.Helper()
	r := w.call(w.partnerAdmin, grant.RouteShareLink, map[string]string{"id": w.partner.ID}, nil)
	platformtest.WantStatus(w.T, r, http.StatusCreated)
	base, token, ok := strings.Cut(r.Str("url"), "#")
	if !ok || base != platformtest.Origin+"/partner-invite" || r.Str("expiresAt") != w.Clock.Now().Add(grant.ShareLinkTTL).Format(time.RFC3339) {
		w.T.Fatalf("share link: %s", r.Body)
	}
	return token
}

// TestShareLink checks the invitation by link: the partner makes a signed link whose token the table never
// holds; a signed-in customer administrator opens it (the page learns the partner and the account it would
// invite to) and confirms, which invites the partner as its Partner ID would.
func TestShareLink(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	token := w.shareLink()
	linkID, ok := w.Keys.ParseLinkToken(context.Background(), secret.PurposeShare, token)
	if !ok {
		t.Fatal("the link's token does not verify as a share link")
	}
	it := w.Data().Item(table.ShareLinkKey(linkID))
	if platformtest.Str(it["partnerAccountId"]) != w.partner.ID {
		t.Fatalf("share link item: %v", it)
	}
	for _, row := range w.Snapshot() {
		if strings.Contains(row, token) {
			t.Fatal("the table holds the share link's token")
		}
	}
	if n := count(w.Audit(w.partner.ID), "partner-access.share-link-created"); n != 1 {
		t.Fatalf("%d share links logged", n)
	}

	r := w.call(w.customerAdmin, grant.RouteOpenLink, map[string]string{"token": token}, nil)
	platformtest.WantStatus(t, r, http.StatusOK)
	partner, _ := r.JSON["partner"].(map[string]any)
	customer, _ := r.JSON["customer"].(map[string]any)
	if partner["name"] != "Contoso Support" || partner["partnerId"] != w.partnerID() || customer["id"] != w.customer.ID {
		t.Fatalf("link info: %s", r.Body)
	}
	// A partner's administrator opening it has no customer to invite from.
	if r := w.call(w.mspAdmin, grant.RouteOpenLink, map[string]string{"token": token}, nil); r.StatusCode != 200 || r.JSON["customer"] != nil {
		t.Fatalf("link info for an msp: %s", r.Body)
	}

	r = w.call(w.customerAdmin, grant.RouteInviteLink, map[string]string{"token": token}, map[string]any{"customerId": w.customer.ID})
	platformtest.WantStatus(t, r, http.StatusCreated)
	if r.Str("status") != "invited" || r.Str("via") != partneraccess.ViaShareLink {
		t.Fatalf("answer: %s", r.Body)
	}
	if mails := w.mails("partner-invited"); len(mails) != 1 || mails[0].To != w.partner.ContactEmail {
		t.Fatalf("emails: %+v", mails)
	}
	// The link works for other customers too, but not twice for one pair.
	platformtest.WantProblem(t, w.call(w.customerAdmin, grant.RouteInviteLink, map[string]string{"token": token}, map[string]any{"customerId": w.customer.ID}), http.StatusConflict, "grant-exists")
	platformtest.WantStatus(t, w.call(w.otherAdmin, grant.RouteInviteLink, map[string]string{"token": token}, map[string]any{"customerId": w.other.ID}), http.StatusCreated)
}

// TestShareLinkRefusals checks every refusal of share links, and that none writes anything.
func TestShareLinkRefusals(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	token := w.shareLink()
	id, _, _ := strings.Cut(token, ".")
	forged := id + "." + strings.Repeat("A", 43)
	activation := w.Keys.LinkToken(secret.PurposeActivation, id) // a valid token of another purpose
	staff := w.addStaff("Rita Readonly")
	before := w.Snapshot()
	cases := []struct {
		name, cookie, route string
		params              map[string]string
		body                any
		status              int
		slug                string
		fields              []string
	}{
		{"case=customer makes a link", w.customerAdmin, grant.RouteShareLink, map[string]string{"id": w.customer.ID}, nil, 403, "not-a-partner", nil},
		{"case=read-only partner user makes a link", staff.cookie, grant.RouteShareLink, map[string]string{"id": w.partner.ID}, nil, 403, "forbidden", nil},
		{"case=link for another account", w.partnerAdmin, grant.RouteShareLink, map[string]string{"id": w.msp.ID}, nil, 404, "account-not-found", nil},
		{"case=body on a link", w.partnerAdmin, grant.RouteShareLink, map[string]string{"id": w.partner.ID}, map[string]any{"days": 90}, 400, "validation", []string{"days:unknown_field"}},
		{"case=forged token", w.customerAdmin, grant.RouteOpenLink, map[string]string{"token": forged}, nil, 404, "link-invalid", nil},
		{"case=token of another purpose", w.customerAdmin, grant.RouteOpenLink, map[string]string{"token": activation}, nil, 404, "link-invalid", nil},
		{"case=garbage", w.customerAdmin, grant.RouteOpenLink, map[string]string{"token": "nothing"}, nil, 404, "link-invalid", nil},
		{"case=forged token to invite", w.customerAdmin, grant.RouteInviteLink, map[string]string{"token": forged}, map[string]any{"customerId": w.customer.ID}, 404, "link-invalid", nil},
		{"case=missing customer, bad end date", w.customerAdmin, grant.RouteInviteLink, map[string]string{"token": token}, map[string]any{"endsAt": "soon"}, 400, "validation",
			[]string{"customerId:required", "endsAt:invalid"}},
		{"case=another customer's id", w.customerAdmin, grant.RouteInviteLink, map[string]string{"token": token}, map[string]any{"customerId": w.other.ID}, 404, "account-not-found", nil},
		{"case=a partner confirms", w.mspAdmin, grant.RouteInviteLink, map[string]string{"token": token}, map[string]any{"customerId": w.msp.ID}, 403, "not-a-customer", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := w.call(c.cookie, c.route, c.params, c.body)
			platformtest.WantProblem(t, r, c.status, c.slug)
			if c.fields != nil && !slices.Equal(r.Fields(), c.fields) {
				t.Fatalf("fields %v, want %v", r.Fields(), c.fields)
			}
		})
	}
	w.Unchanged(before, "refused share links")

	w.advance(grant.ShareLinkTTL)
	before = w.Snapshot()
	platformtest.WantProblem(t, w.call(w.customerAdmin, grant.RouteOpenLink, map[string]string{"token": token}, nil), http.StatusGone, "link-expired")
	platformtest.WantProblem(t, w.call(w.customerAdmin, grant.RouteInviteLink, map[string]string{"token": token}, map[string]any{"customerId": w.customer.ID}), http.StatusGone, "link-expired")
	w.Unchanged(before, "an expired share link")
}

// TestShareLinkNeedsASession checks that opening a link needs a signed-in session: the portal sends the
// customer to sign in first.
func TestShareLinkNeedsASession(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	token := w.shareLink()
	r := w.Call(platformtest.Request{Function: route.PartnerAccess, Route: grant.RouteOpenLink, Params: map[string]string{"token": token}, Headers: map[string]string{}})
	platformtest.WantProblem(t, r, http.StatusUnauthorized, "unauthorized")
}
