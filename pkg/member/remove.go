package member

import (
	"context"
	"errors"
	"slices"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// Removed is the answer to a removal.
type Removed struct {
	UserID    string `json:"userId"`
	AccountID string `json:"accountId"`
	// UserStatus is the user's status afterwards: disabled if that was their last account.
	UserStatus string `json:"userStatus"`
	// SessionsEnded counts the sessions ended at once (a disabled user's); a session acting in the account while
	// the user keeps others ends at its next request.
	SessionsEnded int `json:"sessionsEnded"`
}

// removeAttempts bounds the retries of a removal that raced with another change of the same user or account.
const removeAttempts = 3

// Remove removes a user's access to an account: their membership is deleted in one transaction with the audit
// event. A session acting in the account ends at its next request (authentication checks the membership every
// time). A user with no account left is disabled in the same transaction and all their sessions end; they can
// be invited again later (their email keeps its login, see Invite). The last administrator of an account cannot
// be removed. The caller needs role.UsersManage over the account.
func (s *Service) Remove(ctx context.Context, a actor.Actor, accountID, userID string) (Removed, error) {
	if err := need(a, role.UsersManage); err != nil {
		return Removed{}, err
	}
	acc, err := s.managed(ctx, a, accountID)
	if err != nil {
		return Removed{}, err
	}
	if !secret.WellFormedID(userID) {
		return Removed{}, errNotMember
	}
	for range removeAttempts {
		out, err := s.removeOnce(ctx, a, acc, userID)
		if errors.Is(err, errRace) {
			continue
		}
		if err != nil || out.UserStatus != StatusDisabled {
			return out, err
		}
		// The removal stands even if ending the sessions fails: a disabled user's sessions are refused at their
		// next request anyway (authentication checks the user's status).
		if out.SessionsEnded, err = s.store.EndAllSessions(ctx, userID); err != nil {
			s.log.WarnContext(ctx, "sessions of a disabled user not ended", "userId", userID, "error", err.Error())
		}
		return out, nil
	}
	return Removed{}, fault.New(fault.ErrConflict, "conflict", "The user or the account changed during the removal; try again.")
}

func (s *Service) removeOnce(ctx context.Context, a actor.Actor, acc account.Account, userID string) (Removed, error) {
	accountID := acc.ID
	m, err := s.store.Membership(ctx, userID, accountID)
	if errors.Is(err, fault.ErrNotFound) {
		return Removed{}, errNotMember
	}
	if err != nil {
		return Removed{}, err
	}
	if m.GrantID != "" {
		return Removed{}, errGrantMembership
	}
	u, err := s.store.User(ctx, userID)
	if err != nil {
		return Removed{}, err
	}
	accounts, err := s.store.MemberAccounts(ctx, userID)
	if err != nil {
		return Removed{}, err
	}
	others := slices.DeleteFunc(accounts, func(id string) bool { return id == accountID })

	items := []types.TransactWriteItem{dynamo.DeleteMember(s.table, userID, accountID)}
	if slices.Contains(m.Roles, role.AdminFor(string(acc.Kind))) {
		check, err := s.anotherAdmin(ctx, acc, userID)
		if err != nil {
			return Removed{}, err
		}
		items = append(items, check)
	}
	status := u.Status
	switch {
	case len(others) == 0:
		status = user.Disabled
		items = append(items, dynamo.DisableUser(s.table, u))
	case u.HomeAccountID == accountID:
		// Sessions start in the home account: it moves to one the user keeps.
		items = append(items, dynamo.RehomeUser(s.table, u, others[0]))
	default:
		items = append(items, dynamo.RehomeUser(s.table, u, u.HomeAccountID))
	}
	now := s.clock.Now()
	event, err := dynamo.AuditPut(s.table, audit.Event{ID: secret.NewID(), AccountID: accountID, At: now, ActorID: a.UserID,
		Action: "user.removed", TargetType: "user", TargetID: userID,
		Details: map[string]string{"roles": joinRoles(m.Roles), "userDisabled": strconv.FormatBool(status == user.Disabled)}})
	if err != nil {
		return Removed{}, err
	}
	items = append(items, event)
	if err := s.store.Transact(ctx, items); err != nil {
		if dynamo.ConditionFailed(err) {
			return Removed{}, errRace
		}
		return Removed{}, err
	}
	s.log.InfoContext(ctx, "user removed", "userId", userID, "accountId", accountID, "userStatus", status)
	return Removed{UserID: userID, AccountID: accountID, UserStatus: status.Registration()}, nil
}
