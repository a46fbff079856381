package partneraccess

// Roles per grant. A customer grants its partner a set of roles (role.Delegable): the invitation names them
// (DefaultRoles when it names none: the customer's administrator), and the customer may approve fewer than a share
// link asked for. The partner's staff act with exactly those roles, or fewer: each staff entry may narrow them,
// and what a staff member may do is worked out on every request from the grant (StaffRoles), so a reduction holds
// from the next request on. A change of roles is the customer's: the partner asks (RolesRequested), the customer
// approves all or fewer of them (RolesApproved) or declines (RoleRequestDeclined), and may reduce them at any time
// (RolesReduced).

import (
	"fmt"
	"slices"
	"time"

	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/role"
)

// DefaultRoles are what an invitation grants when it names none: the customer's administrator, as before roles.
var DefaultRoles = []role.Name{role.SupportStaff}

// RoleRequest is a partner's pending request for a change of a grant's roles; zero when there is none.
type RoleRequest struct {
	Roles  []role.Name
	At     time.Time
	By     string
	ByName string
}

// Pending reports whether there is a request.
func (r RoleRequest) Pending() bool { return len(r.Roles) > 0 }

// Problems of roles.
var (
	errRequestPending = fault.New(fault.ErrConflict, "role-request-pending",
		"A change of roles is already waiting for the customer's answer.")
	errNoRequest = fault.New(fault.ErrConflict, "no-role-request", "There is no change of roles waiting for an answer.")
)

// Field codes of roles.
const (
	codeUnknown      = "unknown_role"
	codeDuplicate    = "duplicate"
	codeEmpty        = "required"
	codeNotRequested = "not_requested"
	codeNotGranted   = "not_granted"
	codeUnchanged    = "unchanged"
)

// CheckRoles reads a list of roles asked for in field: each a delegable role (role.Delegable), none twice, at
// least one. Absent (nil) is DefaultRoles. Every bad entry is named in v.
func CheckRoles(v *fault.ValidationError, field string, roles []role.Name) []role.Name {
	if roles == nil {
		return slices.Clone(DefaultRoles)
	}
	if len(roles) == 0 {
		v.Add(field, codeEmpty, "Choose at least one role.")
		return nil
	}
	seen := map[role.Name]bool{}
	for i, n := range roles {
		f := fmt.Sprintf("%s[%d]", field, i)
		switch {
		case !role.IsDelegable(n):
			v.Add(f, codeUnknown, "This is not a role a support partner can be given.")
		case seen[n]:
			v.Add(f, codeDuplicate, "This role is listed twice.")
		}
		seen[n] = true
	}
	return Ordered(roles)
}

// Ordered is roles in the order of role.Delegable, without duplicates or roles that are not delegable.
func Ordered(roles []role.Name) []role.Name {
	out := []role.Name{}
	for _, n := range role.Delegable {
		if slices.Contains(roles, n) {
			out = append(out, n)
		}
	}
	return out
}

// Subset reports whether every role of sub is in of.
func Subset(sub, of []role.Name) bool {
	for _, n := range sub {
		if !slices.Contains(of, n) {
			return false
		}
	}
	return true
}

// within names in v every role of roles (listed in field) that is not in of, with code and message.
func within(v *fault.ValidationError, field string, roles, of []role.Name, code, message string) {
	for i, n := range roles {
		if !slices.Contains(of, n) {
			v.Add(fmt.Sprintf("%s[%d]", field, i), code, message)
		}
	}
}

// Approved is what the customer granted: the grant's roles, or DefaultRoles for a grant made before roles.
func (g Grant) Approved() []role.Name {
	if len(g.Roles) == 0 {
		return slices.Clone(DefaultRoles)
	}
	return slices.Clone(g.Roles)
}

// StaffRoles are the roles a user acts with in the customer through g, when g lets staff act: their staff
// entry's roles (all of the grant's when it names none) that the grant still has, in the grant's order. nil when
// the user is not among g's staff or none of their roles is left.
func (g Grant) StaffRoles(userID string) []role.Name {
	i := slices.IndexFunc(g.Staff, func(s Staff) bool { return s.UserID == userID })
	if i < 0 {
		return nil
	}
	approved := g.Approved()
	if len(g.Staff[i].Roles) == 0 {
		return approved
	}
	var out []role.Name
	for _, n := range approved {
		if slices.Contains(g.Staff[i].Roles, n) {
			out = append(out, n)
		}
	}
	return out
}

// live checks that g has not ended and is in a state where its roles may change: pending or active.
func (g Grant) live() error {
	if !g.Status.Live() {
		return errEnded
	}
	return nil
}

