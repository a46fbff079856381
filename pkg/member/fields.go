package member

import (
	"fmt"
	"slices"
	"strings"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/field"
	"github.com/partnerhub/partnerhub/pkg/role"
)

// Field error codes of user maintenance besides the common ones of package field.
const (
	codeUnknownRole = "unknown_role"
	codeDuplicate   = "duplicate"
	codeEmpty       = "empty"
)

// checkRoles checks the roles of a form for an account of kind: at least one, each a role of the catalog that
// this kind of account may hold, none twice. It returns them in catalog order.
func checkRoles(v *fault.ValidationError, path string, raw []string, kind account.Kind) []role.Name {
	if v.Has(path) {
		return nil
	}
	if len(raw) == 0 {
		v.Add(path, field.CodeRequired, "Choose at least one role.")
		return nil
	}
	var out []role.Name
	for i, name := range raw {
		f := fmt.Sprintf("%s[%d]", path, i)
		n := role.Name(strings.TrimSpace(name))
		r, known := role.Find(n)
		switch {
		case v.Has(f):
		case !known:
			v.Add(f, codeUnknownRole, fmt.Sprintf("There is no role %q.", name))
		case !slices.Contains(r.Kinds, string(kind)):
			v.Add(f, field.CodeNotAllowed, fmt.Sprintf("A %s account cannot have the role %s.", kind, r.Title))
		case slices.Contains(out, n):
			v.Add(f, codeDuplicate, "This role is listed twice.")
		default:
			out = append(out, n)
		}
	}
	return inCatalogOrder(out)
}

// inCatalogOrder sorts role names as the catalog lists them, so stored roles compare equal however they were sent.
func inCatalogOrder(names []role.Name) []role.Name {
	out := slices.Clone(names)
	slices.SortStableFunc(out, func(a, b role.Name) int { return catalogIndex(a) - catalogIndex(b) })
	return out
}

func catalogIndex(n role.Name) int {
	return slices.IndexFunc(role.Catalog, func(r role.Role) bool { return r.Name == n })
}

// mayGrant checks that the caller may grant or take away each role of changed in an account of kind
// (role.MayAssign): nobody hands out a right they could not hold.
func mayGrant(a actor.Actor, changed []role.Name, kind account.Kind) error {
	var refused []role.Name
	for _, n := range changed {
		if r, ok := role.Find(n); !ok || !role.MayAssign(a.Roles, r, string(kind)) {
			refused = append(refused, n)
		}
	}
	if len(refused) == 0 {
		return nil
	}
	return fault.New(fault.ErrForbidden, "role-not-assignable",
		"You cannot grant or take away roles that you do not hold yourself, unless you are an administrator; the Account Actions Control right is granted only by someone who has it.").
		With("roles", refused)
}

// diff lists the roles of next that old lacks (added) and of old that next lacks (removed).
func diff(old, next []role.Name) (added, removed []role.Name) {
	for _, n := range next {
		if !slices.Contains(old, n) {
			added = append(added, n)
		}
	}
	for _, n := range old {
		if !slices.Contains(next, n) {
			removed = append(removed, n)
		}
	}
	return added, removed
}
