package tree

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

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
	for range attempts {
		acc, err := s.authorize(ctx, a, id, Disable)
		if err != nil {
			return StatusChange{}, err
		}
		var (
			next   account.Account
			delta  = 1
			action = audit.AccountDisabled
			set    = map[string]types.AttributeValue{}
			remove []string
		)
		if disable {
			if acc.Status == account.Disabled {
				return StatusChange{}, errAlreadyDisabled
			}
			next = acc.Disable()
			set["statusBeforeDisable"] = dynamo.S(string(next.StatusBeforeDisable))
		} else {
			if acc.Status != account.Disabled {
				return StatusChange{}, errNotDisabled
			}
			contactActive, err := s.contactActive(ctx, acc)
			if err != nil {
				return StatusChange{}, err
			}
			next = acc.Enable(contactActive)
			delta, action, remove = -1, audit.AccountEnabled, []string{"statusBeforeDisable"}
		}
		set["status"] = dynamo.S(string(next.Status))
		items := []types.TransactWriteItem{dynamo.UpdateAccountItem(s.table, acc.ID, acc.Version, set, remove...)}
		for _, up := range acc.Ancestors {
			items = append(items, dynamo.MoveCounter(s.table, up, account.CounterDisabled, delta))
		}
		moved, err := s.commit(ctx, a, acc, items, action, map[string]string{"name": acc.Company.Name, "status": string(next.Status)}, s.clock.Now())
		if moved {
			continue
		}
		if dynamo.ConditionFailed(err) { // an ancestor's counter: the tree above is not there
			return StatusChange{}, errMoved
		}
		if err != nil {
			return StatusChange{}, err
		}
		s.log.InfoContext(ctx, string(action), "accountId", acc.ID, "actorId", a.UserID)
		return StatusChange{ID: acc.ID, Status: next.Status, Version: acc.Version + 1}, nil
	}
	return StatusChange{}, errMoved
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
