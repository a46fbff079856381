package grant_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/grant"
	"github.com/partnerhub/partnerhub/pkg/partneraccess"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/secret"
)

// groupCall sends a staff group route of the partner account as cookie.
func (w *world) groupCall(cookie, routeKey, groupID, userID string, body any) platformtest.Reply {
	w.T.Helper()
	params := map[string]string{"id": w.partner.ID}
	if groupID != "" {
		params["groupId"] = groupID
	}
	if userID != "" {
		params["userId"] = userID
	}
	return w.call(cookie, routeKey, params, body)
}

// newGroup makes a staff group in the partner and returns its id.
func (w *world) newGroup(name string) string {
	w.T.Helper()
	r := w.groupCall(w.partnerAdmin, grant.RouteCreateGroup, "", "", map[string]any{"name": name, "description": "First line"})
	platformtest.WantStatus(w.T, r, http.StatusCreated)
	return r.Str("id")
}

// assign assigns a group to a grant with roles (nil: all of the grant's).
func (w *world) assign(grantID, groupID string, roles []string) platformtest.Reply {
	w.T.Helper()
	body := map[string]any{}
	if roles != nil {
		body["roles"] = roles
	}
	return w.call(w.partnerAdmin, grant.RouteAssignGroup, map[string]string{"grantId": grantID, "groupId": groupID}, body)
}

// storedGroup reads a partner group as stored.
func (w *world) storedGroup(id string) partneraccess.Group {
	w.T.Helper()
	g, err := w.Store.StaffGroup(context.Background(), w.partner.ID, id)
	if err != nil {
		w.T.Fatalf("group %s: %v", id, err)
	}
	return g
}

// me is GET /v1/me for a session.
func (w *world) me(cookie string) platformtest.Reply {
	w.T.Helper()
	return w.Call(platformtest.Request{Function: route.OTP, Route: "GET /v1/me", Cookie: cookie, Headers: map[string]string{}})
}

