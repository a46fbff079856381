package tree

import (
	"context"
	"errors"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// StatusChange is the answer of disabling or enabling an account.
type StatusChange struct {
	ID      string         `json:"id"`
	Status  account.Status `json:"status"`
	Version int            `json:"version"`
}

var (
	errAlreadyDisabled = fault.New(fault.ErrConflict, "already-disabled", "The account is already disabled.")
	errNotDisabled     = fault.New(fault.ErrConflict, "not-disabled", "The account is not disabled.")
)

// Disable disables an account: its people cannot sign in and their sessions end at their next request, and so
// for every account below it, until it is enabled again. The account keeps the status it had, and every account
// above it counts one more disabled account, in the same transaction.
func (s *Service) Disable(ctx context.Context, a actor.Actor, id string) (StatusChange, error) {
	return s.setStatus(ctx, a, id, true)
}

// Enable enables a disabled account again, in the status it had (pending stays pending unless its contact has
// activated meanwhile); what lies below it comes back with it.
func (s *Service) Enable(ctx context.Context, a actor.Actor, id string) (StatusChange, error) {
	return s.setStatus(ctx, a, id, false)
}

func (s *Service) setStatus(ctx context.Context, a actor.Actor, id string, disable bool) (StatusChange, error) {
	action := audit.AccountDisabled
	if !disable {
		action = audit.AccountEnabled
	}
	acc, err := s.change(ctx, a, id, []Action{Disable}, func(acc *account.Account, tx *dynamo.Tx) error {
		old, delta := *acc, 1
		if disable {
			if acc.Status == account.Disabled {
				return errAlreadyDisabled
			}
			*acc = acc.Disable()
		} else {
			if acc.Status != account.Disabled {
				return errNotDisabled
			}
			contactActive, err := s.contactActive(ctx, *acc)
			if err != nil {
				return err
			}
			*acc, delta = acc.Enable(contactActive), -1
		}
		for _, up := range acc.Ancestors {
			tx.MoveCounter(up, account.CounterDisabled, delta, errMoved) // the tree above is not there
		}
		audited(tx, a, old, action, map[string]string{"name": acc.Company.Name, "status": string(acc.Status)}, s.clock.Now())
		return nil
	})
	if err != nil {
		return StatusChange{}, err
	}
	s.log.InfoContext(ctx, string(action), "accountId", acc.ID, "actorId", a.UserID)
	return StatusChange{ID: acc.ID, Status: acc.Status, Version: acc.Version}, nil
}

// contactActive reports whether an account's point of contact has activated.
func (s *Service) contactActive(ctx context.Context, acc account.Account) (bool, error) {
	if acc.ContactUserID == "" {
		return false, nil
	}
	u, err := s.store.User(ctx, acc.ContactUserID)
	if errors.Is(err, fault.ErrNotFound) {
		return false, nil
	}
	return err == nil && u.Status == user.Active, err
}
