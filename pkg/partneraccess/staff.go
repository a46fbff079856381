package partneraccess

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// StaffReader is what StaffAccess reads: a grant, a membership, an account and whether it is open. dynamo.Store
// has it; a missing record is fault.ErrNotFound.
type StaffReader interface {
	GrantByID(ctx context.Context, id string) (Grant, error)
	Membership(ctx context.Context, userID, accountID string) (user.Membership, error)
	Account(ctx context.Context, id string) (account.Account, error)
	AccountUsable(ctx context.Context, a account.Account) (bool, error)
}

// LetsAct reports whether g lets a staff membership (one that names g) act in the customer at now, for a user
// in the partner's staff groups groups: g is usable, it is the grant of the membership's account and it gives the
// user, directly or through a group, a role it still grants.
func (g Grant) LetsAct(m user.Membership, groups []string, now time.Time) bool {
	return len(g.ActingRoles(m, groups, now)) > 0
}

// ActingRoles are the roles a staff membership (one that names g) acts with in the customer at now, for a user in
// the partner's staff groups groups: their StaffRoles and the GroupRoles of their groups, in the grant's order,
// while g is usable and the grant of the membership's account; nil when g does not let them act.
func (g Grant) ActingRoles(m user.Membership, groups []string, now time.Time) []role.Name {
	if !g.Usable(now) || g.Customer.ID != m.AccountID {
		return nil
	}
	direct, grouped := g.StaffRoles(m.UserID), g.GroupRoles(groups)
	if len(grouped) == 0 {
		return direct
	}
	var out []role.Name
	for _, n := range g.Approved() {
		if slices.Contains(direct, n) || slices.Contains(grouped, n) {
			out = append(out, n)
		}
	}
	return out
}

// StaffAccess answers the roles a staff membership (one that names a grant) lets its user act with in the
// customer at now, or nil when it no longer lets them act: the grant lets it (ActingRoles, with the user's staff
// groups as their partner membership lists them) — whether or not the sweep has ended it yet —, and the user
// still belongs to the partner account, which is open (neither it nor an account above it disabled).
// Authentication asks it on every request of a session that acts through a grant, and the actor gets exactly
// these roles: a change of the grant's roles, of its staff or of a staff group holds from the next request.
// The membership may be one the grant gave (direct staff) or, for a member of a group, the one GroupMembership
// stands in for.
func StaffAccess(ctx context.Context, r StaffReader, m user.Membership, now time.Time) ([]role.Name, error) {
	g, err := r.GrantByID(ctx, m.GrantID)
	if errors.Is(err, fault.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !g.Usable(now) || g.Customer.ID != m.AccountID {
		return nil, nil
	}
	var (
		wg         sync.WaitGroup
		pm         user.Membership
		partner    account.Account
		mErr, aErr error
	)
	wg.Go(func() { pm, mErr = r.Membership(ctx, m.UserID, g.Partner.ID) })
	wg.Go(func() { partner, aErr = r.Account(ctx, g.Partner.ID) })
	wg.Wait()
	for _, err := range []error{mErr, aErr} {
		if errors.Is(err, fault.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
	}
	roles := g.ActingRoles(m, pm.StaffGroups, now)
	if len(roles) == 0 {
		return nil, nil
	}
	if ok, err := r.AccountUsable(ctx, partner); err != nil || !ok {
		return nil, err
	}
	return roles, nil
}

// GroupMembership stands in for the membership of a user who acts in a customer only through a staff group
// assigned to grant g: they have no membership item there (a group's members are not written into each customer
// it is assigned to), so the session check and the account switcher use this one, whose roles StaffAccess works
// out as for any staff membership.
func GroupMembership(userID string, g Grant) user.Membership {
	return user.Membership{
		UserID: userID, AccountID: g.Customer.ID, AccountName: g.Customer.Name, AccountKind: string(account.Customer),
		Roles: []role.Name{role.SupportStaff}, GrantID: g.ID,
	}
}