// TestStaffGroupActsForItsCustomers walks a group through its life: a partner administrator makes "Helpdesk",
// puts Sam in it and assigns it to a grant with one of the grant's two roles. Sam, who has no membership of the
// customer, sees it in the account switcher, switches there and acts with exactly the group's role; a change of
// the group's roles holds at Sam's next request, and so does taking Sam out of the group. Both sides' audit logs
// record the assignment; the partner's the group's steps.
func TestStaffGroupActsForItsCustomers(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sam := w.addStaff("Sam Staff")
	id := w.invite(map[string]any{"partnerId": w.partnerID(), "roles": []string{"support-user-admin", "read-only"}})
	platformtest.WantStatus(t, w.act(w.partnerAdmin, grant.RouteAccept, id), http.StatusOK)

	gid := w.newGroup("Helpdesk")
	r := w.groupCall(w.partnerAdmin, grant.RouteAddMember, gid, sam.id, nil)
	platformtest.WantStatus(t, r, http.StatusOK)
	if members, _ := r.JSON["members"].([]any); len(members) != 1 {
		t.Fatalf("members %s", r.Body)
	}
	if pm, _ := w.membership(sam.id, w.partner.ID); !slices.Equal(pm.StaffGroups, []string{gid}) {
		t.Fatalf("Sam's partner membership names groups %v", pm.StaffGroups)
	}
	// In a group assigned to nothing, Sam acts nowhere else.
	if hasMembership(w.me(sam.cookie), w.customer.ID) {
		t.Fatal("the switcher lists the customer before the group is assigned to it")
	}
	platformtest.WantProblem(t, w.switchTo(sam.cookie, w.customer.ID), http.StatusNotFound, "not-member")

	r = w.assign(id, gid, []string{"read-only"})
	platformtest.WantStatus(t, r, http.StatusOK)
	if groups, _ := r.JSON["groups"].([]any); len(groups) != 1 || fmt.Sprint(groups[0]) != fmt.Sprintf("map[id:%s roles:[read-only]]", gid) {
		t.Fatalf("grant groups %s", r.Body)
	}
	if got := w.storedGroup(gid).Grants; len(got) != 1 || got[0].GrantID != id || got[0].CustomerName != "Fabrikam Inc" {
		t.Fatalf("the group lists %+v", got)
	}
	// The customer sees the group's roles, not its name.
	if v := w.grantView(w.customerAdmin, id); !strings.Contains(v.Body, gid) || strings.Contains(v.Body, "Helpdesk") {
		t.Fatalf("the customer's view %s", v.Body)
	}

	if !hasMembership(w.me(sam.cookie), w.customer.ID) {
		t.Fatal("the switcher does not list the customer the group acts for")
	}
	platformtest.WantStatus(t, w.switchTo(sam.cookie, w.customer.ID), http.StatusOK)
	if _, ok := w.membership(sam.id, w.customer.ID); ok {
		t.Fatal("a group member got a membership item in the customer")
	}
	if got := permissions(w.me(sam.cookie)); !slices.Equal(got, []string{"accounts:view", "users:view", "audit:view"}) {
		t.Fatalf("permissions through the group: %v", got)
	}
	view, edit, audit := guardedActions[0], guardedActions[2], guardedActions[3]
	platformtest.WantStatus(t, w.Call(audit.req(w, sam.cookie)), http.StatusOK)
	platformtest.WantProblem(t, w.Call(edit.req(w, sam.cookie)), http.StatusForbidden, "")

	// The group's roles change: the next request acts with the new ones.
	platformtest.WantStatus(t, w.assign(id, gid, []string{"support-user-admin"}), http.StatusOK)
	platformtest.WantProblem(t, w.Call(audit.req(w, sam.cookie)), http.StatusForbidden, "")
	platformtest.WantStatus(t, w.Call(edit.req(w, sam.cookie)), http.StatusOK)

	// Out of the group, Sam's next request is refused and the session is back in the partner.
	r = w.groupCall(w.partnerAdmin, grant.RouteRemoveMember, gid, sam.id, nil)
	platformtest.WantStatus(t, r, http.StatusOK)
	gone := w.Call(view.req(w, sam.cookie))
	platformtest.WantProblem(t, gone, http.StatusForbidden, "access-ended")
	platformtest.WantStatus(t, w.viewAccount(sam.cookie, w.partner.ID), http.StatusOK)
	if pm, _ := w.membership(sam.id, w.partner.ID); len(pm.StaffGroups) != 0 {
		t.Fatalf("Sam's partner membership still names %v", pm.StaffGroups)
	}
	if hasMembership(w.me(sam.cookie), w.customer.ID) {
		t.Fatal("the switcher still lists the customer")
	}

	for _, acc := range []string{w.customer.ID, w.partner.ID} {
		if n := count(w.Audit(acc), "partner-access.group-assigned"); n != 2 {
			t.Errorf("account %s logged %d assignments, want 2", acc, n)
		}
	}
	a := w.Audit(w.partner.ID)
	for _, action := range []string{"staff-group.created", "staff-group.member-added", "staff-group.member-removed"} {
		if count(a, action) != 1 {
			t.Errorf("the partner logged %d %s", count(a, action), action)
		}
	}
}

