package onboarding

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/field"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/token"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// MaxResend is the most users one resend request may name.
const MaxResend = 100

// Resend outcomes, one per user.
const (
	ResendSent        = "sent"         // a new link is on its way; the old one no longer works
	ResendNotInvited  = "not_invited"  // the user has already activated (or was disabled): nothing to resend
	ResendNotFound    = "not_found"    // no such user, or not one the actor administers
	ResendRateLimited = "rate_limited" // an activation email went out less than ResendInterval ago
)

// ResendRequest is the body of POST /v1/activation-emails.
type ResendRequest struct {
	UserIDs []string `json:"userIds"`
}

// Validate checks the list: present, at most MaxResend ids, each well-formed.
func (r *ResendRequest) Validate(v *fault.ValidationError) {
	switch {
	case v.Has("userIds"):
	case len(r.UserIDs) == 0:
		v.Add("userIds", field.CodeRequired, "Name at least one user.")
	case len(r.UserIDs) > MaxResend:
		v.Add("userIds", field.CodeTooMany, fmt.Sprintf("Name at most %d users per request.", MaxResend))
	}
	for i, id := range r.UserIDs {
		name := fmt.Sprintf("userIds[%d]", i)
		if !v.Has(name) && !secret.WellFormedID(strings.TrimSpace(id)) {
			v.Add(name, field.CodeInvalid, "This is not a user id.")
		}
	}
}

// ResendResult is the outcome for one user.
type ResendResult struct {
	UserID string `json:"userId"`
	Status string `json:"status"`
}

// resendWorkers bounds how many users one request handles at once.
const resendWorkers = 8

// Resend sends new activation links to invited users, one result per distinct user id, in the order given.
// A new link replaces the old one, which stops working, and its 72 hours start again. The actor must be allowed
// to manage users (or to edit accounts, for an account's point of contact) in an account at or above the
// user's home account; users outside that are reported not_found, so the answer reveals nothing about them.
func (s *Service) Resend(ctx context.Context, a actor.Actor, req ResendRequest) ([]ResendResult, error) {
	if a.Anonymous() {
		return nil, fault.ErrUnauthorized
	}
	v := &fault.ValidationError{}
	req.Validate(v)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if !a.Can(role.UsersManage) && !a.Can(role.AccountsEdit) {
		return nil, fault.New(fault.ErrForbidden, "forbidden", "Your role does not allow sending activation emails.")
	}
	inv, err := s.inviter(ctx, a)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, id := range req.UserIDs {
		if id = strings.TrimSpace(id); !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	results := make([]ResendResult, len(ids))
	errs := make([]error, len(ids))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(resendWorkers, len(ids)) {
		wg.Go(func() {
			for i := range next {
				results[i].UserID = ids[i]
				results[i].Status, errs[i] = s.resendOne(ctx, ids[i], func(u user.User, home account.Account) bool {
					return visibleTo(a, home) && (a.Can(role.UsersManage) || a.Can(role.AccountsEdit) && home.ContactUserID == u.ID)
				}, inv)
			}
		})
	}
	for i := range ids {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return results, nil
}

// resendAttempts bounds the retries of one user's resend after a concurrent change.
const resendAttempts = 3

// resendOne re-issues one user's activation link if may allows it.
func (s *Service) resendOne(ctx context.Context, userID string, may func(user.User, account.Account) bool, inv inviterInfo) (string, error) {
	for range resendAttempts {
		u, err := s.store.User(ctx, userID)
		if errors.Is(err, fault.ErrNotFound) {
			return ResendNotFound, nil
		}
		if err != nil {
			return "", err
		}
		home, err := s.store.Account(ctx, u.HomeAccountID)
		if errors.Is(err, fault.ErrNotFound) {
			return ResendNotFound, nil
		}
		if err != nil {
			return "", err
		}
		if !may(u, home) {
			return ResendNotFound, nil
		}
		if u.Status != user.Invited {
			return ResendNotInvited, nil
		}
		now := s.clock.Now()
		if now.Sub(u.ActivationSentAt) < ResendInterval {
			return ResendRateLimited, nil
		}
		items, err := s.reissueItems(ctx, u, home, inv)
		if err != nil {
			return "", err
		}
		err = s.store.Transact(ctx, items)
		if err == nil {
			s.log.InfoContext(ctx, "activation resent", "userId", u.ID, "accountId", home.ID)
			return ResendSent, nil
		}
		if !dynamo.ConditionFailed(err) && !dynamo.Contended(err) {
			return "", err
		}
		// Another resend, an activation or the sweep got there first: look again.
	}
	return "", fault.New(fault.ErrConflict, "conflict", "The users changed while their emails were being sent; try again.")
}

// reissueItems is the transaction of one resend: the user points at a new token (only if nobody re-sent since
// it was read), the old token is marked replaced and leaves the expiry index, the new token and its email are
// written, and the audit log says who re-sent it.
func (s *Service) reissueItems(ctx context.Context, u user.User, home account.Account, inv inviterInfo) ([]types.TransactWriteItem, error) {
	now := s.clock.Now()
	roles, err := s.rolesIn(ctx, u.ID, home.ID)
	if err != nil {
		return nil, err
	}
	tok := newActivationToken(u.ID, home.ID, inv.UserID, inv.AccountID, now)
	msg := activationMessage(u, home, roles, tok, inv, now)
	reissue, err := dynamo.ReissueActivation(s.table, dynamo.ActivationReissue{
		UserID: u.ID, OldTokenID: u.ActivationTokenID, OldSentAt: u.ActivationSentAt,
		NewTokenID: tok.ID, MessageID: msg.ID, At: now,
	})
	if err != nil {
		return nil, err
	}
	items := []types.TransactWriteItem{reissue}
	if u.ActivationTokenID != "" {
		old, err := s.token(ctx, u.ActivationTokenID)
		switch {
		case err == nil && old.Status == token.Pending:
			items = append(items, closeToken(s.table, old.ID, token.Replaced, now, false))
		case err != nil && !errors.Is(err, fault.ErrNotFound):
			return nil, err
		}
	}
	tokItem, err := putToken(s.table, tok)
	if err != nil {
		return nil, err
	}
	msgItem, err := outbox.Put(s.table, msg)
	if err != nil {
		return nil, err
	}
	event, err := dynamo.AuditPut(s.table, audit.Event{ID: secret.NewID(), AccountID: home.ID, At: now, ActorID: inv.UserID,
		Action: "user.activation_resent", TargetType: "user", TargetID: u.ID,
		Details: map[string]string{"replacedTokenId": u.ActivationTokenID, "messageId": msg.ID}})
	if err != nil {
		return nil, err
	}
	return append(items, tokItem, msgItem, event), nil
}

// rolesIn lists a user's roles in an account, for the email.
func (s *Service) rolesIn(ctx context.Context, userID, accountID string) ([]role.Name, error) {
	m, err := s.store.Membership(ctx, userID, accountID)
	if errors.Is(err, fault.ErrNotFound) {
		return nil, nil
	}
	return m.Roles, err
}