// RolesRequested is g with the partner's request, at now, for a change of roles: g is active, has no other
// pending request, and roles (checked with CheckRoles) differ from those granted.
func (g Grant) RolesRequested(roles []role.Name, by, byName string, now time.Time) (Grant, error) {
	if err := g.live(); err != nil {
		return g, err
	}
	if g.Status != Active {
		return g, ErrNotActive
	}
	if g.RoleRequest.Pending() {
		return g, errRequestPending
	}
	if slices.Equal(Ordered(roles), Ordered(g.Approved())) {
		return g, fault.Invalid("roles", codeUnchanged, "These are the roles the partner has already.")
	}
	g.RoleRequest = RoleRequest{Roles: Ordered(roles), At: now, By: by, ByName: byName}
	g.Version++
	return g, nil
}

// RolesApproved is g after the customer approved its pending request with roles: all of the requested roles or
// fewer (each one requested). The grant's roles become roles and the request is answered.
func (g Grant) RolesApproved(roles []role.Name, now time.Time) (Grant, error) {
	if err := g.live(); err != nil {
		return g, err
	}
	if !g.RoleRequest.Pending() {
		return g, errNoRequest
	}
	v := &fault.ValidationError{}
	within(v, "roles", roles, g.RoleRequest.Roles, codeNotRequested, "The partner did not ask for this role.")
	if err := v.Err(); err != nil {
		return g, err
	}
	g.Roles, g.RolesChangedAt, g.RoleRequest = Ordered(roles), now, RoleRequest{}
	g.Version++
	return g, nil
}

// RoleRequestDeclined is g after the customer declined its pending request: the roles stay as they are.
func (g Grant) RoleRequestDeclined() (Grant, error) {
	if err := g.live(); err != nil {
		return g, err
	}
	if !g.RoleRequest.Pending() {
		return g, errNoRequest
	}
	g.RoleRequest = RoleRequest{}
	g.Version++
	return g, nil
}

// RolesReduced is g after the customer took roles away, at now: roles are some of those granted, fewer than all.
// A pending request stays for the customer to answer.
func (g Grant) RolesReduced(roles []role.Name, now time.Time) (Grant, error) {
	if err := g.live(); err != nil {
		return g, err
	}
	approved := g.Approved()
	v := &fault.ValidationError{}
	within(v, "roles", roles, approved, codeNotGranted,
		"The partner does not have this role: it asks for more roles, and you approve them.")
	if err := v.Err(); err != nil {
		return g, err
	}
	if slices.Equal(Ordered(roles), Ordered(approved)) {
		return g, fault.Invalid("roles", codeUnchanged, "These are the roles the partner has already.")
	}
	g.Roles, g.RolesChangedAt = Ordered(roles), now
	g.Version++
	return g, nil
}

// CheckStaffRoles reads the roles that narrow some of the staff of g (by user id; field names them
// "<field>.<userId>"): each user among userIDs, each list some of the roles g grants, none twice, at least one.
// It answers the staff list with each entry's roles set (empty: all of the grant's).
func (g Grant) CheckStaffRoles(v *fault.ValidationError, field string, staff []Staff, roles map[string][]role.Name) []Staff {
	approved := g.Approved()
	for id, names := range roles {
		f := field + "." + id
		switch {
		case !slices.ContainsFunc(staff, func(s Staff) bool { return s.UserID == id }):
			v.Add(f, "not_listed", "Give roles only to users listed as staff.")
			continue
		case len(names) == 0:
			v.Add(f, codeEmpty, "Choose at least one role, or take the user off the staff.")
			continue
		}
		seen := map[role.Name]bool{}
		for _, n := range names {
			switch {
			case !slices.Contains(approved, n):
				v.Add(f, codeNotGranted, "The customer has not granted this role.")
			case seen[n]:
				v.Add(f, codeDuplicate, "A role is listed twice.")
			}
			seen[n] = true
		}
	}
	out := slices.Clone(staff)
	for i := range out {
		if names, ok := roles[out[i].UserID]; ok && !v.Has(field+"."+out[i].UserID) {
			out[i].Roles = Ordered(names)
			if slices.Equal(out[i].Roles, Ordered(approved)) {
				out[i].Roles = nil // all of the grant's: they follow a later change of the grant's roles
			}
		}
	}
	return out
}

// Regranted lists the users in both cur and next whose roles differ.
func Regranted(cur, next []Staff) []Staff {
	var out []Staff
	for _, n := range next {
		i := slices.IndexFunc(cur, func(c Staff) bool { return c.UserID == n.UserID })
		if i >= 0 && !slices.Equal(cur[i].Roles, n.Roles) {
			out = append(out, n)
		}
	}
	return out
}
