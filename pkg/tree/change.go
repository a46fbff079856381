package tree

import (
	"context"
	"errors"
	"time"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/secret"
)

// errMoved answers a change that kept losing races with others on the same account, or whose accounts above
// went away meanwhile.
var errMoved = fault.New(fault.ErrConflict, "conflict", "The account kept changing while this change was being made; try again.")

// change runs a change of the account with this id through the store's update seam: the caller must be allowed
// every action on the account as read (Decide), then rule changes it and adds to the transaction. If another
// change moves the account on meanwhile, the store reads it again and both are asked again. It answers the
// account as written.
func (s *Service) change(ctx context.Context, a actor.Actor, id string, actions []Action, rule func(acc *account.Account, tx *dynamo.Tx) error) (account.Account, error) {
	if err := reachable(a, id); err != nil {
		return account.Account{}, err
	}
	acc, err := s.store.UpdateAccount(ctx, id, func(acc *account.Account, tx *dynamo.Tx) error {
		for _, act := range actions {
			if d, why := decide(a.AccountID, a.Roles, *acc, act); d != Allowed {
				return why
			}
		}
		return rule(acc, tx)
	})
	switch {
	case errors.Is(err, fault.ErrNotFound):
		return account.Account{}, errNoAccount
	case errors.Is(err, dynamo.ErrAccountMoved):
		return account.Account{}, errMoved
	}
	return acc, err
}

// audited adds a change's audit events to its transaction: one on the account and, so that the log of the
// account above shows what happened below it, one on its parent.
func audited(tx *dynamo.Tx, a actor.Actor, acc account.Account, action audit.Action, details map[string]string, now time.Time) {
	on := []string{acc.ID}
	if acc.ParentID != "" {
		on = append(on, acc.ParentID)
	}
	for _, accountID := range on {
		tx.Audit(audit.Event{
			ID: secret.NewID(), AccountID: accountID, At: now, ActorID: a.UserID, Action: action,
			TargetType: audit.TargetAccount, TargetID: acc.ID, Details: details,
		})
	}
}
