package grant_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/grant"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// roles reads the roles of a grant's view (or of any answer with a roles list).
func roles(r platformtest.Reply) []string {
	var out []string
	list, _ := r.JSON["roles"].([]any)
	for _, n := range list {
		s, _ := n.(string)
		out = append(out, s)
	}
	return out
}

// grantView is GET /v1/partner-access/{grantId} as cookie's side sees it.
func (w *world) grantView(cookie, id string) platformtest.Reply {
	w.T.Helper()
	r := w.call(cookie, grant.RouteGet, map[string]string{"grantId": id}, nil)
	platformtest.WantStatus(w.T, r, http.StatusOK)
	return r
}

// rolesCall sends one of the role routes for a grant.
func (w *world) rolesCall(cookie, routeKey, id string, body any) platformtest.Reply {
	w.T.Helper()
	return w.call(cookie, routeKey, map[string]string{"grantId": id}, body)
}

// TestInviteNamesRoles checks the roles of an invitation by Partner ID: absent, the administrator (as before
// roles); named, exactly those (in the catalog's order), shown to both sides and logged; anything but a list of
// distinct delegable roles is a 400 that names each bad entry and writes nothing.
func TestInviteNamesRoles(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id := w.invite(nil)
	if got := roles(w.grantView(w.partnerAdmin, id)); !slices.Equal(got, []string{"support-staff"}) {
		t.Fatalf("default roles %v", got)
	}
	platformtest.WantStatus(t, w.act(w.customerAdmin, grant.RouteRevokeGrant, id), http.StatusOK)

	before := w.Snapshot()
	for _, c := range []struct {
		roles  any
		fields []string
	}{
		{[]string{}, []string{"roles:required"}},
		{[]string{"account-admin"}, []string{"roles[0]:unknown_role"}},
		{[]string{"super-admin", "read-only", "read-only"}, []string{"roles[0]:unknown_role", "roles[2]:duplicate"}},
		{[]string{"support-staff", "partner-access:manage"}, []string{"roles[1]:unknown_role"}},
	} {
		r := w.call(w.customerAdmin, grant.RouteInvite, map[string]string{"id": w.customer.ID}, map[string]any{"partnerId": w.partnerID(), "roles": c.roles})
		platformtest.WantProblem(t, r, http.StatusBadRequest, "validation")
		if !slices.Equal(r.Fields(), c.fields) {
			t.Fatalf("roles %v: fields %v, want %v", c.roles, r.Fields(), c.fields)
		}
	}
	w.Unchanged(before, "invitations with bad roles")

	id = w.invite(map[string]any{"partnerId": w.partnerID(), "roles": []string{"read-only", "support-user-admin"}})
	for _, cookie := range []string{w.customerAdmin, w.partnerAdmin} {
		if got := roles(w.grantView(cookie, id)); !slices.Equal(got, []string{"support-user-admin", "read-only"}) {
			t.Fatalf("roles %v", got)
		}
	}
	if got := w.grantRecord(id).Roles; !slices.Equal(got, []string{"support-user-admin", "read-only"}) {
		t.Fatalf("stored roles %v", got)
	}
}

