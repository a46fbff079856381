package grant_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/grant"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/testenv"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// TestStaffActInTheCustomer checks the whole staff path: the partner assigns two of its users; each gets a
// support-staff membership in the customer that names the grant; they see the customer in their account
// switcher, switch to it and act there as its administrators (view it, its users and its audit log), but cannot
// manage its support partners; taking one off the list ends that one's membership; both logs show each change.
func TestStaffActInTheCustomer(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sam := w.addStaff("Sam Staff")
	id := w.activeGrant()
	r := w.setStaff(w.partnerAdmin, id, sam.id, w.partner.ContactUserID)
	platformtest.WantStatus(t, r, http.StatusOK)
	if r.JSON["staffCount"] != float64(2) {
		t.Fatalf("answer: %s", r.Body)
	}
	for _, uid := range []string{sam.id, w.partner.ContactUserID} {
		m, ok := w.membership(uid, w.customer.ID)
		if !ok || m.GrantID != id || !slices.Equal(m.Roles, []role.Name{role.SupportStaff}) || m.AccountName != "Fabrikam Inc" {
			t.Fatalf("membership of %s: %+v %v", uid, m, ok)
		}
	}

	// The account switcher lists the customer; the session moves there and acts as an administrator would.
	me := w.Call(platformtest.Request{Function: route.OTP, Route: "GET /v1/me", Cookie: sam.cookie, Headers: map[string]string{}})
	if !hasMembership(me, w.customer.ID) {
		t.Fatalf("GET /v1/me lists no membership in the customer: %s", me.Body)
	}
	platformtest.WantStatus(t, w.switchTo(sam.cookie, w.customer.ID), http.StatusOK)
	platformtest.WantStatus(t, w.viewAccount(sam.cookie, w.customer.ID), http.StatusOK)
	platformtest.WantStatus(t, w.Call(platformtest.Request{Function: route.Accounts, Route: "GET /v1/accounts/{id}/audit", Cookie: sam.cookie,
		Params: map[string]string{"id": w.customer.ID}, Headers: map[string]string{}}), http.StatusOK)
	platformtest.WantStatus(t, w.Call(platformtest.Request{Function: route.Users, Route: "GET /v1/accounts/{id}/users", Cookie: sam.cookie,
		Params: map[string]string{"id": w.customer.ID}, Headers: map[string]string{}}), http.StatusOK)
	platformtest.WantStatus(t, w.list(sam.cookie, w.customer.ID, nil), http.StatusOK)
	// ... but not manage the customer's support partners.
	platformtest.WantProblem(t, w.act(sam.cookie, grant.RouteRevokeGrant, id), http.StatusForbidden, "forbidden")
	platformtest.WantProblem(t, w.call(sam.cookie, grant.RouteInvite, map[string]string{"id": w.customer.ID}, map[string]any{"partnerId": w.Account(w.msp.ID).PartnerID}),
		http.StatusForbidden, "forbidden")

	// Staff memberships are not administrators: the customer keeps exactly one, its own.
	admins, err := w.Store.Admins(context.Background(), w.customer.ID, 10)
	if err != nil || !slices.Equal(admins, []string{w.customer.ContactUserID}) {
		t.Fatalf("customer administrators %v %v", admins, err)
	}
	// So acting as an administrator, a staff member still cannot remove the customer's last administrator.
	rm := w.Call(platformtest.Request{Function: route.Revoke, Route: "DELETE /v1/accounts/{id}/users/{userId}", Cookie: sam.cookie,
		Params: map[string]string{"id": w.customer.ID, "userId": w.customer.ContactUserID}})
	platformtest.WantProblem(t, rm, http.StatusConflict, "last-administrator")

	// Taking Sam off the list ends Sam's membership and nothing else.
	platformtest.WantStatus(t, w.setStaff(w.partnerAdmin, id, w.partner.ContactUserID), http.StatusOK)
	if _, ok := w.membership(sam.id, w.customer.ID); ok {
		t.Fatal("Sam's membership outlived their removal from the staff")
	}
	if _, ok := w.membership(w.partner.ContactUserID, w.customer.ID); !ok {
		t.Fatal("the remaining staff member lost their membership")
	}
	// Sam's session is refused in the customer, not signed out: it is back in the partner.
	gone := w.viewAccount(sam.cookie, w.customer.ID)
	platformtest.WantProblem(t, gone, http.StatusForbidden, "access-ended")
	if d := gone.Str("detail"); !strings.HasPrefix(d, "Your access to Fabrikam Inc has ended.") {
		t.Errorf("detail %q: the partner took Sam off, not the customer", d)
	}
	platformtest.WantStatus(t, w.viewAccount(sam.cookie, w.partner.ID), http.StatusOK)
	for _, acc := range []string{w.customer.ID, w.partner.ID} {
		if n := count(w.Audit(acc), "partner-access.staff-changed"); n != 2 {
			t.Errorf("account %s logged %d staff changes, want 2", acc, n)
		}
	}
	// The same list again changes nothing.
	before := w.Snapshot()
	platformtest.WantStatus(t, w.setStaff(w.partnerAdmin, id, w.partner.ContactUserID), http.StatusOK)
	w.Unchanged(before, "an unchanged staff list")
}

