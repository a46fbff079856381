package member

import (
	"context"
	"errors"
	"slices"
	"strconv"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/invitation"
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

// errRemoveConflict answers a removal that kept losing races with other changes of the user or the account.
var errRemoveConflict = fault.New(fault.ErrConflict, "conflict", "The user or the account changed during the removal; try again.")

// Remove removes a user's access to an account: their membership is deleted in one transaction with the audit
// event, through the user's update seam. A session acting in the account ends at its next request
// (authentication checks the membership every time). A user with no account left is disabled in the same
// transaction and all their sessions end; they can be invited again later (their email keeps its login, see
// Invite). The last administrator of an account cannot be removed. The caller needs role.UsersManage over the
// account.
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
	// The user and the membership the removal decides on, in one read.
	if ctx, err = s.store.Prefetch(ctx, dynamo.UserRef(userID), dynamo.MembershipRef(userID, acc.ID)); err != nil {
		return Removed{}, err
	}
	called := false
	u, err := s.store.UpdateUser(ctx, userID, func(u *user.User, tx *dynamo.Tx) error {
		called = true
		return s.removal(ctx, a, acc, u, tx)
	})
	switch {
	case !called && errors.Is(err, fault.ErrNotFound): // no user, so no membership
		return Removed{}, errNotMember
	case errors.Is(err, dynamo.ErrUserStale):
		return Removed{}, errRemoveConflict
	case err != nil:
		return Removed{}, err
	}
	s.log.InfoContext(ctx, "user removed", "userId", userID, "accountId", acc.ID, "userStatus", u.Status)
	out := Removed{UserID: userID, AccountID: acc.ID, UserStatus: u.Status.Registration()}
	if u.Status == user.Disabled {
		// The removal stands even if ending the sessions fails: a disabled user's sessions are refused at their
		// next request anyway (authentication checks the user's status).
		if out.SessionsEnded, err = s.store.EndAllSessions(ctx, userID); err != nil {
			s.log.WarnContext(ctx, "sessions of a disabled user not ended", "userId", userID, "error", err.Error())
		}
	}
	return out, nil
}

// removal is the removal's rule on the user as read (u): the membership's deletion, with the check on another
// administrator when it holds the account's administrator role, and the user disabled if it was their last
// account, or moved to another home if it was their home. The user's version moves on either way, so two
// removals decided on the same reading of their memberships cannot both commit.
func (s *Service) removal(ctx context.Context, a actor.Actor, acc account.Account, u *user.User, tx *dynamo.Tx) error {
	m, err := s.store.Membership(ctx, u.ID, acc.ID)
	if errors.Is(err, fault.ErrNotFound) {
		return errNotMember
	}
	if err != nil {
		return err
	}
	if m.GrantID != "" {
		return errGrantMembership
	}
	accounts, err := s.store.MemberAccounts(ctx, u.ID)
	if err != nil {
		return err
	}
	others := slices.DeleteFunc(accounts, func(id string) bool { return id == acc.ID })

	tx.DeleteMember(m, dynamo.ErrUserStale)
	if err := s.leaveGroups(ctx, tx, m); err != nil {
		return err
	}
	if slices.Contains(m.Roles, role.AdminFor(string(acc.Kind))) {
		if err := s.requireAnotherAdmin(ctx, tx, acc, u.ID); err != nil {
			return err
		}
	}
	switch {
	case len(others) == 0:
		u.Status = user.Disabled
	case u.HomeAccountID == acc.ID:
		// Sessions start in the home account: it moves to one the user keeps.
		u.HomeAccountID = others[0]
	}
	tx.Audit(audit.Event{ID: secret.NewID(), AccountID: acc.ID, At: s.clock.Now(), ActorID: a.UserID,
		Action: audit.UserRemoved, TargetType: audit.TargetUser, TargetID: u.ID,
		Details: map[string]string{"roles": invitation.RoleNames(m.Roles), "userDisabled": strconv.FormatBool(u.Status == user.Disabled)}})
	return nil
}

// leaveGroups adds to tx taking a removed member out of the partner's staff groups their membership names, so
// that no group lists someone who has left (their access through the groups ended with the membership: the
// request check of staff reads it). A group changed meanwhile makes the removal decide again.
func (s *Service) leaveGroups(ctx context.Context, tx *dynamo.Tx, m user.Membership) error {
	for _, id := range m.StaffGroups {
		g, err := s.store.StaffGroup(dynamo.Fresh(ctx), m.AccountID, id)
		if errors.Is(err, fault.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if next := g.WithoutMember(m.UserID); next.Version != g.Version {
			tx.ReplaceGroup(g, next, dynamo.ErrUserStale)
		}
	}
	return nil
}