// TestShareLinkAsksForRoles checks that a share link names the roles the partner asks for, the customer sees
// them, and approves them all (naming none) or fewer; a role the link did not ask for is a 400 that writes nothing.
func TestShareLinkAsksForRoles(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	before := w.Snapshot()
	r := w.call(w.partnerAdmin, grant.RouteShareLink, map[string]string{"id": w.partner.ID}, map[string]any{"roles": []string{"account-admin"}})
	platformtest.WantProblem(t, r, http.StatusBadRequest, "validation")
	w.Unchanged(before, "a share link asking for a role no partner is given")

	r = w.call(w.partnerAdmin, grant.RouteShareLink, map[string]string{"id": w.partner.ID}, map[string]any{"roles": []string{"read-only", "support-staff"}})
	platformtest.WantStatus(t, r, http.StatusCreated)
	if got := roles(r); !slices.Equal(got, []string{"support-staff", "read-only"}) {
		t.Fatalf("link roles %v", got)
	}
	_, token, _ := strings.Cut(r.Str("url"), "#")
	info := w.call(w.customerAdmin, grant.RouteOpenLink, map[string]string{"token": token}, nil)
	platformtest.WantStatus(t, info, http.StatusOK)
	if got := roles(info); !slices.Equal(got, []string{"support-staff", "read-only"}) {
		t.Fatalf("the customer sees %v", got)
	}

	before = w.Snapshot()
	r = w.call(w.customerAdmin, grant.RouteInviteLink, map[string]string{"token": token},
		map[string]any{"customerId": w.customer.ID, "roles": []string{"read-only", "support-user-admin"}})
	platformtest.WantProblem(t, r, http.StatusBadRequest, "validation")
	if !slices.Equal(r.Fields(), []string{"roles[1]:not_requested"}) {
		t.Fatalf("fields %v", r.Fields())
	}
	w.Unchanged(before, "approving a role the link did not ask for")

	r = w.call(w.customerAdmin, grant.RouteInviteLink, map[string]string{"token": token},
		map[string]any{"customerId": w.customer.ID, "roles": []string{"read-only"}})
	platformtest.WantStatus(t, r, http.StatusCreated)
	if got := roles(r); !slices.Equal(got, []string{"read-only"}) {
		t.Fatalf("approved %v", got)
	}
	// Another customer approves everything the link asks for by naming nothing.
	r = w.call(w.otherAdmin, grant.RouteInviteLink, map[string]string{"token": token}, map[string]any{"customerId": w.other.ID})
	platformtest.WantStatus(t, r, http.StatusCreated)
	if got := roles(r); !slices.Equal(got, []string{"support-staff", "read-only"}) {
		t.Fatalf("approved by default %v", got)
	}
	// A link that names no roles asks for the administrator.
	token = w.shareLink()
	info = w.call(w.customerAdmin, grant.RouteOpenLink, map[string]string{"token": token}, nil)
	if got := roles(info); !slices.Equal(got, []string{"support-staff"}) {
		t.Fatalf("a link without roles asks for %v", got)
	}
}