// TestGroupAndDirectRolesAdd checks that a person who is direct staff with one role and in a group with another
// acts with both; taken off the staff list, the group still lets them act; the group taken off the grant, they
// are out.
func TestGroupAndDirectRolesAdd(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sam := w.addStaff("Sam Staff")
	id := w.invite(map[string]any{"partnerId": w.partnerID(), "roles": []string{"support-user-admin", "read-only"}})
	platformtest.WantStatus(t, w.act(w.partnerAdmin, grant.RouteAccept, id), http.StatusOK)
	platformtest.WantStatus(t, w.call(w.partnerAdmin, grant.RouteStaff, map[string]string{"grantId": id},
		map[string]any{"userIds": []string{sam.id}, "roles": map[string]any{sam.id: []string{"read-only"}}}), http.StatusOK)
	gid := w.newGroup("Escalation")
	platformtest.WantStatus(t, w.groupCall(w.partnerAdmin, grant.RouteAddMember, gid, sam.id, nil), http.StatusOK)
	platformtest.WantStatus(t, w.assign(id, gid, []string{"support-user-admin"}), http.StatusOK)

	platformtest.WantStatus(t, w.switchTo(sam.cookie, w.customer.ID), http.StatusOK)
	if got := slices.Sorted(slices.Values(permissions(w.me(sam.cookie)))); !slices.Equal(got, []string{"accounts:view", "audit:view", "users:manage", "users:view"}) {
		t.Fatalf("permissions as staff and through the group: %v", got)
	}
	platformtest.WantStatus(t, w.setStaff(w.partnerAdmin, id), http.StatusOK)
	if got := permissions(w.me(sam.cookie)); !slices.Equal(got, []string{"accounts:view", "users:view", "users:manage"}) {
		t.Fatalf("permissions through the group alone: %v", got)
	}
	r := w.call(w.partnerAdmin, grant.RouteUnassignGroup, map[string]string{"grantId": id, "groupId": gid}, nil)
	platformtest.WantStatus(t, r, http.StatusOK)
	platformtest.WantProblem(t, w.Call(guardedActions[0].req(w, sam.cookie)), http.StatusForbidden, "access-ended")
	if got := w.storedGroup(gid).Grants; len(got) != 0 {
		t.Fatalf("the group still lists %+v", got)
	}
	for _, acc := range []string{w.customer.ID, w.partner.ID} {
		if n := count(w.Audit(acc), "partner-access.group-removed"); n != 1 {
			t.Errorf("account %s logged %d removals, want 1", acc, n)
		}
	}
}

