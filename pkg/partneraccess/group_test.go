package partneraccess_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/partneraccess"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// TestActingRolesAddGroupsToStaff checks what a person acts with through a grant: their staff roles and the roles
// of each of their groups assigned to it, in the grant's order and only those the grant still has; nothing
// through a group they are not in, or once the grant is not usable.
func TestActingRolesAddGroupsToStaff(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	g := partneraccess.Grant{ID: "g1", Status: partneraccess.Active, Customer: partneraccess.Party{ID: "c1"},
		Roles: []role.Name{role.SupportUserAdmin, role.ReadOnly},
		Staff: []partneraccess.Staff{{UserID: "direct", Roles: []role.Name{role.ReadOnly}}},
		Groups: []partneraccess.AssignedGroup{
			{ID: "helpdesk", Roles: []role.Name{role.ReadOnly}},
			{ID: "escalation", Roles: []role.Name{role.SupportUserAdmin}},
			{ID: "stale", Roles: []role.Name{role.SupportStaff}}, // the customer has since taken this role away
		}}
	for _, c := range []struct {
		user   string
		groups []string
		want   []role.Name
	}{
		{"direct", nil, []role.Name{role.ReadOnly}},
		{"direct", []string{"escalation"}, []role.Name{role.SupportUserAdmin, role.ReadOnly}},
		{"member", []string{"helpdesk"}, []role.Name{role.ReadOnly}},
		{"member", []string{"escalation", "helpdesk", "unassigned"}, []role.Name{role.SupportUserAdmin, role.ReadOnly}},
		{"member", []string{"stale"}, nil},
		{"member", []string{"unassigned"}, nil},
		{"stranger", nil, nil},
	} {
		m := user.Membership{UserID: c.user, AccountID: "c1", GrantID: "g1"}
		if got := g.ActingRoles(m, c.groups, now); !slices.Equal(got, c.want) {
			t.Errorf("ActingRoles(%s, %v) = %v, want %v", c.user, c.groups, got, c.want)
		}
	}
	revoked := g
	revoked.Status = partneraccess.Revoked
	if got := revoked.ActingRoles(user.Membership{UserID: "member", AccountID: "c1"}, []string{"helpdesk"}, now); got != nil {
		t.Errorf("a revoked grant lets a group act with %v", got)
	}
	other := user.Membership{UserID: "member", AccountID: "c2"}
	if got := g.ActingRoles(other, []string{"helpdesk"}, now); got != nil {
		t.Errorf("a grant of another customer lets a group act with %v", got)
	}
}

// TestAssigningGroups checks a grant's groups: only an active grant takes one, with some of its roles (all when
// none are named); assigning again changes the roles, or nothing when they are the same; at most
// MaxGrantGroups; taking one off an ended grant is refused, a group it does not have is no change; ending the
// grant clears them.
func TestAssigningGroups(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	g := partneraccess.Grant{ID: "g1", Status: partneraccess.Invited, Roles: []role.Name{role.SupportUserAdmin, role.ReadOnly}, Version: 3}
	helpdesk := partneraccess.Group{ID: "helpdesk", Name: "Helpdesk"}
	if _, err := g.WithGroup(helpdesk, nil, now); !errors.Is(err, partneraccess.ErrNotActive) {
		t.Fatalf("a pending grant took a group: %v", err)
	}
	g.Status = partneraccess.Active

	v := &fault.ValidationError{}
	if got := g.CheckGroupRoles(v, "roles", nil); !slices.Equal(got, g.Roles) || v.Err() != nil {
		t.Fatalf("no roles named: %v %v", got, v.Err())
	}
	v = &fault.ValidationError{}
	g.CheckGroupRoles(v, "roles", []role.Name{role.SupportStaff, role.ReadOnly, role.ReadOnly})
	if !v.Has("roles[0]") || !v.Has("roles[2]") || v.Has("roles[1]") {
		t.Fatalf("bad roles: %v", v.Err())
	}

	next, err := g.WithGroup(helpdesk, []role.Name{role.ReadOnly}, now)
	if err != nil || next.Version != 4 || len(next.Groups) != 1 {
		t.Fatalf("assigned: %+v %v", next.Groups, err)
	}
	same, _ := next.WithGroup(helpdesk, []role.Name{role.ReadOnly}, now)
	if same.Version != next.Version {
		t.Fatal("assigning the same roles again is a change")
	}
	changed, _ := next.WithGroup(helpdesk, []role.Name{role.SupportUserAdmin}, now)
	if changed.Version != 5 || len(changed.Groups) != 1 || !slices.Equal(changed.Groups[0].Roles, []role.Name{role.SupportUserAdmin}) {
		t.Fatalf("roles changed: %+v", changed.Groups)
	}
	full := next
	for i := len(full.Groups); i < partneraccess.MaxGrantGroups; i++ {
		full, _ = full.WithGroup(partneraccess.Group{ID: fmt.Sprint("g", i)}, nil, now)
	}
	if _, err := full.WithGroup(partneraccess.Group{ID: "one-more"}, nil, now); err == nil {
		t.Fatalf("a grant took %d groups", partneraccess.MaxGrantGroups+1)
	}

	if off, _ := next.WithoutGroup("unknown", now); off.Version != next.Version {
		t.Fatal("taking off a group the grant does not have is a change")
	}
	off, err := next.WithoutGroup("helpdesk", now)
	if err != nil || len(off.Groups) != 0 || off.Version != next.Version+1 {
		t.Fatalf("taken off: %+v %v", off.Groups, err)
	}
	ended, err := next.Ended(partneraccess.Revoke, "u1", partneraccess.ReasonRevoked, now)
	if err != nil || len(ended.Groups) != 0 {
		t.Fatalf("the ended grant keeps %+v (%v)", ended.Groups, err)
	}
}