// TestRoleChangeIsTheCustomers checks a change of roles: the partner asks (one request at a time, only on an
// active grant, only for a change), the customer sees it and approves all or fewer of the roles, or declines;
// the customer may also take roles away but never add one. Every refusal writes nothing; every change is logged
// on both sides.
func TestRoleChangeIsTheCustomers(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id := w.invite(map[string]any{"partnerId": w.partnerID(), "roles": []string{"read-only"}})
	before := w.Snapshot()
	platformtest.WantProblem(t, w.rolesCall(w.partnerAdmin, grant.RouteRequestRoles, id, map[string]any{"roles": []string{"support-staff"}}),
		http.StatusConflict, "grant-not-active")
	platformtest.WantStatus(t, w.act(w.partnerAdmin, grant.RouteAccept, id), http.StatusOK)
	before = w.Snapshot()
	for _, c := range []struct {
		cookie, route string
		body          any
		status        int
		slug          string
	}{
		{w.customerAdmin, grant.RouteRequestRoles, map[string]any{"roles": []string{"support-staff"}}, 403, "partner-only"},
		{w.otherAdmin, grant.RouteRequestRoles, map[string]any{"roles": []string{"support-staff"}}, 404, "grant-not-found"},
		{w.partnerAdmin, grant.RouteRequestRoles, map[string]any{"roles": []string{"read-only"}}, 400, "validation"},
		{w.partnerAdmin, grant.RouteRequestRoles, map[string]any{}, 400, "validation"},
		{w.partnerAdmin, grant.RouteRequestRoles, map[string]any{"roles": []string{"super-admin"}}, 400, "validation"},
		{w.customerAdmin, grant.RouteApproveRoles, nil, 409, "no-role-request"},
		{w.customerAdmin, grant.RouteDeclineRoles, nil, 409, "no-role-request"},
		{w.partnerAdmin, grant.RouteSetRoles, map[string]any{"roles": []string{"read-only"}}, 403, "customer-only"},
		{w.customerAdmin, grant.RouteSetRoles, map[string]any{"roles": []string{"support-staff"}}, 400, "validation"},
		{w.customerAdmin, grant.RouteSetRoles, map[string]any{"roles": []string{"read-only"}}, 400, "validation"},
	} {
		platformtest.WantProblem(t, w.rolesCall(c.cookie, c.route, id, c.body), c.status, c.slug)
	}
	w.Unchanged(before, "refused changes of roles")

	r := w.rolesCall(w.partnerAdmin, grant.RouteRequestRoles, id, map[string]any{"roles": []string{"read-only", "support-user-admin"}})
	platformtest.WantStatus(t, r, http.StatusOK)
	if slices.Contains(actions(r), "request-roles") {
		t.Fatalf("the partner may ask again while a request waits: %v", actions(r))
	}
	view := w.grantView(w.customerAdmin, id)
	req, _ := view.JSON["roleRequest"].(map[string]any)
	if req == nil || fmt.Sprint(req["roles"]) != "[support-user-admin read-only]" || !slices.Contains(actions(view), "answer-roles") {
		t.Fatalf("the customer sees %s", view.Body)
	}
	before = w.Snapshot()
	platformtest.WantProblem(t, w.rolesCall(w.partnerAdmin, grant.RouteRequestRoles, id, map[string]any{"roles": []string{"support-staff"}}),
		http.StatusConflict, "role-request-pending")
	r = w.rolesCall(w.customerAdmin, grant.RouteApproveRoles, id, map[string]any{"roles": []string{"support-staff"}})
	platformtest.WantProblem(t, r, http.StatusBadRequest, "validation")
	w.Unchanged(before, "a second request, approving a role not asked for")

	r = w.rolesCall(w.customerAdmin, grant.RouteApproveRoles, id, map[string]any{"roles": []string{"support-user-admin"}})
	platformtest.WantStatus(t, r, http.StatusOK)
	if got := roles(r); !slices.Equal(got, []string{"support-user-admin"}) || r.JSON["roleRequest"] != nil {
		t.Fatalf("approved fewer: %s", r.Body)
	}

	platformtest.WantStatus(t, w.rolesCall(w.partnerAdmin, grant.RouteRequestRoles, id, map[string]any{"roles": []string{"support-staff"}}), http.StatusOK)
	r = w.rolesCall(w.customerAdmin, grant.RouteDeclineRoles, id, nil)
	platformtest.WantStatus(t, r, http.StatusOK)
	if got := roles(r); !slices.Equal(got, []string{"support-user-admin"}) || r.JSON["roleRequest"] != nil {
		t.Fatalf("declined: %s", r.Body)
	}

	platformtest.WantStatus(t, w.rolesCall(w.partnerAdmin, grant.RouteRequestRoles, id, map[string]any{"roles": []string{"support-user-admin", "read-only"}}), http.StatusOK)
	r = w.rolesCall(w.customerAdmin, grant.RouteApproveRoles, id, nil)
	platformtest.WantStatus(t, r, http.StatusOK)
	if got := roles(r); !slices.Equal(got, []string{"support-user-admin", "read-only"}) {
		t.Fatalf("approved all: %s", r.Body)
	}
	r = w.rolesCall(w.customerAdmin, grant.RouteSetRoles, id, map[string]any{"roles": []string{"read-only"}})
	platformtest.WantStatus(t, r, http.StatusOK)
	if got := roles(r); !slices.Equal(got, []string{"read-only"}) || slices.Contains(actions(r), "roles") {
		t.Fatalf("reduced: %s", r.Body)
	}

	// The other side hears of each step: the customer of each request, the partner of each answer and reduction.
	asked, answered := w.mails("partner-roles-requested"), w.mails("partner-roles-answered")
	var requests []string
	for _, m := range asked {
		if m.To != w.customer.ContactEmail {
			t.Fatalf("a request went to %s", m.To)
		}
		requests = append(requests, m.Data["roles"])
	}
	slices.Sort(requests)
	if want := []string{"Administrator", "User administrator and Read-only", "User administrator and Read-only"}; !slices.Equal(requests, want) {
		t.Fatalf("request emails %v, want %v", requests, want)
	}
	var answers []string
	for _, m := range answered {
		if m.To != w.partner.ContactEmail {
			t.Fatalf("an answer went to %s", m.To)
		}
		answers = append(answers, m.Data["answer"]+":"+m.Data["roles"])
	}
	slices.Sort(answers)
	if want := []string{"approved:User administrator", "approved:User administrator and Read-only", "declined:User administrator", "reduced:Read-only"}; !slices.Equal(answers, want) {
		t.Fatalf("answer emails %v, want %v", answers, want)
	}
	for _, acc := range []string{w.customer.ID, w.partner.ID} {
		a := w.Audit(acc)
		if count(a, "partner-access.roles-requested") != 3 || count(a, "partner-access.roles-changed") != 3 ||
			count(a, "partner-access.role-request-declined") != 1 {
			t.Fatalf("account %s logged %v", acc, a)
		}
	}
}