// TestGroupRefusals checks every refused group request: a clear problem, and nothing written.
func TestGroupRefusals(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sam := w.addStaff("Sam Staff")
	gid := w.newGroup("Helpdesk")
	id := w.invite(map[string]any{"partnerId": w.partnerID(), "roles": []string{"read-only"}})

	before := w.Snapshot()
	for _, c := range []struct {
		name, description string
		fields            []string
	}{
		{"", "", []string{"name:required"}},
		{strings.Repeat("n", 61), strings.Repeat("d", 201), []string{"description:too_long", "name:too_long"}},
		{"Help\ndesk", "", []string{"name:invalid"}},
	} {
		r := w.groupCall(w.partnerAdmin, grant.RouteCreateGroup, "", "", map[string]any{"name": c.name, "description": c.description})
		platformtest.WantProblem(t, r, http.StatusBadRequest, "validation")
		if !slices.Equal(r.Fields(), c.fields) {
			t.Errorf("%q: fields %v, want %v", c.name, r.Fields(), c.fields)
		}
	}
	platformtest.WantProblem(t, w.groupCall(w.partnerAdmin, grant.RouteCreateGroup, "", "", map[string]any{"name": " helpDESK "}),
		http.StatusConflict, "group-name-taken")
	platformtest.WantProblem(t, w.groupCall(w.partnerAdmin, grant.RouteCreateGroup, "", "", map[string]any{"name": "Ops", "colour": "red"}),
		http.StatusBadRequest, "validation")
	// Only a partner's administrators, in their own account.
	platformtest.WantProblem(t, w.call(w.customerAdmin, grant.RouteCreateGroup, map[string]string{"id": w.customer.ID}, map[string]any{"name": "Ops"}),
		http.StatusForbidden, "not-a-partner")
	platformtest.WantProblem(t, w.groupCall(sam.cookie, grant.RouteCreateGroup, "", "", map[string]any{"name": "Ops"}),
		http.StatusForbidden, "forbidden")
	platformtest.WantProblem(t, w.call(w.mspAdmin, grant.RouteGroups, map[string]string{"id": w.partner.ID}, nil),
		http.StatusNotFound, "account-not-found")
	platformtest.WantProblem(t, w.call(w.mspAdmin, grant.RouteGroup, map[string]string{"id": w.msp.ID, "groupId": gid}, nil),
		http.StatusNotFound, "group-not-found")
	// Members are the partner's own people.
	platformtest.WantProblem(t, w.groupCall(w.partnerAdmin, grant.RouteAddMember, gid, w.customer.ContactUserID, nil),
		http.StatusNotFound, "user-not-found")
	platformtest.WantProblem(t, w.groupCall(w.partnerAdmin, grant.RouteAddMember, gid, "not an id", nil),
		http.StatusNotFound, "user-not-found")
	platformtest.WantProblem(t, w.groupCall(w.partnerAdmin, grant.RouteAddMember, "grp-missing", sam.id, nil),
		http.StatusNotFound, "group-not-found")
	// A pending grant takes no group; the roles must be the grant's; the group must be the partner's.
	platformtest.WantProblem(t, w.assign(id, gid, nil), http.StatusConflict, "grant-not-active")
	w.Unchanged(before, "refused group requests")

	platformtest.WantStatus(t, w.act(w.partnerAdmin, grant.RouteAccept, id), http.StatusOK)
	before = w.Snapshot()
	r := w.assign(id, gid, []string{"support-staff", "read-only", "read-only"})
	platformtest.WantProblem(t, r, http.StatusBadRequest, "validation")
	if !slices.Equal(r.Fields(), []string{"roles[0]:not_granted", "roles[2]:duplicate"}) {
		t.Errorf("fields %v", r.Fields())
	}
	platformtest.WantProblem(t, w.assign(id, gid, []string{}), http.StatusBadRequest, "validation")
	platformtest.WantProblem(t, w.assign(id, "grp-missing", nil), http.StatusNotFound, "group-not-found")
	platformtest.WantProblem(t, w.call(w.customerAdmin, grant.RouteAssignGroup, map[string]string{"grantId": id, "groupId": gid}, map[string]any{}),
		http.StatusForbidden, "partner-only")
	platformtest.WantProblem(t, w.call(w.partnerAdmin, grant.RouteUnassignGroup, map[string]string{"grantId": id, "groupId": gid}, nil),
		http.StatusNotFound, "group-not-found")
	w.Unchanged(before, "refused assignments")

	// A group in use is not deleted; taken off, it is, with its name free again.
	platformtest.WantStatus(t, w.assign(id, gid, nil), http.StatusOK)
	before = w.Snapshot()
	r = w.groupCall(w.partnerAdmin, grant.RouteDeleteGroup, gid, "", nil)
	platformtest.WantProblem(t, r, http.StatusConflict, "group-assigned")
	if d := r.Str("detail"); !strings.Contains(d, "Fabrikam Inc") || fmt.Sprint(r.JSON["customers"]) != "[Fabrikam Inc]" {
		t.Errorf("the refusal does not name the customer: %s", r.Body)
	}
	w.Unchanged(before, "deleting a group in use")
	platformtest.WantStatus(t, w.call(w.partnerAdmin, grant.RouteUnassignGroup, map[string]string{"grantId": id, "groupId": gid}, nil), http.StatusOK)
	platformtest.WantStatus(t, w.groupCall(w.partnerAdmin, grant.RouteAddMember, gid, sam.id, nil), http.StatusOK)
	platformtest.WantStatus(t, w.groupCall(w.partnerAdmin, grant.RouteDeleteGroup, gid, "", nil), http.StatusNoContent)
	if pm, _ := w.membership(sam.id, w.partner.ID); len(pm.StaffGroups) != 0 {
		t.Fatalf("the deleted group is left on Sam's membership: %v", pm.StaffGroups)
	}
	platformtest.WantStatus(t, w.groupCall(w.partnerAdmin, grant.RouteCreateGroup, "", "", map[string]any{"name": "Helpdesk"}), http.StatusCreated)
}

