package partneraccess

import (
	"context"
	"errors"
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

// LetsAct reports whether g lets a staff membership (one that names g) act in the customer at now: g is usable,
// it is the grant of the membership's account and it lists the user with a role it still grants.
func (g Grant) LetsAct(m user.Membership, now time.Time) bool {
	return len(g.ActingRoles(m, now)) > 0
}

// ActingRoles are the roles a staff membership (one that names g) acts with in the customer at now: the user's
// StaffRoles while g is usable and the grant of the membership's account; nil when g does not let them act.
func (g Grant) ActingRoles(m user.Membership, now time.Time) []role.Name {
	if !g.Usable(now) || g.Customer.ID != m.AccountID {
		return nil
	}
	return g.StaffRoles(m.UserID)
}

// StaffAccess answers the roles a staff membership (one that names a grant) lets its user act with in the
// customer at now, or nil when it no longer lets them act: the grant lets it (ActingRoles) — whether or not the
// sweep has ended it yet —, and the user still belongs to the partner account, which is open (neither it nor an
// account above it disabled). Authentication asks it on every request of a session that acts through a grant, and
// the actor gets exactly these roles: a change of the grant's roles or of the staff holds from the next request.
func StaffAccess(ctx context.Context, r StaffReader, m user.Membership, now time.Time) ([]role.Name, error) {
	g, err := r.GrantByID(ctx, m.GrantID)
	if errors.Is(err, fault.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	roles := g.ActingRoles(m, now)
	if len(roles) == 0 {
		return nil, nil
	}
	var (
		wg         sync.WaitGroup
		partner    account.Account
		mErr, aErr error
	)
	wg.Go(func() { _, mErr = r.Membership(ctx, m.UserID, g.Partner.ID) })
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
	if ok, err := r.AccountUsable(ctx, partner); err != nil || !ok {
		return nil, err
	}
	return roles, nil
}