// TestGroupMembersAndGrants checks a group's lists: adding a member twice or taking out one who is not in it is
// no change; at most MaxGroupMembers; the grants it lists, likewise.
func TestGroupMembersAndGrants(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	g := partneraccess.NewGroup("helpdesk", "p1", "Helpdesk", "", "u1", now)
	g, err := g.WithMember(partneraccess.GroupMember{UserID: "sam"})
	if err != nil || g.Version != 2 || !g.HasMember("sam") {
		t.Fatalf("added: %+v %v", g, err)
	}
	if again, _ := g.WithMember(partneraccess.GroupMember{UserID: "sam"}); again.Version != g.Version {
		t.Fatal("adding a member twice is a change")
	}
	if out := g.WithoutMember("kim"); out.Version != g.Version {
		t.Fatal("taking out someone not in the group is a change")
	}
	if out := g.WithoutMember("sam"); out.HasMember("sam") || out.Version != 3 || !g.HasMember("sam") {
		t.Fatal("taking out a member changed the group read, or did not take them out")
	}
	full := g
	for i := len(full.Members); i < partneraccess.MaxGroupMembers; i++ {
		full, _ = full.WithMember(partneraccess.GroupMember{UserID: fmt.Sprint("u", i)})
	}
	if _, err := full.WithMember(partneraccess.GroupMember{UserID: "one-more"}); err == nil {
		t.Fatalf("a group took %d members", partneraccess.MaxGroupMembers+1)
	}
	listed, err := g.Listing(partneraccess.GroupGrant{GrantID: "g1", CustomerID: "c1"})
	if err != nil || !listed.AssignedTo("g1") || listed.Version != g.Version+1 {
		t.Fatalf("listed: %+v %v", listed.Grants, err)
	}
	if again, _ := listed.Listing(partneraccess.GroupGrant{GrantID: "g1"}); again.Version != listed.Version {
		t.Fatal("listing a grant twice is a change")
	}
	if un := listed.Unlisting("g1"); un.AssignedTo("g1") || un.Version != listed.Version+1 {
		t.Fatal("unlisting")
	}
}

// TestGroupWords checks a group's name and description: trimmed, required name, bounded, no control characters.
func TestGroupWords(t *testing.T) {
	t.Parallel()
	v := &fault.ValidationError{}
	name, desc := partneraccess.CheckGroupWords(v, "  Helpdesk ", " Tier 1 ")
	if name != "Helpdesk" || desc != "Tier 1" || v.Err() != nil {
		t.Fatalf("%q %q %v", name, desc, v.Err())
	}
	for _, c := range []struct{ name, desc, field string }{
		{" ", "", "name"},
		{"Help\tdesk", "", "name"},
		{"Helpdesk", "a\x7fb", "description"},
	} {
		v := &fault.ValidationError{}
		partneraccess.CheckGroupWords(v, c.name, c.desc)
		if !v.Has(c.field) {
			t.Errorf("%q %q: %v", c.name, c.desc, v.Err())
		}
	}
}
