package onboarding

// What creating an account and bootstrapping the platform share: a new account with its first user, who is
// invited by an activation email.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/invitation"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/token"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// inviter names the acting user and the account they act in: who sends an invitation, for the email and for the
// person who later asks for a new link.
func (s *Service) inviter(ctx context.Context, a actor.Actor, known ...account.Account) (invitation.Inviter, error) {
	by := invitation.Inviter{UserID: a.UserID, AccountID: a.AccountID}
	u, err := s.store.User(ctx, a.UserID)
	switch {
	case err == nil:
		by.Name = u.Name
	case !errors.Is(err, fault.ErrNotFound):
		return by, err
	}
	for _, acc := range known {
		if acc.ID == a.AccountID {
			by.AccountName = acc.Company.Name
			return by, nil
		}
	}
	acc, err := s.store.Account(ctx, a.AccountID)
	switch {
	case err == nil:
		by.AccountName = acc.Company.Name
	case !errors.Is(err, fault.ErrNotFound):
		return by, err
	}
	return by, nil
}

// invitee is a new user with their one role in the new account.
type invitee struct {
	user.User
	Role role.Name
}

// What a new account's transaction means when one of its guards fails.
var (
	errNameTaken  = errors.New("company name taken")
	errEmailTaken = errors.New("email taken")
)

// newAccount adds to tx the part of a new account's transaction that Create and Bootstrap share: the account, its
// name's guard (errNameTaken), the contact with their email's guard (errEmailTaken), their membership, their
// activation token and its email.
//
// A prospect's contact is recorded (the address is reserved, the membership ready) but not invited: no link and
// no email until the prospect is converted (Convert sends them). A would-be customer's contact has not agreed to
// anything yet; an email inviting them into a portal where their company cannot do anything would be noise at
// best, and the partner working the deal decides when they hear from the platform.
func (s *Service) newAccount(tx *dynamo.Tx, acc account.Account, contact invitee, by invitation.Inviter, now time.Time) *dynamo.Tx {
	u := contact.User
	tx.PutAccount(acc, nil).
		ReserveCompanyName(acc.Company.Name, acc.ID, errNameTaken)
	if !acc.Prospect() {
		tok := invitation.ActivationToken(secret.NewID(), u, acc.ID, by, now)
		msg := activationMail(u, acc, []role.Name{contact.Role}, tok, by, now)
		u = invitation.Activated(u, tok, msg.ID)
		tx.PutToken(tok, nil).Send(msg)
	}
	return tx.
		PutUser(u, errEmailTaken).
		PutMembership(user.MembershipOf(u, acc, []role.Name{contact.Role}, now), nil)
}

// taken is the answer to a new account whose name (nameTaken) or contact's email address (err is errEmailTaken)
// another account or user has. When the name is taken, the address is looked up too, so that one answer names
// both; nil if err says neither.
func (s *Service) taken(ctx context.Context, err error, companyName, email string) error {
	nameTaken, emailTaken := errors.Is(err, errNameTaken), errors.Is(err, errEmailTaken)
	if !nameTaken && !emailTaken {
		return nil
	}
	if nameTaken {
		_, uerr := s.store.UserByEmail(ctx, email)
		emailTaken = uerr == nil
	}
	var fields, what []string
	if nameTaken {
		fields = append(fields, "company.name")
		what = append(what, fmt.Sprintf("an account named %q", companyName))
	}
	if emailTaken {
		fields = append(fields, "contact.email")
		what = append(what, fmt.Sprintf("a user with the email address %s", email))
	}
	slug := "company-name-taken"
	if fields[0] == "contact.email" {
		slug = "email-taken"
	}
	detail := "There is already " + strings.Join(what, ", and ") + ". Names and email addresses are unique, whatever their case."
	return fault.New(fault.ErrConflict, slug, detail).With("fields", fields)
}

// activationMail is the email that sends a user their activation link. It is about the account the user joins
// and carries that account's branding.
func activationMail(u user.User, acc account.Account, roles []role.Name, tok token.Token, by invitation.Inviter, now time.Time) outbox.Message {
	return outbox.New(outbox.Envelope{
		ID: secret.NewID(), To: u.Email, UserID: u.ID, AccountID: acc.ID, BrandAccountID: acc.ID,
		SecretRef: secret.LinkRef(secret.PurposeActivation, tok.ID),
	}, outbox.Activation{
		Name: u.Name, Email: u.Email, AccountName: acc.Company.Name, AccountKind: string(acc.Kind),
		Roles: invitation.RoleTitles(roles), ExpiresAt: tok.ExpiresAt, InviterName: by.Name, InviterAccountName: by.AccountName,
	}, now)
}
