package grant_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/grant"
	"github.com/partnerhub/partnerhub/pkg/partneraccess"
	"github.com/partnerhub/partnerhub/pkg/partnerid"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// names lists the other side's names of a list answer's grants, with their statuses.
func names(r map[string]any, side string) string {
	party, _ := r[side].(map[string]any)
	return party["name"].(string) + ":" + r["status"].(string)
}

// TestListBothSides checks GET /v1/accounts/{id}/partner-access for a customer (its partners: pending first,
// then active, each by name, then recently ended ones, newest first; older ended ones drop off) and for a
// partner (its customers and its Partner ID), page by page.
func TestListBothSides(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	adatum := w.CreateAccount(w.Super, account.Partner, w.ProviderID, "Adatum Partner")
	blue := w.CreateAccount(w.Super, account.Partner, w.ProviderID, "Blue Yonder Partner")
	pid := func(c string) string { return w.Account(c).PartnerID }

	// Long ago: Blue Yonder was invited and declined; 31 days later it falls off the list.
	old := w.invite(map[string]any{"partnerId": pid(blue.ID)})
	blueAdmin := w.admin(blue)
	w.admin(adatum)
	platformtest.WantStatus(t, w.act(blueAdmin, grant.RouteDecline, old), http.StatusOK)
	w.advance(partneraccess.Recent + 24*time.Hour)
	// Recently: Adatum declined; the MSP is active; the partner is pending; and Blue Yonder was invited anew.
	adatumAdmin := w.Session(adatum.ContactUserID, adatum.ID)
	declined := w.invite(map[string]any{"partnerId": pid(adatum.ID)})
	platformtest.WantStatus(t, w.act(adatumAdmin, grant.RouteDecline, declined), http.StatusOK)
	active := w.invite(map[string]any{"partnerId": pid(w.msp.ID)})
	platformtest.WantStatus(t, w.act(w.mspAdmin, grant.RouteAccept, active), http.StatusOK)
	w.invite(nil)
	w.invite(map[string]any{"partnerId": pid(blue.ID)})

	r := w.list(w.customerAdmin, w.customer.ID, nil)
	platformtest.WantStatus(t, r, http.StatusOK)
	var got []string
	for _, g := range grants(r) {
		got = append(got, names(g, "partner"))
	}
	wantOrder := []string{"Blue Yonder Partner:invited", "Contoso Support:invited", "Northwind MSP:active", "Adatum Partner:declined"}
	if !slices.Equal(got, wantOrder) || r.Str("kind") != "customer" || r.JSON["partnerId"] != nil || r.JSON["next"] != nil {
		t.Fatalf("customer list %v, want %v: %s", got, wantOrder, r.Body)
	}

	// Page by page, one at a time, the same grants in the same order.
	var paged []string
	query := map[string]string{"limit": "1"}
	for range 10 {
		page := w.list(w.customerAdmin, w.customer.ID, query)
		platformtest.WantStatus(t, page, http.StatusOK)
		for _, g := range grants(page) {
			paged = append(paged, names(g, "partner"))
		}
		next, _ := page.JSON["next"].(string)
		if next == "" {
			break
		}
		query = map[string]string{"limit": "1", "cursor": next}
	}
	if !slices.Equal(paged, wantOrder) {
		t.Fatalf("pages %v, want %v", paged, wantOrder)
	}

	// The partner sees its customer and its own Partner ID.
	r = w.list(w.partnerAdmin, w.partner.ID, nil)
	platformtest.WantStatus(t, r, http.StatusOK)
	if list := grants(r); len(list) != 1 || names(list[0], "customer") != "Fabrikam Inc:invited" || r.Str("partnerId") != w.partnerID() {
		t.Fatalf("partner list: %s", r.Body)
	}
	if actions, _ := grants(r)[0]["actions"].([]any); len(actions) != 2 || actions[0] != "accept" {
		t.Fatalf("partner actions on a pending invitation: %v", actions)
	}
}

// TestListRefusals checks the list's refusals.
func TestListRefusals(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	cases := []struct {
		name, cookie, account string
		query                 map[string]string
		status                int
		slug                  string
	}{
		{"case=another account", w.customerAdmin, w.other.ID, nil, 404, "account-not-found"},
		{"case=the msp's partner", w.mspAdmin, w.partner.ID, nil, 404, "account-not-found"},
		{"case=bad cursor", w.customerAdmin, w.customer.ID, map[string]string{"cursor": "bm9wZQ"}, 400, "validation"},
		{"case=bad limit", w.customerAdmin, w.customer.ID, map[string]string{"limit": "1000"}, 400, "validation"},
		{"case=provider", w.Super, w.ProviderID, nil, 200, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			platformtest.WantProblem(t, w.list(c.cookie, c.account, c.query), c.status, c.slug)
		})
	}
}

