package onboarding

import (
	"context"
	"errors"

	"github.com/partnerhub/partnerhub/pkg/access"
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

// Converted is the answer of converting a prospect: the account, now a customer.
type Converted struct {
	ID     string         `json:"id"`
	Stage  string         `json:"stage"`
	Status account.Status `json:"status"`
	// ContactInvited says whether the conversion sent the point of contact their activation email (false when
	// the contact was removed meanwhile).
	ContactInvited bool `json:"contactInvited"`
	Version        int  `json:"version"`
}

// errNoAccount answers an account that does not exist and one outside the caller's tree alike (a conversion, a
// resend to every match).
var errNoAccount = fault.New(fault.ErrNotFound, "account-not-found", "There is no such account in your part of the tree.")

// Problems of a conversion.
var (
	errNotProspect  = fault.New(fault.ErrConflict, "not-a-prospect", "This account is not a prospect: it is a customer already, or not a customer account.")
	errConvertRole  = fault.New(fault.ErrForbidden, "forbidden", "Only an administrator who may create customers and edit accounts converts a prospect.")
	errConvertReach = fault.New(fault.ErrForbidden, "not-direct-child",
		"You can convert only the prospects directly below your account; the Account Actions Control right extends this to your whole subtree.")
	errConvertDisabled = fault.New(fault.ErrConflict, "account-disabled", "This prospect is disabled: enable it before converting it.")
	errConvertMoved    = fault.New(fault.ErrConflict, "conflict", "The account kept changing while it was being converted; try again.")
)

// Convert converts a prospect to a customer: the deal is signed. The account keeps its id, name, users and
// history; in one transaction, through the account's update seam, its stage becomes customer, every account
// above it counts one prospect less and one customer more, the audit logs of the account and its parent say who
// converted it (account.converted, published as Account Converted), and its point of contact — recorded when the
// prospect was created but not invited — gets their activation link and email.
//
// Only an administrator converts (access.Converts): role.CustomersCreate and role.AccountsEdit, on a direct
// child (or anywhere below with Account Actions Control). A holder of the Prospects role alone creates prospects
// but cannot convert them. Converting what is not a prospect is 409 not-a-prospect; two conversions at once
// convert once (the second reads the account again, finds a customer and answers not-a-prospect), so the
// counters move once.
func (s *Service) Convert(ctx context.Context, a actor.Actor, id string) (Converted, error) {
	if a.Anonymous() {
		return Converted{}, fault.ErrUnauthorized
	}
	if !secret.WellFormedID(id) {
		return Converted{}, errNoAccount
	}
	by, err := s.inviter(ctx, a)
	if err != nil {
		return Converted{}, err
	}
	var invited bool
	acc, err := s.store.UpdateAccount(ctx, id, func(acc *account.Account, tx *dynamo.Tx) error {
		invited = false
		switch {
		case !access.Sees(a, *acc):
			return errNoAccount
		case !a.Can(role.CustomersCreate) || !a.Can(role.AccountsEdit):
			return errConvertRole
		case !access.Converts(a, *acc):
			return errConvertReach
		case !acc.Prospect():
			return errNotProspect
		case acc.Status == account.Disabled:
			return errConvertDisabled
		}
		now := s.clock.Now()
		converted, err := acc.Convert()
		if err != nil {
			return errNotProspect
		}
		for _, up := range acc.Ancestors {
			tx.ConvertCount(up, account.CounterProspects, account.CounterFor(account.Customer), errTreeMoved)
		}
		*acc = converted
		if invited, err = s.inviteContact(ctx, *acc, by, tx); err != nil {
			return err
		}
		for _, on := range []string{acc.ID, acc.ParentID} {
			tx.Audit(audit.Event{ID: secret.NewID(), AccountID: on, At: now, ActorID: a.UserID, Action: audit.AccountConverted,
				TargetType: audit.TargetAccount, TargetID: acc.ID,
				Details: map[string]string{"name": acc.Company.Name, "parentId": acc.ParentID, "contactUserId": acc.ContactUserID}})
		}
		return nil
	})
	switch {
	case errors.Is(err, fault.ErrNotFound):
		return Converted{}, errNoAccount
	case errors.Is(err, dynamo.ErrAccountMoved), errors.Is(err, errTreeMoved):
		return Converted{}, errConvertMoved
	case err != nil:
		return Converted{}, err
	}
	s.log.InfoContext(ctx, "prospect converted", "accountId", acc.ID, "actorId", a.UserID, "contactInvited", invited)
	return Converted{ID: acc.ID, Stage: acc.Stage.String(), Status: acc.Status, ContactInvited: invited, Version: acc.Version}, nil
}

// inviteContact adds to a conversion's transaction the invitation its prospect's point of contact was held back
// from at creation: a link token, its email and the user pointing at it, written only while the user is as read
// (else the conversion is decided again). A contact who is no longer an invited user of the account without a
// link (removed meanwhile) gets nothing; invited reports whether one was sent.
func (s *Service) inviteContact(ctx context.Context, acc account.Account, by invitation.Inviter, tx *dynamo.Tx) (invited bool, err error) {
	if acc.ContactUserID == "" {
		return false, nil
	}
	u, err := s.store.User(ctx, acc.ContactUserID)
	switch {
	case errors.Is(err, fault.ErrNotFound):
		return false, nil
	case err != nil:
		return false, err
	case u.Status != user.Invited || u.HomeAccountID != acc.ID || u.ActivationTokenID != "":
		return false, nil
	}
	roles, err := s.rolesIn(ctx, u.ID, acc.ID)
	if err != nil {
		return false, err
	}
	if len(roles) == 0 {
		return false, nil // no longer a member of the account
	}
	now := s.clock.Now()
	tok := invitation.ActivationToken(secret.NewID(), u, acc.ID, by, now)
	msg := activationMail(u, acc, roles, tok, by, now)
	tx.ChangeUser(u, invitation.Activated(u, tok, msg.ID), dynamo.ErrReadAgain).
		PutToken(tok, nil).
		Send(msg)
	return true, nil
}