// TestRenameMovesTheNameGuard renames a group: the old name is free for another group, the new one taken.
func TestRenameMovesTheNameGuard(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	gid := w.newGroup("Helpdesk")
	w.newGroup("Escalation")
	platformtest.WantProblem(t, w.groupCall(w.partnerAdmin, grant.RouteUpdateGroup, gid, "", map[string]any{"name": "ESCALATION"}),
		http.StatusConflict, "group-name-taken")
	r := w.groupCall(w.partnerAdmin, grant.RouteUpdateGroup, gid, "", map[string]any{"name": "Service desk", "description": "Tier 1"})
	platformtest.WantStatus(t, r, http.StatusOK)
	if r.Str("name") != "Service desk" || r.Str("description") != "Tier 1" {
		t.Fatalf("renamed %s", r.Body)
	}
	// A change of case keeps the guard.
	platformtest.WantStatus(t, w.groupCall(w.partnerAdmin, grant.RouteUpdateGroup, gid, "", map[string]any{"name": "Service Desk"}), http.StatusOK)
	platformtest.WantStatus(t, w.groupCall(w.partnerAdmin, grant.RouteCreateGroup, "", "", map[string]any{"name": "Helpdesk"}), http.StatusCreated)
	platformtest.WantProblem(t, w.groupCall(w.partnerAdmin, grant.RouteCreateGroup, "", "", map[string]any{"name": "service desk"}),
		http.StatusConflict, "group-name-taken")
	list := w.call(w.partnerAdmin, grant.RouteGroups, map[string]string{"id": w.partner.ID}, nil)
	platformtest.WantStatus(t, list, http.StatusOK)
	var names []string
	groups, _ := list.JSON["groups"].([]any)
	for _, g := range groups {
		names = append(names, g.(map[string]any)["name"].(string))
	}
	if !slices.Equal(names, []string{"Escalation", "Helpdesk", "Service Desk"}) {
		t.Fatalf("groups %v", names)
	}
}

// TestRevokeClearsTheGroups revokes a grant a group is assigned to: the group no longer lists it, its member's
// next request in the customer is refused, the switcher forgets the customer, and the group can be deleted.
func TestRevokeClearsTheGroups(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sam := w.addStaff("Sam Staff")
	id := w.activeGrant()
	gid := w.newGroup("Helpdesk")
	platformtest.WantStatus(t, w.groupCall(w.partnerAdmin, grant.RouteAddMember, gid, sam.id, nil), http.StatusOK)
	platformtest.WantStatus(t, w.assign(id, gid, nil), http.StatusOK)
	platformtest.WantStatus(t, w.switchTo(sam.cookie, w.customer.ID), http.StatusOK)
	platformtest.WantStatus(t, w.Call(guardedActions[0].req(w, sam.cookie)), http.StatusOK)

	platformtest.WantStatus(t, w.act(w.customerAdmin, grant.RouteRevokeGrant, id), http.StatusOK)
	gone := w.Call(guardedActions[0].req(w, sam.cookie))
	platformtest.WantProblem(t, gone, http.StatusForbidden, "access-ended")
	if d := gone.Str("detail"); !strings.HasPrefix(d, "Fabrikam Inc ended your access") {
		t.Errorf("detail %q", d)
	}
	if got := w.storedGroup(gid).Grants; len(got) != 0 {
		t.Fatalf("the group still lists %+v", got)
	}
	if g := w.grantRecord(id); len(g.Groups) != 0 {
		t.Fatalf("the revoked grant keeps groups %+v", g.Groups)
	}
	if hasMembership(w.me(sam.cookie), w.customer.ID) {
		t.Fatal("the switcher still lists the customer")
	}
	platformtest.WantProblem(t, w.switchTo(sam.cookie, w.customer.ID), http.StatusNotFound, "not-member")
	platformtest.WantStatus(t, w.groupCall(w.partnerAdmin, grant.RouteDeleteGroup, gid, "", nil), http.StatusNoContent)
}

// TestRaceGroupChangeAgainstRevoke puts a member in a group (and takes one out) at the moment the customer
// revokes the grant the group is assigned to, round after round: the revoke always wins or follows, and
// afterwards the group never lists the ended grant and no member can act in the customer.
func TestRaceGroupChangeAgainstRevoke(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sam, kim := w.addStaff("Sam Staff"), w.addStaff("Kim Staff")
	gid := w.newGroup("Helpdesk")
	platformtest.WantStatus(t, w.groupCall(w.partnerAdmin, grant.RouteAddMember, gid, kim.id, nil), http.StatusOK)
	member := func(routeKey, userID string) platformtest.Request {
		return platformtest.Request{Function: route.PartnerAccess, Route: routeKey, Cookie: w.partnerAdmin,
			Params: map[string]string{"id": w.partner.ID, "groupId": gid, "userId": userID}}
	}
	for round := range rounds {
		t.Run(fmt.Sprintf("round=%d", round), func(t *testing.T) {
			id := w.activeGrant()
			platformtest.WantStatus(t, w.assign(id, gid, nil), http.StatusOK)
			add, remove := member(grant.RouteAddMember, sam.id), member(grant.RouteRemoveMember, kim.id)
			if round%2 == 1 {
				add, remove = member(grant.RouteAddMember, kim.id), member(grant.RouteRemoveMember, sam.id)
			}
			out := w.race(add, remove, w.request(w.customerAdmin, grant.RouteRevokeGrant, id, nil))
			for i, o := range out {
				if o.status != http.StatusOK {
					t.Fatalf("answer %d: %+v", i, o)
				}
			}
			w.ended(t, id, "revoked")
			if g := w.storedGroup(gid); g.AssignedTo(id) {
				t.Fatalf("the group lists the revoked grant: %+v", g.Grants)
			}
			for _, p := range []staffMember{sam, kim} {
				platformtest.WantProblem(t, w.switchTo(p.cookie, w.customer.ID), http.StatusNotFound, "not-member")
			}
		})
	}
}