// TestPartnerIDForOlderAccounts checks the lazy allocation: a partner created before Partner IDs existed shows
// none in its account view until its administrator first opens its partner access page, which gives it one
// (reserved by a guard) that stays.
func TestPartnerIDForOlderAccounts(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	staff := w.addStaff("Rita Readonly")
	// Make the partner look like one created before this change.
	old := w.partnerID()
	if _, err := w.Env.Dynamo.UpdateItem(context.Background(), &dynamodb.UpdateItemInput{
		TableName: aws.String(w.Table), Key: table.AccountKey(w.partner.ID).AV(), UpdateExpression: aws.String("REMOVE partnerId"),
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Env.Dynamo.DeleteItem(context.Background(), &dynamodb.DeleteItemInput{
		TableName: aws.String(w.Table), Key: table.PartnerIDGuard(old[:4] + old[5:]).AV(),
	}); err != nil {
		t.Fatal(err)
	}
	if v := w.viewAccount(w.partnerAdmin, w.partner.ID); v.Str("partnerId") != "" {
		t.Fatalf("account view before: %s", v.Body)
	}
	// A read-only user's look allocates nothing.
	if r := w.list(staff.cookie, w.partner.ID, nil); r.StatusCode != 200 || r.Str("partnerId") != "" {
		t.Fatalf("read-only list: %d %s", r.StatusCode, r.Body)
	}
	r := w.list(w.partnerAdmin, w.partner.ID, nil)
	platformtest.WantStatus(t, r, http.StatusOK)
	got := r.Str("partnerId")
	if _, err := partnerid.Parse(got); err != nil || w.partnerID() != got {
		t.Fatalf("allocated %q, stored %q", got, w.partnerID())
	}
	if g := w.Data().Item(table.PartnerIDGuard(got[:4] + got[5:])); platformtest.Str(g["accountId"]) != w.partner.ID {
		t.Fatal("the allocated Partner ID has no guard")
	}
	if again := w.list(w.partnerAdmin, w.partner.ID, nil); again.Str("partnerId") != got {
		t.Fatalf("a second look changed the Partner ID to %q", again.Str("partnerId"))
	}
	if v := w.viewAccount(w.partnerAdmin, w.partner.ID); v.Str("partnerId") != got {
		t.Fatalf("account view after: %s", v.Body)
	}
	// And customers can invite it by that ID.
	w.invite(map[string]any{"partnerId": got})
}

// TestGetOneGrant checks GET /v1/partner-access/{grantId}: each side sees the grant as its side, anyone else
// does not see it.
func TestGetOneGrant(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id := w.invite(nil)
	for _, c := range []struct {
		cookie, side string
		status       int
	}{
		{w.customerAdmin, "customer", 200},
		{w.partnerAdmin, "partner", 200},
		{w.otherAdmin, "", 404},
		{w.mspAdmin, "", 404},
	} {
		r := w.call(c.cookie, grant.RouteGet, map[string]string{"grantId": id}, nil)
		platformtest.WantStatus(t, r, c.status)
		if r.Str("side") != c.side {
			t.Fatalf("side %q, want %q: %s", r.Str("side"), c.side, r.Body)
		}
	}
}

// TestAuditShowsEveryStep reads both sides' audit logs through GET /v1/accounts/{id}/audit after a grant's whole
// life: invited, accepted, staff assigned, revoked — and, for a second grant, declined.
func TestAuditShowsEveryStep(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	tick := func() { w.Clock.Advance(time.Second) } // events of one instant have no order
	id := w.invite(nil)
	tick()
	platformtest.WantStatus(t, w.act(w.partnerAdmin, grant.RouteAccept, id), http.StatusOK)
	tick()
	platformtest.WantStatus(t, w.setStaff(w.partnerAdmin, id, w.partner.ContactUserID), http.StatusOK)
	tick()
	platformtest.WantStatus(t, w.act(w.customerAdmin, grant.RouteRevokeGrant, id), http.StatusOK)
	tick()
	second := w.invite(nil)
	tick()
	platformtest.WantStatus(t, w.act(w.partnerAdmin, grant.RouteDecline, second), http.StatusOK)
	steps := []string{"partner-access.declined", "partner-access.invited", "partner-access.revoked", "partner-access.staff-changed",
		"partner-access.accepted", "partner-access.invited"} // newest first
	for _, c := range []struct{ cookie, account string }{{w.customerAdmin, w.customer.ID}, {w.partnerAdmin, w.partner.ID}} {
		r := w.Call(platformtest.Request{Function: route.Accounts, Route: "GET /v1/accounts/{id}/audit", Cookie: c.cookie,
			Params: map[string]string{"id": c.account}, Headers: map[string]string{}})
		platformtest.WantStatus(t, r, http.StatusOK)
		var got []string
		items, _ := r.JSON["items"].([]any)
		for _, it := range items {
			e, _ := it.(map[string]any)
			if action, _ := e["action"].(string); strings.HasPrefix(action, "partner-access.") {
				got = append(got, action)
				if e["targetType"] != "grant" {
					t.Fatalf("event %v", e)
				}
			}
		}
		if !slices.Equal(got, steps) {
			t.Fatalf("audit of %s: %v, want %v", c.account, got, steps)
		}
	}
}