// actions reads a grant view's actions.
func actions(r platformtest.Reply) []string {
	var out []string
	list, _ := r.JSON["actions"].([]any)
	for _, a := range list {
		s, _ := a.(string)
		out = append(out, s)
	}
	return out
}

// guarded is one action a staff member may try in the customer, through the real handler.
type guarded struct {
	name string
	req  func(w *world, cookie string) platformtest.Request
}

// guardedActions are the customer's actions the permission matrix tries, one per permission it guards.
var guardedActions = []guarded{
	{"view the account (accounts:view)", func(w *world, c string) platformtest.Request {
		return platformtest.Request{Function: route.Accounts, Route: "GET /v1/accounts/{id}", Cookie: c,
			Params: map[string]string{"id": w.customer.ID}, Headers: map[string]string{}}
	}},
	{"list users (users:view)", func(w *world, c string) platformtest.Request {
		return platformtest.Request{Function: route.Users, Route: "GET /v1/accounts/{id}/users", Cookie: c,
			Params: map[string]string{"id": w.customer.ID}, Headers: map[string]string{}}
	}},
	{"edit a user (users:manage)", func(w *world, c string) platformtest.Request {
		return platformtest.Request{Function: route.Users, Route: "PATCH /v1/users/{id}", Cookie: c,
			Params: map[string]string{"id": w.customer.ContactUserID}, Body: map[string]any{"name": "Renamed By Staff"}}
	}},
	{"read the audit log (audit:view)", func(w *world, c string) platformtest.Request {
		return platformtest.Request{Function: route.Accounts, Route: "GET /v1/accounts/{id}/audit", Cookie: c,
			Params: map[string]string{"id": w.customer.ID}, Headers: map[string]string{}}
	}},
	{"invite a support partner (partner-access:manage)", func(w *world, c string) platformtest.Request {
		return platformtest.Request{Function: route.PartnerAccess, Route: grant.RouteInvite, Cookie: c,
			Params: map[string]string{"id": w.customer.ID}, Body: map[string]any{"partnerId": w.partnerID()}}
	}},
}

// TestStaffActWithTheGrantsRoles is the permission matrix of grant roles: for each set of roles a customer may
// grant, a staff member acting in the customer tries each guarded action through the real handlers, and may do
// exactly what those roles allow (x: allowed, .: 403); GET /v1/me lists exactly their permissions. Then the
// customer takes a role away and the next request already acts without it.
func TestStaffActWithTheGrantsRoles(t *testing.T) {
	t.Parallel()
	// The columns are guardedActions, in order: view, users, edit user, audit, invite partner. (Editing the
	// account itself is refused to everyone acting in it, own-account, whatever their roles.)
	matrix := map[string]string{
		"support-staff":                "x x x x .",
		"support-user-admin":           "x x x . .",
		"read-only":                    "x x . x .",
		"support-user-admin,read-only": "x x x x .",
	}
	for set, row := range matrix {
		t.Run("roles="+set, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			staff := w.addStaff("Sam Staff")
			id := w.invite(map[string]any{"partnerId": w.partnerID(), "roles": strings.Split(set, ",")})
			platformtest.WantStatus(t, w.act(w.partnerAdmin, grant.RouteAccept, id), http.StatusOK)
			platformtest.WantStatus(t, w.setStaff(w.partnerAdmin, id, staff.id), http.StatusOK)
			platformtest.WantStatus(t, w.switchTo(staff.cookie, w.customer.ID), http.StatusOK)
			for i, cell := range strings.Fields(row) {
				a := guardedActions[i]
				r := w.Call(a.req(w, staff.cookie))
				switch {
				case cell == "x" && r.StatusCode >= 300:
					t.Errorf("%s: %d %s, want allowed", a.name, r.StatusCode, r.Body)
				case cell == "." && r.StatusCode != http.StatusForbidden:
					t.Errorf("%s: %d %s, want 403", a.name, r.StatusCode, r.Body)
				}
			}
			me := w.Call(platformtest.Request{Function: route.OTP, Route: "GET /v1/me", Cookie: staff.cookie, Headers: map[string]string{}})
			platformtest.WantStatus(t, me, http.StatusOK)
			if slices.Contains(permissions(me), "partner-access:manage") || !slices.Contains(permissions(me), "accounts:view") {
				t.Fatalf("me: %v", permissions(me))
			}
		})
	}
}