// TestRaceAssignAgainstDelete assigns a group to a grant at the moment it is deleted: exactly one wins — the
// assignment (and the delete finds the group in use) or the delete (and the assignment finds no group) — and a
// grant never keeps a group that is gone.
func TestRaceAssignAgainstDelete(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id := w.activeGrant()
	for round := range rounds {
		t.Run(fmt.Sprintf("round=%d", round), func(t *testing.T) {
			gid := w.newGroup(fmt.Sprintf("Helpdesk %d", round))
			out := w.race(
				platformtest.Request{Function: route.PartnerAccess, Route: grant.RouteAssignGroup, Cookie: w.partnerAdmin,
					Params: map[string]string{"grantId": id, "groupId": gid}, Body: map[string]any{}},
				platformtest.Request{Function: route.PartnerAccess, Route: grant.RouteDeleteGroup, Cookie: w.partnerAdmin,
					Params: map[string]string{"id": w.partner.ID, "groupId": gid}},
			)
			assigned := slices.ContainsFunc(w.grantRecord(id).Groups, func(a dynamo.AssignedGroupRecord) bool { return a.ID == gid })
			_, err := w.Store.StaffGroup(context.Background(), w.partner.ID, gid)
			switch {
			case out[0].status == http.StatusOK && out[1].status == http.StatusConflict && out[1].slug == "group-assigned":
				if !assigned || err != nil {
					t.Fatalf("the assignment won, but assigned=%v, group read %v", assigned, err)
				}
				platformtest.WantStatus(t, w.call(w.partnerAdmin, grant.RouteUnassignGroup, map[string]string{"grantId": id, "groupId": gid}, nil), http.StatusOK)
			case out[1].status == http.StatusNoContent && out[0].status == http.StatusNotFound && out[0].slug == "group-not-found":
				if assigned || err == nil {
					t.Fatalf("the delete won, but assigned=%v, group read %v", assigned, err)
				}
			default:
				t.Fatalf("answers %+v", out)
			}
		})
	}
}

// TestLeavingThePartnerLeavesItsGroups removes a group's member from the partner account: the group no longer
// lists them, and their session can act neither in the customer nor anywhere of the partner's.
func TestLeavingThePartnerLeavesItsGroups(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sam, kim := w.addStaff("Sam Staff"), w.addStaff("Kim Staff")
	id := w.activeGrant()
	gid := w.newGroup("Helpdesk")
	for _, p := range []staffMember{sam, kim} {
		platformtest.WantStatus(t, w.groupCall(w.partnerAdmin, grant.RouteAddMember, gid, p.id, nil), http.StatusOK)
	}
	platformtest.WantStatus(t, w.assign(id, gid, nil), http.StatusOK)
	platformtest.WantStatus(t, w.switchTo(sam.cookie, w.customer.ID), http.StatusOK)

	platformtest.WantStatus(t, w.Call(platformtest.Request{Function: route.Revoke, Route: "DELETE /v1/accounts/{id}/users/{userId}",
		Cookie: w.partnerAdmin, Params: map[string]string{"id": w.partner.ID, "userId": sam.id}}), http.StatusOK)
	if g := w.storedGroup(gid); g.HasMember(sam.id) || !g.HasMember(kim.id) {
		t.Fatalf("members after Sam left: %+v", g.Members)
	}
	r := w.Call(guardedActions[0].req(w, sam.cookie))
	if r.StatusCode != http.StatusUnauthorized && r.StatusCode != http.StatusForbidden {
		t.Fatalf("Sam's session after leaving: %d %s", r.StatusCode, r.Body)
	}
	platformtest.WantStatus(t, w.switchTo(kim.cookie, w.customer.ID), http.StatusOK)
}

