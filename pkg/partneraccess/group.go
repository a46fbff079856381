package partneraccess

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/role"
)

// A staff group is a partner's named set of its own staff ("Helpdesk", "Escalation"), which the partner assigns
// to grants — with some of each grant's roles — instead of, or beside, naming people one by one (GDAP's security
// groups). Whoever is in a group acts through every grant it is assigned to, from the moment they are added; taken
// out, they lose that access at their next request, since authentication reads their groups on every request
// (StaffAccess): they are kept on the member's membership of the partner account, which that check reads anyway.
//
// The group itself keeps its members (for the portal) and the grants it is assigned to (for the account switcher
// and so that a group in use is not deleted); a grant keeps the groups assigned to it with their roles.

// Limits of staff groups.
const (
	// MaxGroups is the most staff groups a partner has.
	MaxGroups = 50
	// MaxGroupMembers is the most people in one group: deleting it changes each of their memberships in its
	// transaction.
	MaxGroupMembers = 50
	// MaxGrantGroups is the most groups assigned to one grant: a grant that ends changes each of them in its
	// transaction.
	MaxGrantGroups = 10
	// MaxGroupGrants is the most grants one group is assigned to (the group item lists them).
	MaxGroupGrants = 1000
	// MaxGroupName and MaxGroupDescription bound a group's words, in characters.
	MaxGroupName        = 60
	MaxGroupDescription = 200
)

// Group is a partner's staff group.
type Group struct {
	ID          string
	AccountID   string // the partner account whose staff it groups
	Name        string
	Description string
	Members     []GroupMember
	// Grants are the live grants the group is assigned to.
	Grants    []GroupGrant
	CreatedAt time.Time
	CreatedBy string
	// Version counts the group's changes; the store writes a change only while the version is the one read.
	Version int
}

// GroupMember is one person in a group, named as when they were added.
type GroupMember struct {
	UserID, Name, Email string
	AddedAt             time.Time
}

// GroupGrant is a grant a group is assigned to, as the group lists it.
type GroupGrant struct {
	GrantID, CustomerID, CustomerName string
}

// AssignedGroup is a group assigned to a grant, as the grant keeps it: the group's members act with Roles (some
// of the grant's). Its name is the partner's business (the group says it): the customer sees the roles.
type AssignedGroup struct {
	ID    string
	Roles []role.Name
}

// Problems of groups.
var (
	errGroupFull = fault.New(fault.ErrConflict, "group-full",
		"This group has as many members as it can hold; make a second group.")
	errTooManyGroups = fault.New(fault.ErrConflict, "too-many-groups",
		"This partner access has as many staff groups as it can hold; take one off first.")
	errGroupSpread = fault.New(fault.ErrConflict, "group-full",
		"This group is assigned to as many customers as it can be; make a second group.")
)

// CheckUnused refuses deleting g while it is assigned to a live grant: the problem names the customers
// ("customers" in the document) whose partner access to take it off first.
func (g Group) CheckUnused() error {
	if len(g.Grants) == 0 {
		return nil
	}
	names := make([]string, len(g.Grants))
	for i, a := range g.Grants {
		names[i] = a.CustomerName
	}
	slices.Sort(names)
	return fault.New(fault.ErrConflict, "group-assigned",
		"This group acts for "+strings.Join(names, ", ")+": take it off their partner access first.").With("customers", names)
}

