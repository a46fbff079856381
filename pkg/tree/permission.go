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
//     permission (which kinds, see CreatableKinds; prospects, CreatesProspects).
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
		needs = []role.Permission{role.PartnersCreate, role.CustomersCreate, role.ProspectsCreate}
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

// CreatableKinds lists the kinds of account the caller may create below target now, as signed accounts: the
// kinds target may parent, that the caller's roles may create (access.Creates, the rule onboarding applies),
// while target is not disabled. Prospects are CreatesProspects's.
func CreatableKinds(actorAccountID string, roles []role.Name, target account.Account) []account.Kind {
	out := []account.Kind{}
	if !creatable(actorAccountID, roles, target) {
		return out
	}
	a := actor.Actor{AccountID: actorAccountID, Roles: roles}
	for _, k := range account.Kinds {
		if account.MayParent(target.Kind, k) && access.Creates(a, k, account.Signed) {
			out = append(out, k)
		}
	}
	return out
}

// CreatesProspects reports whether the caller may create a prospect (a customer account in the prospect stage)
// below target now.
func CreatesProspects(actorAccountID string, roles []role.Name, target account.Account) bool {
	return creatable(actorAccountID, roles, target) && account.MayParent(target.Kind, account.Customer) &&
		access.Creates(actor.Actor{AccountID: actorAccountID, Roles: roles}, account.Customer, account.Prospect)
}

// creatable reports whether the caller may create anything below target now.
func creatable(actorAccountID string, roles []role.Name, target account.Account) bool {
	return Decide(actorAccountID, roles, target, CreateChild) == Allowed && target.Status != account.Disabled
}

// Permissions say what the caller may do to an account, for the portal to show or hide its actions.
type Permissions struct {
	Edit bool `json:"edit"`
	// Disable covers enabling too.
	Disable bool `json:"disable"`
	// Apps is switching a customer's apps, and Endpoints recording its endpoint count; both always false for
	// other kinds and for a prospect.
	Apps      bool `json:"apps"`
	Endpoints bool `json:"endpoints"`
	// CreateChild lists the kinds of account the caller may create below it (a customer as a signed customer).
	CreateChild []account.Kind `json:"createChild"`
	// CreateProspect is whether the caller may create a prospect below it: a customer account in the prospect
	// stage, the one type a holder of the Prospects role alone creates.
	CreateProspect bool `json:"createProspect"`
	// Convert is whether the caller may convert it to a customer: true only on a prospect, for an administrator
	// who may create customers and edit it (access.Converts), while it is not disabled.
	Convert bool `json:"convert"`
}

// PermissionsOn is what the caller may do to target.
func PermissionsOn(a actor.Actor, target account.Account) Permissions {
	allowed := func(act Action) bool { return Decide(a.AccountID, a.Roles, target, act) == Allowed }
	return Permissions{
		Edit:           allowed(Edit),
		Disable:        allowed(Disable),
		Apps:           target.Kind == account.Customer && !target.Prospect() && allowed(Apps),
		Endpoints:      target.Kind == account.Customer && !target.Prospect() && allowed(Endpoints),
		CreateChild:    CreatableKinds(a.AccountID, a.Roles, target),
		CreateProspect: CreatesProspects(a.AccountID, a.Roles, target),
		Convert:        target.Prospect() && target.Status != account.Disabled && access.Converts(a, target),
	}
}

// Problems of Decide's refusals.
var (
	// errProspect refuses what a prospect cannot have until it is converted: apps and endpoints (provisioning is
	// for customers who signed).
	errProspect = fault.New(fault.ErrConflict, "account-is-prospect",
		"This account is a prospect: convert it to a customer before provisioning it (apps, endpoints).")
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