func hasMembership(me platformtest.Reply, accountID string) bool {
	list, _ := me.JSON["memberships"].([]any)
	for _, m := range list {
		if mm, _ := m.(map[string]any); mm["accountId"] == accountID {
			return true
		}
	}
	return false
}

// TestStaffRefusals checks every refused staff list — none writes anything.
func TestStaffRefusals(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sam := w.addStaff("Sam Staff")
	pending := w.invite(map[string]any{"partnerId": w.Account(w.msp.ID).PartnerID})
	id := w.activeGrant()

	// A user of the partner who has not activated their login yet.
	email := testenv.UniqueEmail(t, "invited")
	inv := w.Call(platformtest.Request{Function: route.Users, Route: "POST /v1/accounts/{id}/users", Cookie: w.partnerAdmin,
		Params: map[string]string{"id": w.partner.ID}, Body: map[string]any{"name": "Ivy Invited", "email": email, "roles": []string{"read-only"}}})
	platformtest.WantStatus(t, inv, http.StatusCreated)
	invited := inv.Str("userId")

	// A partner user who is already a member of the customer in their own right.
	both := w.addStaff("Bo Both")
	u := w.User(both.id)
	item, err := dynamo.MembershipItem(user.Membership{UserID: u.ID, AccountID: w.customer.ID, Roles: []role.Name{role.ReadOnly},
		AccountName: "Fabrikam Inc", AccountKind: "customer", UserName: u.Name, UserEmail: u.Email, UserStatus: u.Status})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Env.Dynamo.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(w.Table), Item: item}); err != nil {
		t.Fatal(err)
	}

	tooMany := make([]string, grant.MaxStaff+1)
	for i := range tooMany {
		tooMany[i] = fmt.Sprintf("user%d", i)
	}
	cases := []struct {
		name   string
		cookie string
		grant  string
		body   any
		status int
		slug   string
		fields []string
	}{
		{"case=not members, inactive, duplicate, already a member", w.partnerAdmin, id,
			map[string]any{"userIds": []string{w.customer.ContactUserID, invited, sam.id, sam.id, both.id, "no-such-user", "bad/id"}}, 400, "validation",
			[]string{"userIds[0]:not_member", "userIds[1]:not_active", "userIds[3]:duplicate", "userIds[4]:already_member", "userIds[5]:not_member", "userIds[6]:not_member"}},
		{"case=too many", w.partnerAdmin, id, map[string]any{"userIds": tooMany}, 400, "validation", []string{"userIds:too_many"}},
		{"case=missing list", w.partnerAdmin, id, map[string]any{}, 400, "validation", []string{"userIds:required"}},
		{"case=null list", w.partnerAdmin, id, `{"userIds":null}`, 400, "validation", []string{"userIds:required"}},
		{"case=wrong type", w.partnerAdmin, id, map[string]any{"userIds": "everyone"}, 400, "validation", []string{"userIds:wrong_type"}},
		{"case=customer sets staff", w.customerAdmin, id, map[string]any{"userIds": []string{sam.id}}, 403, "partner-only", nil},
		{"case=partner user without the right", sam.cookie, id, map[string]any{"userIds": []string{sam.id}}, 403, "forbidden", nil},
		{"case=pending invitation", w.mspAdmin, pending, map[string]any{"userIds": []string{w.msp.ContactUserID}}, 409, "grant-not-active", nil},
	}
	before := w.Snapshot()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := w.call(c.cookie, grant.RouteStaff, map[string]string{"grantId": c.grant}, c.body)
			platformtest.WantProblem(t, r, c.status, c.slug)
			if c.fields != nil && !slices.Equal(r.Fields(), c.fields) {
				t.Fatalf("fields %v, want %v", r.Fields(), c.fields)
			}
		})
	}
	w.Unchanged(before, "refused staff lists")
}

// TestSupportStaffRoleIsNotAssignable checks that no administrator hands out the support-staff role through the
// users API: it only comes with a grant.
func TestSupportStaffRoleIsNotAssignable(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	before := w.Snapshot()
	r := w.Call(platformtest.Request{Function: route.Users, Route: "POST /v1/accounts/{id}/users", Cookie: w.customerAdmin,
		Params: map[string]string{"id": w.customer.ID},
		Body:   map[string]any{"name": "Mallory", "email": testenv.UniqueEmail(t, "mallory"), "roles": []string{string(role.SupportStaff)}}})
	if r.StatusCode != http.StatusForbidden && r.StatusCode != http.StatusBadRequest {
		t.Fatalf("status %d: %s", r.StatusCode, r.Body)
	}
	w.Unchanged(before, "assigning support-staff")
	roles := w.Call(platformtest.Request{Function: route.Users, Route: "GET /v1/roles", Cookie: w.customerAdmin, Headers: map[string]string{}})
	platformtest.WantStatus(t, roles, http.StatusOK)
	list, _ := roles.JSON["roles"].([]any)
	for _, x := range list {
		if m, _ := x.(map[string]any); m["name"] == string(role.SupportStaff) {
			t.Fatal("GET /v1/roles offers support-staff")
		}
	}
}
