package member

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/partnerhub/partnerhub/pkg/access"
	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// Problems of reach. A missing account or user and one outside the caller's part of the tree answer alike.
var (
	errNoAccount       = fault.New(fault.ErrNotFound, "account-not-found", "There is no such account in your part of the tree.")
	errNoUser          = fault.New(fault.ErrNotFound, "user-not-found", "There is no such user in your part of the tree.")
	errNotMember       = fault.New(fault.ErrNotFound, "not-member", "The user is not a member of that account.")
	errGrantMembership = fault.New(fault.ErrConflict, "partner-access",
		"This person acts here through a support partner's access: change or revoke the partner's access instead.")
	errReach = fault.New(fault.ErrForbidden, "not-direct-child",
		"You can manage the users of your own account and of the accounts directly below it; the Account Actions Control right extends this to your whole subtree.")
)

// need checks that the caller's roles grant a permission: through actor.Can, the one check of the product.
func need(a actor.Actor, p role.Permission) error {
	if a.Anonymous() {
		return fault.ErrUnauthorized
	}
	if !a.Can(p) {
		return fault.New(fault.ErrForbidden, "forbidden", fmt.Sprintf("Your role does not allow this (%s).", p))
	}
	return nil
}

// sees reports whether acc is the caller's account or below it: the accounts whose users the caller may view.
func sees(a actor.Actor, acc account.Account) bool {
	return access.Sees(a, acc)
}

// manages reports whether the caller may change the users of acc: its own account, the accounts directly below
// it, or its whole subtree with the Account Actions Control right; and its roles allow managing users.
func manages(a actor.Actor, acc account.Account) bool {
	return a.Can(role.UsersManage) && access.Acts(a, acc)
}

// account reads an account the caller sees.
func (s *Service) account(ctx context.Context, a actor.Actor, id string) (account.Account, error) {
	if !secret.WellFormedID(id) {
		return account.Account{}, errNoAccount
	}
	acc, err := s.store.Account(ctx, id)
	if errors.Is(err, fault.ErrNotFound) || err == nil && !sees(a, acc) {
		return account.Account{}, errNoAccount
	}
	return acc, err
}

// managed reads an account whose users the caller manages.
func (s *Service) managed(ctx context.Context, a actor.Actor, id string) (account.Account, error) {
	acc, err := s.account(ctx, a, id)
	if err != nil {
		return acc, err
	}
	if !manages(a, acc) {
		return acc, errReach
	}
	return acc, nil
}

// target is a user with their memberships and the accounts of those memberships, as the caller may see them.
type target struct {
	user        user.User
	memberships []user.Membership // every membership, seen or not
	accounts    map[string]account.Account
}

// seen lists the memberships in accounts the caller sees.
func (t target) seen(a actor.Actor) []user.Membership {
	var out []user.Membership
	for _, m := range t.memberships {
		if acc, ok := t.accounts[m.AccountID]; ok && sees(a, acc) {
			out = append(out, m)
		}
	}
	return out
}

// owned reports whether the caller sees the user through a membership of the user's own, not one a partner
// access grant gave them. A support partner's staff member belongs to the partner's tree: the customer they
// support, and the customer's own parents, see them act there but may not look at or change their login, and
// get the answer a stranger gets.
func (t target) owned(a actor.Actor) bool {
	return slices.ContainsFunc(t.memberships, func(m user.Membership) bool {
		acc, ok := t.accounts[m.AccountID]
		return ok && m.GrantID == "" && sees(a, acc)
	})
}

// managedBy reports whether the caller manages any account the user is a member of in their own right (a
// grant membership does not count: see owned).
func (t target) managedBy(a actor.Actor) bool {
	return slices.ContainsFunc(t.memberships, func(m user.Membership) bool {
		acc, ok := t.accounts[m.AccountID]
		return ok && m.GrantID == "" && manages(a, acc)
	})
}

// membership is the user's membership in an account.
func (t target) membership(accountID string) (user.Membership, bool) {
	i := slices.IndexFunc(t.memberships, func(m user.Membership) bool { return m.AccountID == accountID })
	if i < 0 {
		return user.Membership{}, false
	}
	return t.memberships[i], true
}

// target reads a user the caller sees: a member, in their own right, of an account the caller sees. Others,
// including a support partner's staff seen only through a grant, are errNoUser.
func (s *Service) target(ctx context.Context, a actor.Actor, id string) (target, error) {
	if !secret.WellFormedID(id) {
		return target{}, errNoUser
	}
	var (
		u          user.User
		ms         []user.Membership
		wg         sync.WaitGroup
		uErr, mErr error
	)
	wg.Go(func() { u, uErr = s.store.User(ctx, id) })
	wg.Go(func() { ms, mErr = s.store.Memberships(ctx, id) })
	wg.Wait()
	if errors.Is(uErr, fault.ErrNotFound) {
		return target{}, errNoUser
	}
	if err := errors.Join(uErr, mErr); err != nil {
		return target{}, err
	}
	return s.targetWith(ctx, a, u, ms)
}

// targetOf is target for a user already read: their memberships and those memberships' accounts are read now.
func (s *Service) targetOf(ctx context.Context, a actor.Actor, u user.User) (target, error) {
	ms, err := s.store.Memberships(ctx, u.ID)
	if err != nil {
		return target{}, err
	}
	return s.targetWith(ctx, a, u, ms)
}

// targetWith reads the accounts of a user's memberships and checks that the caller sees the user.
func (s *Service) targetWith(ctx context.Context, a actor.Actor, u user.User, ms []user.Membership) (target, error) {
	t := target{user: u, memberships: ms}
	// Memberships are few (a person rarely works in more than a handful of accounts): read their accounts at once.
	var wg sync.WaitGroup
	found := make([]account.Account, len(ms))
	errs := make([]error, len(ms))
	for i, m := range ms {
		wg.Go(func() { found[i], errs[i] = s.store.Account(ctx, m.AccountID) })
	}
	wg.Wait()
	t.accounts = make(map[string]account.Account, len(found))
	for i, acc := range found {
		switch err := errs[i]; {
		case errors.Is(err, fault.ErrNotFound):
		case err != nil:
			return target{}, err
		default:
			t.accounts[acc.ID] = acc
		}
	}
	if !t.owned(a) {
		return target{}, errNoUser
	}
	return t, nil
}
