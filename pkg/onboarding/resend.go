package onboarding

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/field"
	"github.com/partnerhub/partnerhub/pkg/invitation"
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
	// ResendProspect: the user's account is a prospect, whose people get their first link when it is converted.
	ResendProspect = "prospect"
	// ResendBounced and ResendComplained: the user's address bounced permanently, or its owner reported an email
	// as spam (user.Undeliverable); nothing is sent until the address changes or an email to it is delivered.
	ResendBounced    = "email_bounced"
	ResendComplained = "email_complained"
)

// Problems of a resend that names a single user whose address cannot take mail: such a request gets the problem
// rather than a list of one result, so the portal can say why.
var (
	errBounced = fault.New(fault.ErrConflict, "email-bounced",
		"This user's email address bounced: no email is sent to it. Correct the address first.")
	errComplained = fault.New(fault.ErrConflict, "email-complained",
		"This user reported our email as spam: no email is sent to them. Correct the address, or ask them to, first.")
)

// undeliverable is the resend outcome of a user whose address cannot take mail, or "".
func undeliverable(u user.User) string {
	switch {
	case !u.Undeliverable():
		return ""
	case u.EmailState.State == user.EmailComplained:
		return ResendComplained
	}
	return ResendBounced
}

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

// Resend sends new activation links to invited users, one result per distinct user id, in the order given. A user
// whose address bounced or complained gets nothing (email_bounced, email_complained; a request naming only that
// user is refused with the email-bounced or email-complained problem), and nothing about them changes.
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
	by, err := s.inviter(ctx, a)
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
	may := func(u user.User, home account.Account) bool {
		return visibleTo(a, home) && (a.Can(role.UsersManage) || a.Can(role.AccountsEdit) && home.ContactUserID == u.ID)
	}
	s.each(len(ids), func(i int) {
		results[i].UserID = ids[i]
		results[i].Status, errs[i] = s.resendOne(ctx, ids[i], may, by)
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if len(results) == 1 {
		switch results[0].Status {
		case ResendBounced:
			return nil, errBounced
		case ResendComplained:
			return nil, errComplained
		}
	}
	return results, nil
}

// errResendConflict answers a resend that kept losing races with other changes of the user.
var errResendConflict = fault.New(fault.ErrConflict, "conflict", "The users changed while their emails were being sent; try again.")

// resendOne re-issues one user's activation link if may allows it, through the user's update seam: the user
// points at a new token (decided again if another resend, an activation or the sweep got there first), the old
// token is marked replaced and leaves the expiry index, the new token and its email are written, and the audit
// log says who re-sent it.
func (s *Service) resendOne(ctx context.Context, userID string, may func(user.User, account.Account) bool, by invitation.Inviter) (string, error) {
	var (
		status string
		home   account.Account
		called bool
	)
	_, err := s.store.UpdateUser(ctx, userID, func(u *user.User, tx *dynamo.Tx) error {
		called = true
		var err error
		home, err = s.store.Account(ctx, u.HomeAccountID)
		switch {
		case errors.Is(err, fault.ErrNotFound):
			status = ResendNotFound
			return nil
		case err != nil:
			return err
		case !may(*u, home):
			status = ResendNotFound
			return nil
		case u.Status != user.Invited:
			status = ResendNotInvited
			return nil
		case home.Prospect():
			status = ResendProspect
			return nil
		case undeliverable(*u) != "":
			status = undeliverable(*u)
			return nil
		}
		now := s.clock.Now()
		if now.Sub(u.ActivationSentAt) < invitation.ResendInterval {
			status = ResendRateLimited
			return nil
		}
		roles, err := s.rolesIn(ctx, u.ID, home.ID)
		if err != nil {
			return err
		}
		replaced := u.ActivationTokenID
		if replaced != "" {
			switch old, err := s.store.Token(ctx, replaced); {
			case err == nil && old.Status == token.Pending:
				tx.ReplaceToken(old.ID, now, dynamo.ErrUserStale)
			case err != nil && !errors.Is(err, fault.ErrNotFound):
				return err
			}
		}
		tok := invitation.ActivationToken(secret.NewID(), *u, home.ID, by, now)
		msg := activationMail(*u, home, roles, tok, by, now)
		*u = invitation.Activated(*u, tok, msg.ID)
		tx.PutToken(tok, nil).
			Send(msg).
			Audit(audit.Event{ID: secret.NewID(), AccountID: home.ID, At: now, ActorID: by.UserID,
				Action: audit.UserActivationResent, TargetType: audit.TargetUser, TargetID: u.ID,
				Details: map[string]string{"replacedTokenId": replaced, "messageId": msg.ID}})
		status = ResendSent
		return nil
	})
	switch {
	case !called && errors.Is(err, fault.ErrNotFound):
		return ResendNotFound, nil
	case errors.Is(err, dynamo.ErrUserStale):
		return "", errResendConflict
	case err != nil:
		return "", err
	}
	if status == ResendSent {
		s.log.InfoContext(ctx, "activation resent", "userId", userID, "accountId", home.ID)
	}
	return status, nil
}

// rolesIn lists a user's roles in an account, for the email.
func (s *Service) rolesIn(ctx context.Context, userID, accountID string) ([]role.Name, error) {
	m, err := s.store.Membership(ctx, userID, accountID)
	if errors.Is(err, fault.ErrNotFound) {
		return nil, nil
	}
	return m.Roles, err
}
