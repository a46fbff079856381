package partneraccess_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/partneraccess"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// TestStaffRoles checks what a staff member acts with: their entry's roles (all of the grant's when it names
// none) that the grant still has; nothing once none is left, or when they are not staff; the administrator for a
// grant made before roles.
func TestStaffRoles(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	g := partneraccess.Grant{ID: "g1", Status: partneraccess.Active, Customer: partneraccess.Party{ID: "c1"},
		Roles: []role.Name{role.SupportUserAdmin, role.ReadOnly},
		Staff: []partneraccess.Staff{{UserID: "all"}, {UserID: "narrow", Roles: []role.Name{role.ReadOnly}}, {UserID: "gone", Roles: []role.Name{role.SupportStaff}}}}
	for _, c := range []struct {
		user string
		want []role.Name
	}{
		{"all", []role.Name{role.SupportUserAdmin, role.ReadOnly}},
		{"narrow", []role.Name{role.ReadOnly}},
		{"gone", nil},
		{"stranger", nil},
	} {
		if got := g.StaffRoles(c.user); !slices.Equal(got, c.want) {
			t.Errorf("StaffRoles(%s) = %v, want %v", c.user, got, c.want)
		}
		m := user.Membership{UserID: c.user, AccountID: "c1", GrantID: "g1"}
		if got := g.LetsAct(m, nil, now); got != (len(c.want) > 0) {
			t.Errorf("LetsAct(%s) = %v", c.user, got)
		}
	}
	old := g
	old.Roles = nil
	if got := old.StaffRoles("all"); !slices.Equal(got, []role.Name{role.SupportStaff}) {
		t.Errorf("a grant made before roles gives %v", got)
	}
}

// TestRoleChanges checks the rules of a change of roles: only an active grant takes a request, one at a time and
// for a change; an approval grants the requested roles or fewer and answers the request; a decline leaves the
// roles; a reduction takes roles away and never adds one; an ended grant refuses all of it.
func TestRoleChanges(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	g := partneraccess.Grant{Status: partneraccess.Active, Roles: []role.Name{role.ReadOnly}, Version: 3}
	slug := func(err error) string {
		var fe *fault.Error
		if errors.As(err, &fe) {
			return fe.Slug
		}
		var ve *fault.ValidationError
		if errors.As(err, &ve) {
			return "validation"
		}
		return ""
	}
	if _, err := g.RolesRequested([]role.Name{role.ReadOnly}, "u", "U", now); slug(err) != "validation" {
		t.Fatalf("asking for the same roles: %v", err)
	}
	invited := g
	invited.Status = partneraccess.Invited
	if _, err := invited.RolesRequested([]role.Name{role.SupportStaff}, "u", "U", now); slug(err) != "grant-not-active" {
		t.Fatalf("asking on an invitation: %v", err)
	}
	if _, err := g.RoleRequestDeclined(); slug(err) != "no-role-request" {
		t.Fatalf("declining nothing: %v", err)
	}
	asked, err := g.RolesRequested([]role.Name{role.ReadOnly, role.SupportStaff}, "u", "U", now)
	if err != nil || !asked.RoleRequest.Pending() || asked.Version != 4 || !slices.Equal(asked.Roles, g.Roles) {
		t.Fatalf("request: %+v %v", asked, err)
	}
	if !slices.Equal(asked.RoleRequest.Roles, []role.Name{role.SupportStaff, role.ReadOnly}) {
		t.Fatalf("the request is not in catalog order: %v", asked.RoleRequest.Roles)
	}
	if _, err := asked.RolesRequested([]role.Name{role.SupportUserAdmin}, "u", "U", now); slug(err) != "role-request-pending" {
		t.Fatalf("a second request: %v", err)
	}
	if _, err := asked.RolesApproved([]role.Name{role.SupportUserAdmin}, now); slug(err) != "validation" {
		t.Fatalf("approving a role not asked for: %v", err)
	}
	approved, err := asked.RolesApproved([]role.Name{role.SupportStaff}, now)
	if err != nil || approved.RoleRequest.Pending() || !slices.Equal(approved.Roles, []role.Name{role.SupportStaff}) || !approved.RolesChangedAt.Equal(now) {
		t.Fatalf("approved fewer: %+v %v", approved, err)
	}
	declined, err := asked.RoleRequestDeclined()
	if err != nil || declined.RoleRequest.Pending() || !slices.Equal(declined.Roles, g.Roles) {
		t.Fatalf("declined: %+v %v", declined, err)
	}
	two := g
	two.Roles = []role.Name{role.SupportUserAdmin, role.ReadOnly}
	if _, err := two.RolesReduced([]role.Name{role.SupportStaff}, now); slug(err) != "validation" {
		t.Fatalf("adding by a reduction: %v", err)
	}
	if _, err := two.RolesReduced([]role.Name{role.ReadOnly, role.SupportUserAdmin}, now); slug(err) != "validation" {
		t.Fatalf("reducing to the same: %v", err)
	}
	if reduced, err := two.RolesReduced([]role.Name{role.ReadOnly}, now); err != nil || !slices.Equal(reduced.Roles, []role.Name{role.ReadOnly}) {
		t.Fatalf("reduced: %+v %v", reduced, err)
	}
	ended, _ := asked.Ended(partneraccess.Revoke, "u", partneraccess.ReasonRevoked, now)
	if ended.RoleRequest.Pending() {
		t.Fatal("an ended grant keeps its request")
	}
	for _, err := range []error{
		func() error { _, err := ended.RolesReduced([]role.Name{role.ReadOnly}, now); return err }(),
		func() error { _, err := ended.RoleRequestDeclined(); return err }(),
		func() error {
			_, err := ended.RolesRequested([]role.Name{role.SupportStaff}, "u", "U", now)
			return err
		}(),
	} {
		if slug(err) != "grant-ended" {
			t.Fatalf("a change of an ended grant: %v", err)
		}
	}
}