// CheckGroupWords trims and checks a group's name and description; each problem is named in v.
func CheckGroupWords(v *fault.ValidationError, name, description string) (string, string) {
	name, description = strings.TrimSpace(name), strings.TrimSpace(description)
	switch {
	case name == "":
		v.Add("name", "required", "Name the group, e.g. Helpdesk.")
	case utf8.RuneCountInString(name) > MaxGroupName:
		v.Add("name", "too_long", "Keep the name within 60 characters.")
	case strings.ContainsFunc(name, isControl):
		v.Add("name", "invalid", "The name cannot hold control characters.")
	}
	switch {
	case utf8.RuneCountInString(description) > MaxGroupDescription:
		v.Add("description", "too_long", "Keep the description within 200 characters.")
	case strings.ContainsFunc(description, isControl):
		v.Add("description", "invalid", "The description cannot hold control characters.")
	}
	return name, description
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// NewGroup is a new, empty group of a partner account, made at now by a user.
func NewGroup(id, accountID, name, description, by string, now time.Time) Group {
	return Group{ID: id, AccountID: accountID, Name: name, Description: description, CreatedAt: now, CreatedBy: by, Version: 1}
}

// Renamed is g with new words.
func (g Group) Renamed(name, description string) Group {
	g.Name, g.Description = name, description
	g.Version++
	return g
}

// HasMember reports whether a user is in g.
func (g Group) HasMember(userID string) bool {
	return slices.ContainsFunc(g.Members, func(m GroupMember) bool { return m.UserID == userID })
}

// WithMember is g with one more member, or g unchanged (same version) if they are in it already.
func (g Group) WithMember(m GroupMember) (Group, error) {
	if g.HasMember(m.UserID) {
		return g, nil
	}
	if len(g.Members) >= MaxGroupMembers {
		return g, errGroupFull
	}
	g.Members = append(slices.Clone(g.Members), m)
	g.Version++
	return g, nil
}

// WithoutMember is g without a member, or g unchanged if they are not in it.
func (g Group) WithoutMember(userID string) Group {
	if !g.HasMember(userID) {
		return g
	}
	g.Members = slices.DeleteFunc(slices.Clone(g.Members), func(m GroupMember) bool { return m.UserID == userID })
	g.Version++
	return g
}

// AssignedTo reports whether g lists a grant.
func (g Group) AssignedTo(grantID string) bool {
	return slices.ContainsFunc(g.Grants, func(a GroupGrant) bool { return a.GrantID == grantID })
}

// Listing is g listing one more grant it is assigned to, or g unchanged if it lists it.
func (g Group) Listing(a GroupGrant) (Group, error) {
	if g.AssignedTo(a.GrantID) {
		return g, nil
	}
	if len(g.Grants) >= MaxGroupGrants {
		return g, errGroupSpread
	}
	g.Grants = append(slices.Clone(g.Grants), a)
	g.Version++
	return g, nil
}

// Unlisting is g without a grant, or g unchanged if it does not list it.
func (g Group) Unlisting(grantID string) Group {
	if !g.AssignedTo(grantID) {
		return g
	}
	g.Grants = slices.DeleteFunc(slices.Clone(g.Grants), func(a GroupGrant) bool { return a.GrantID == grantID })
	g.Version++
	return g
}

// Assigned returns the group of g with id, if assigned.
func (g Grant) Assigned(groupID string) (AssignedGroup, bool) {
	i := slices.IndexFunc(g.Groups, func(a AssignedGroup) bool { return a.ID == groupID })
	if i < 0 {
		return AssignedGroup{}, false
	}
	return g.Groups[i], true
}

// CheckGroupRoles reads the roles a group is to act with through g (in field): some of the grant's roles, at
// least one; absent (nil) is all of them. Every bad entry is named in v.
func (g Grant) CheckGroupRoles(v *fault.ValidationError, field string, roles []role.Name) []role.Name {
	approved := g.Approved()
	if roles == nil {
		return approved
	}
	if len(roles) == 0 {
		v.Add(field, codeEmpty, "Choose at least one role.")
		return nil
	}
	seen := map[role.Name]bool{}
	for i, n := range roles {
		if seen[n] {
			v.Add(fmt.Sprintf("%s[%d]", field, i), codeDuplicate, "This role is listed twice.")
		}
		seen[n] = true
	}
	within(v, field, roles, approved, codeNotGranted, "The customer has not granted this role.")
	return Ordered(roles)
}

// WithGroup is g with a group assigned (or its roles changed) at now: the grant must be active and before its end
// date, and roles some of its own (CheckGroupRoles).
func (g Grant) WithGroup(group Group, roles []role.Name, now time.Time) (Grant, error) {
	if err := g.staffable(now); err != nil {
		return g, err
	}
	next := AssignedGroup{ID: group.ID, Roles: slices.Clone(roles)}
	groups := slices.Clone(g.Groups)
	if i := slices.IndexFunc(groups, func(a AssignedGroup) bool { return a.ID == group.ID }); i >= 0 {
		if slices.Equal(groups[i].Roles, next.Roles) {
			return g, nil
		}
		groups[i] = next
	} else {
		if len(groups) >= MaxGrantGroups {
			return g, errTooManyGroups
		}
		groups = append(groups, next)
	}
	g.Groups, g.StaffChangedAt = groups, now
	g.Version++
	return g, nil
}

// WithoutGroup is g without a group at now, or g unchanged if it is not assigned. A grant that has ended has no
// groups to take off: ending cleared them.
func (g Grant) WithoutGroup(groupID string, now time.Time) (Grant, error) {
	if _, ok := g.Assigned(groupID); !ok {
		return g, nil
	}
	if !g.Status.Live() {
		return g, errEnded
	}
	g.Groups = slices.DeleteFunc(slices.Clone(g.Groups), func(a AssignedGroup) bool { return a.ID == groupID })
	g.StaffChangedAt = now
	g.Version++
	return g, nil
}

// GroupRoles are the roles a member of groups (the ids of the groups they are in) acts with through g, when g
// lets staff act: those of every group of theirs assigned to g that the grant still has, in the grant's order;
// nil when none.
func (g Grant) GroupRoles(groups []string) []role.Name {
	var roles []role.Name
	for _, a := range g.Groups {
		if slices.Contains(groups, a.ID) {
			roles = append(roles, a.Roles...)
		}
	}
	if len(roles) == 0 {
		return nil
	}
	var out []role.Name
	for _, n := range g.Approved() {
		if slices.Contains(roles, n) {
			out = append(out, n)
		}
	}
	return out
}

// ThroughGroup reports whether g lets a member of groups act through one of them (whatever else it lets them).
func (g Grant) ThroughGroup(groups []string) bool { return len(g.GroupRoles(groups)) > 0 }