// TestEndDateClearsTheGroups lets a grant with a staff group reach its end date: its member can no longer switch
// to the customer from that moment, before the sweep runs; the sweep then takes the ended grant off the group.
func TestEndDateClearsTheGroups(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sam := w.addStaff("Sam Staff")
	ends := w.Clock.Now().Add(30 * 24 * time.Hour).Truncate(time.Second)
	id := w.invite(map[string]any{"partnerId": w.partnerID(), "endsAt": ends.Format(time.RFC3339)})
	platformtest.WantStatus(t, w.act(w.partnerAdmin, grant.RouteAccept, id), http.StatusOK)
	gid := w.newGroup("Helpdesk")
	platformtest.WantStatus(t, w.groupCall(w.partnerAdmin, grant.RouteAddMember, gid, sam.id, nil), http.StatusOK)
	platformtest.WantStatus(t, w.assign(id, gid, nil), http.StatusOK)
	platformtest.WantStatus(t, w.switchTo(sam.cookie, w.customer.ID), http.StatusOK)

	w.advance(30 * 24 * time.Hour)
	fresh := w.Session(sam.id, w.partner.ID) // the old one has long been idle
	platformtest.WantProblem(t, w.switchTo(fresh, w.customer.ID), http.StatusNotFound, "not-member")
	if !w.storedGroup(gid).AssignedTo(id) {
		t.Fatal("the group let go of the grant before the sweep ended it")
	}
	for range 4 { // the reminders, then the end
		w.sweep()
	}
	w.ended(t, id, "expired")
	if w.storedGroup(gid).AssignedTo(id) {
		t.Fatal("the expired grant is still on the group")
	}
}

// TestRaceForTheLastGroup makes groups up to one short of the most a partner has, then two at once: exactly one
// is made, the other is 409 too-many-groups, and the count stays right through a delete.
func TestRaceForTheLastGroup(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	var last string
	for i := range partneraccess.MaxGroups - 1 { // seeded through the store, as CreateGroup writes them
		g := partneraccess.NewGroup(secret.NewID(), w.partner.ID, fmt.Sprintf("Group %02d", i), "", w.partner.ContactUserID, w.Clock.Now())
		if err := w.Store.Commit(context.Background(), w.Store.Tx().PutGroup(g, nil, nil)); err != nil {
			t.Fatal(err)
		}
		last = g.ID
	}
	create := func(name string) platformtest.Request {
		return platformtest.Request{Function: route.PartnerAccess, Route: grant.RouteCreateGroup, Cookie: w.partnerAdmin,
			Params: map[string]string{"id": w.partner.ID}, Body: map[string]any{"name": name}}
	}
	out := w.race(create("Helpdesk"), create("Escalation"))
	made := 0
	for _, o := range out {
		switch {
		case o.status == http.StatusCreated:
			made++
		case o.status != http.StatusConflict || o.slug != "too-many-groups":
			t.Fatalf("answers %+v", out)
		}
	}
	groups, err := w.Store.StaffGroups(context.Background(), w.partner.ID)
	if made != 1 || err != nil || len(groups) != partneraccess.MaxGroups {
		t.Fatalf("%d made, %d groups (%v)", made, len(groups), err)
	}
	platformtest.WantStatus(t, w.groupCall(w.partnerAdmin, grant.RouteDeleteGroup, last, "", nil), http.StatusNoContent)
	platformtest.WantStatus(t, w.groupCall(w.partnerAdmin, grant.RouteCreateGroup, "", "", map[string]any{"name": "Night shift"}), http.StatusCreated)
	platformtest.WantProblem(t, w.groupCall(w.partnerAdmin, grant.RouteCreateGroup, "", "", map[string]any{"name": "One more"}),
		http.StatusConflict, "too-many-groups")
}