// permissions reads GET /v1/me's permissions.
func permissions(r platformtest.Reply) []string {
	var out []string
	list, _ := r.JSON["permissions"].([]any)
	for _, p := range list {
		s, _ := p.(string)
		out = append(out, s)
	}
	return out
}

// TestFewerRolesHoldAtTheNextRequest checks that taking a role away from a partner changes what its staff may do
// from their very next request, without touching their memberships.
func TestFewerRolesHoldAtTheNextRequest(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	staff := w.addStaff("Sam Staff")
	id := w.invite(map[string]any{"partnerId": w.partnerID(), "roles": []string{"support-user-admin", "read-only"}})
	platformtest.WantStatus(t, w.act(w.partnerAdmin, grant.RouteAccept, id), http.StatusOK)
	platformtest.WantStatus(t, w.setStaff(w.partnerAdmin, id, staff.id), http.StatusOK)
	platformtest.WantStatus(t, w.switchTo(staff.cookie, w.customer.ID), http.StatusOK)
	audit := guardedActions[3]
	platformtest.WantStatus(t, w.Call(audit.req(w, staff.cookie)), http.StatusOK)
	m, _ := w.membership(staff.id, w.customer.ID)
	platformtest.WantStatus(t, w.rolesCall(w.customerAdmin, grant.RouteSetRoles, id, map[string]any{"roles": []string{"support-user-admin"}}), http.StatusOK)
	platformtest.WantProblem(t, w.Call(audit.req(w, staff.cookie)), http.StatusForbidden, "")
	if after, _ := w.membership(staff.id, w.customer.ID); fmt.Sprint(after) != fmt.Sprint(m) {
		t.Fatalf("the membership changed: %+v → %+v", m, after)
	}
	me := w.Call(platformtest.Request{Function: route.OTP, Route: "GET /v1/me", Cookie: staff.cookie, Headers: map[string]string{}})
	if got := permissions(me); !slices.Equal(got, []string{"accounts:view", "users:view", "users:manage"}) {
		t.Fatalf("permissions after the reduction: %v", got)
	}
}

// TestRaceApproveAndDecline answers one request for roles twice at once, approve and decline: exactly one wins,
// the other finds no request (409), and exactly one answer is logged.
func TestRaceApproveAndDecline(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id := w.invite(map[string]any{"partnerId": w.partnerID(), "roles": []string{"read-only"}})
	platformtest.WantStatus(t, w.act(w.partnerAdmin, grant.RouteAccept, id), http.StatusOK)
	second := w.Session(w.customer.ContactUserID, w.customer.ID)
	answers := 0
	for round := range rounds {
		t.Run(fmt.Sprintf("round=%d", round), func(t *testing.T) {
			// Ask for something other than what the partner has now (the winner may have approved the last ask).
			now := roles(w.grantView(w.customerAdmin, id))
			asks := [][]string{{"support-staff"}, {"support-user-admin", "read-only"}, {"support-user-admin"}}
			i := slices.IndexFunc(asks, func(a []string) bool { return !slices.Equal(a, now) })
			asked := asks[(i+round)%len(asks)]
			if slices.Equal(asked, now) {
				asked = asks[i]
			}
			platformtest.WantStatus(t, w.rolesCall(w.partnerAdmin, grant.RouteRequestRoles, id, map[string]any{"roles": asked}), http.StatusOK)
			out := w.race(w.request(w.customerAdmin, grant.RouteApproveRoles, id, nil), w.request(second, grant.RouteDeclineRoles, id, nil))
			wins := 0
			for _, o := range out {
				switch {
				case o.status == http.StatusOK:
					wins++
				case o.status != http.StatusConflict || (o.slug != "no-role-request" && o.slug != "grant-changed"):
					t.Fatalf("loser answered %+v", o)
				}
			}
			if wins != 1 {
				t.Fatalf("%d answers won: %+v", wins, out)
			}
			answers++
			if g := w.grantRecord(id); len(g.RequestedRoles) != 0 {
				t.Fatalf("the request is still pending: %+v", g)
			}
			a := w.Audit(w.customer.ID)
			if n := count(a, "partner-access.roles-changed") + count(a, "partner-access.role-request-declined"); n != answers {
				t.Fatalf("%d answers logged after %d rounds", n, answers)
			}
		})
	}
}