// TestCheckRoles checks the reading of asked-for roles: absent is the administrator; otherwise distinct
// delegable roles, at least one, each bad entry named.
func TestCheckRoles(t *testing.T) {
	t.Parallel()
	v := &fault.ValidationError{}
	if got := partneraccess.CheckRoles(v, "roles", nil); !slices.Equal(got, []role.Name{role.SupportStaff}) || v.Err() != nil {
		t.Fatalf("absent: %v %v", got, v.Err())
	}
	v = &fault.ValidationError{}
	partneraccess.CheckRoles(v, "roles", []role.Name{role.AccountAdmin, role.ReadOnly, role.ReadOnly, role.SuperAdmin})
	if !v.Has("roles[0]") || v.Has("roles[1]") || !v.Has("roles[2]") || !v.Has("roles[3]") {
		t.Fatalf("bad entries: %v", v.Err())
	}
	v = &fault.ValidationError{}
	partneraccess.CheckRoles(v, "roles", []role.Name{})
	if !v.Has("roles") {
		t.Fatal("an empty list passes")
	}
}

// TestCheckStaffRoles checks the roles that narrow staff: only listed users, only granted roles, at least one,
// none twice; a user given all of the grant's roles follows the grant (no roles of their own); Regranted names
// the users whose roles changed.
func TestCheckStaffRoles(t *testing.T) {
	t.Parallel()
	g := partneraccess.Grant{Roles: []role.Name{role.SupportUserAdmin, role.ReadOnly}}
	staff := []partneraccess.Staff{{UserID: "a"}, {UserID: "b"}, {UserID: "c"}}
	v := &fault.ValidationError{}
	g.CheckStaffRoles(v, "roles", staff, map[string][]role.Name{
		"x": {role.ReadOnly}, "a": {role.SupportStaff}, "b": {}, "c": {role.ReadOnly, role.ReadOnly},
	})
	for _, f := range []string{"roles.x", "roles.a", "roles.b", "roles.c"} {
		if !v.Has(f) {
			t.Errorf("%s passes", f)
		}
	}
	v = &fault.ValidationError{}
	out := g.CheckStaffRoles(v, "roles", staff, map[string][]role.Name{
		"a": {role.ReadOnly}, "b": {role.ReadOnly, role.SupportUserAdmin},
	})
	if v.Err() != nil || !slices.Equal(out[0].Roles, []role.Name{role.ReadOnly}) || out[1].Roles != nil || out[2].Roles != nil {
		t.Fatalf("staff %+v %v", out, v.Err())
	}
	if got := partneraccess.Regranted(staff, out); len(got) != 1 || got[0].UserID != "a" {
		t.Fatalf("Regranted = %+v", got)
	}
}
