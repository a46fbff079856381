package tree

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/partnerhub/partnerhub/pkg/access"
	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
)

// Action is something a caller does to an account of the tree.
type Action string

// Actions.
const (
	View        Action = "view"         // read the account, its children and counts
	Edit        Action = "edit"         // change company details
	Apps        Action = "apps"         // switch a customer's apps
	Disable     Action = "disable"      // disable or enable
	Endpoints   Action = "endpoints"    // record a customer's endpoint count
	Audit       Action = "audit"        // read the audit log
	CreateChild Action = "create-child" // create an account below it
)

// Decision is Decide's answer.
type Decision int

// Decisions. NotFound hides that an account exists outside the caller's part of the tree.
const (
	NotFound Decision = iota
	Forbidden
	Allowed
)

func (d Decision) String() string {
	return [...]string{"not found", "forbidden", "allowed"}[d]
}

// Decide is the one rule of who may do what in the tree. The caller acts in actorAccountID with roles; target
// is the account acted on.
//
//   - Only the caller's own account and what lies below it exist for the caller (access.Sees): anything else is
//     NotFound.
//   - Viewing needs role.AccountsView, the audit log role.AuditView, creating below an account a create
//     permission (which kinds, see CreatableKinds).
//   - Editing, switching apps, recording endpoints, disabling and enabling act only on accounts strictly below
//     the caller's, and only on direct children unless the caller holds role.HierarchyActions (the Account
//     Actions Control right): access.Acts, less the caller's own account. Each needs its permission:
//     role.AccountsEdit, role.CustomersProvision or AccountsEdit for apps and endpoints, role.AccountsDisable.
func Decide(actorAccountID string, roles []role.Name, target account.Account, action Action) Decision {
	d, _ := decide(actorAccountID, roles, target, action)
	return d
}

// decide is Decide with the reason of a refusal, as the problem it answers.
func decide(actorAccountID string, roles []role.Name, target account.Account, action Action) (Decision, error) {
	a := actor.Actor{AccountID: actorAccountID, Roles: roles}
	if !access.Sees(a, target) {
		return NotFound, errNoAccount
	}
	can := func(ps ...role.Permission) bool {
		return slices.ContainsFunc(ps, func(p role.Permission) bool { return role.Allows(roles, p) })
	}
	var needs []role.Permission
	switch action {
	case View:
		needs = []role.Permission{role.AccountsView}
	case Audit:
		needs = []role.Permission{role.AuditView}
	case CreateChild:
		needs = []role.Permission{role.PartnersCreate, role.CustomersCreate}
	case Edit:
		needs = []role.Permission{role.AccountsEdit}
	case Apps, Endpoints:
		needs = []role.Permission{role.CustomersProvision, role.AccountsEdit}
	case Disable:
		needs = []role.Permission{role.AccountsDisable}
	default:
		return Forbidden, errRole(action)
	}
	if !can(needs...) {
		return Forbidden, errRole(action)
	}
	switch action {
	case View, Audit, CreateChild:
		return Allowed, nil
	}
	if target.ID == actorAccountID {
		return Forbidden, errOwnAccount
	}
	if !access.Acts(a, target) {
		return Forbidden, errNotDirectChild
	}
	return Allowed, nil
}

// CreatableKinds lists the kinds of account the caller may create below target now: the kinds target may
// parent, that the caller's roles may create, while target is not disabled.
func CreatableKinds(actorAccountID string, roles []role.Name, target account.Account) []account.Kind {
	out := []account.Kind{}
	if Decide(actorAccountID, roles, target, CreateChild) != Allowed || target.Status == account.Disabled {
		return out
	}
	for _, k := range account.Kinds {
		if account.MayParent(target.Kind, k) && role.Allows(roles, createPermission(k)) {
			out = append(out, k)
		}
	}
	return out
}

// createPermission is what a role needs to create an account of a kind (the rule onboarding applies).
func createPermission(k account.Kind) role.Permission {
	if k == account.Customer {
		return role.CustomersCreate
	}
	return role.PartnersCreate
}

// Permissions say what the caller may do to an account, for the portal to show or hide its actions.
type Permissions struct {
	Edit bool `json:"edit"`
	// Disable covers enabling too.
	Disable bool `json:"disable"`
	// Apps is switching a customer's apps, and Endpoints recording its endpoint count; both always false for
	// other kinds.
	Apps        bool           `json:"apps"`
	Endpoints   bool           `json:"endpoints"`
	CreateChild []account.Kind `json:"createChild"`
}

// PermissionsOn is what the caller may do to target.
func PermissionsOn(a actor.Actor, target account.Account) Permissions {
	allowed := func(act Action) bool { return Decide(a.AccountID, a.Roles, target, act) == Allowed }
	return Permissions{
		Edit:        allowed(Edit),
		Disable:     allowed(Disable),
		Apps:        target.Kind == account.Customer && allowed(Apps),
		Endpoints:   target.Kind == account.Customer && allowed(Endpoints),
		CreateChild: CreatableKinds(a.AccountID, a.Roles, target),
	}
}

// Problems of Decide's refusals.
var (
	errNoAccount      = fault.New(fault.ErrNotFound, "account-not-found", "There is no such account in your part of the tree.")
	errOwnAccount     = fault.New(fault.ErrForbidden, "own-account", "An account cannot change or disable itself; an account above it can.")
	errNotDirectChild = fault.New(fault.ErrForbidden, "not-direct-child",
		"You can change and disable only the accounts directly below yours; the Account Actions Control right extends this to your whole subtree.")
)

func errRole(a Action) error {
	return fault.New(fault.ErrForbidden, "forbidden", fmt.Sprintf("Your role does not allow this (%s).", a))
}

// authorize reads the target account and asks Decide: a missing account and one outside the caller's part of
// the tree answer alike.
func (s *Service) authorize(ctx context.Context, a actor.Actor, id string, actions ...Action) (account.Account, error) {
	if err := reachable(a, id); err != nil {
		return account.Account{}, err
	}
	acc, err := s.store.Account(ctx, id)
	if errors.Is(err, fault.ErrNotFound) {
		return acc, errNoAccount
	}
	if err != nil {
		return acc, err
	}
	for _, act := range actions {
		if d, why := decide(a.AccountID, a.Roles, acc, act); d != Allowed {
			return acc, why
		}
	}
	return acc, nil
}

// reachable is what is checked before any read: someone is signed in, and id can name an account.
func reachable(a actor.Actor, id string) error {
	if a.Anonymous() {
		return fault.ErrUnauthorized
	}
	if !secret.WellFormedID(id) {
		return errNoAccount
	}
	return nil
}