// TestStaffNarrowedToSomeRoles checks that the partner may give a staff member fewer of the grant's roles: the
// roles name listed staff and granted roles only (400 otherwise, nothing written); each member acts with exactly
// their roles; a change of roles alone is saved and logged; and when the customer takes away the only role a
// member had, their next request is refused and their session goes home.
func TestStaffNarrowedToSomeRoles(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	narrow, full := w.addStaff("Nell Narrow"), w.addStaff("Fran Full")
	id := w.invite(map[string]any{"partnerId": w.partnerID(), "roles": []string{"support-user-admin", "read-only"}})
	platformtest.WantStatus(t, w.act(w.partnerAdmin, grant.RouteAccept, id), http.StatusOK)
	staff := func(roles map[string][]string) platformtest.Reply {
		return w.call(w.partnerAdmin, grant.RouteStaff, map[string]string{"grantId": id},
			map[string]any{"userIds": []string{narrow.id, full.id}, "roles": roles})
	}
	before := w.Snapshot()
	for _, c := range []struct {
		roles map[string][]string
		field string
	}{
		{map[string][]string{w.partner.ContactUserID: {"read-only"}}, "roles." + w.partner.ContactUserID + ":not_listed"},
		{map[string][]string{narrow.id: {"support-staff"}}, "roles." + narrow.id + ":not_granted"},
		{map[string][]string{narrow.id: {}}, "roles." + narrow.id + ":required"},
	} {
		r := staff(c.roles)
		platformtest.WantProblem(t, r, http.StatusBadRequest, "validation")
		if !slices.Equal(r.Fields(), []string{c.field}) {
			t.Fatalf("fields %v, want %s", r.Fields(), c.field)
		}
	}
	w.Unchanged(before, "staff roles the grant does not allow")

	r := staff(map[string][]string{narrow.id: {"read-only"}})
	platformtest.WantStatus(t, r, http.StatusOK)
	list, _ := r.JSON["staff"].([]any)
	got := map[string]string{}
	for _, s := range list {
		m, _ := s.(map[string]any)
		got[fmt.Sprint(m["id"])] = fmt.Sprint(m["roles"])
	}
	if got[narrow.id] != "[read-only]" || got[full.id] != "[support-user-admin read-only]" {
		t.Fatalf("staff roles %v", got)
	}
	edit, audit := guardedActions[2], guardedActions[3]
	for _, s := range []staffMember{narrow, full} {
		platformtest.WantStatus(t, w.switchTo(s.cookie, w.customer.ID), http.StatusOK)
		platformtest.WantStatus(t, w.Call(audit.req(w, s.cookie)), http.StatusOK)
	}
	platformtest.WantProblem(t, w.Call(edit.req(w, narrow.cookie)), http.StatusForbidden, "")
	platformtest.WantStatus(t, w.Call(edit.req(w, full.cookie)), http.StatusOK)

	// The same again writes nothing; a change of roles alone is saved and logged.
	before = w.Snapshot()
	platformtest.WantStatus(t, staff(map[string][]string{narrow.id: {"read-only"}}), http.StatusOK)
	w.Unchanged(before, "saving the same staff and roles")
	platformtest.WantStatus(t, staff(map[string][]string{narrow.id: {"read-only"}, full.id: {"support-user-admin"}}), http.StatusOK)
	if n := count(w.Audit(w.customer.ID), "partner-access.staff-changed"); n != 2 {
		t.Fatalf("%d staff changes logged, want 2", n)
	}
	platformtest.WantProblem(t, w.Call(audit.req(w, full.cookie)), http.StatusForbidden, "")

	// The customer takes read-only away: Nell has nothing left, and her next request goes home.
	platformtest.WantStatus(t, w.rolesCall(w.customerAdmin, grant.RouteSetRoles, id, map[string]any{"roles": []string{"support-user-admin"}}), http.StatusOK)
	platformtest.WantProblem(t, w.Call(guardedActions[0].req(w, narrow.cookie)), http.StatusForbidden, "access-ended")
	platformtest.WantStatus(t, w.viewAccount(narrow.cookie, w.partner.ID), http.StatusOK)
	platformtest.WantStatus(t, w.Call(edit.req(w, full.cookie)), http.StatusOK)
}
