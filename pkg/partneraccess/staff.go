package partneraccess

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/fault"
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
// it is the grant of the membership's account and it lists the user.
func (g Grant) LetsAct(m user.Membership, now time.Time) bool {
	return g.Usable(now) && g.Customer.ID == m.AccountID && g.HasStaff(m.UserID)
}

// StaffAccess reports whether a staff membership (one that names a grant) still lets its user act in the
// customer at now: the grant lets it (LetsAct) — whether or not the sweep has ended it yet —, and the user still
// belongs to the partner account, which is open (neither it nor an account above it disabled). Authentication
// asks it on every request of a session that acts through a grant.
func StaffAccess(ctx context.Context, r StaffReader, m user.Membership, now time.Time) (bool, error) {
	g, err := r.GrantByID(ctx, m.GrantID)
	if errors.Is(err, fault.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !g.LetsAct(m, now) {
		return false, nil
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
			return false, nil
		}
		if err != nil {
			return false, err
		}
	}
	return r.AccountUsable(ctx, partner)
}
