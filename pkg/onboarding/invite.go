package onboarding

// What creating an account and bootstrapping the platform share: a new account with its first user, who is
// invited by an activation email.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/token"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// inviterInfo names who sends an invitation, for the email and for the person who later asks for a new link.
type inviterInfo struct {
	UserID      string
	Name        string
	AccountID   string
	AccountName string
}

// inviter reads the acting user's name and the name of the account they act in.
func (s *Service) inviter(ctx context.Context, a actor.Actor, known ...account.Account) (inviterInfo, error) {
	inv := inviterInfo{UserID: a.UserID, AccountID: a.AccountID}
	u, err := s.store.User(ctx, a.UserID)
	switch {
	case err == nil:
		inv.Name = u.Name
	case !errors.Is(err, fault.ErrNotFound):
		return inv, err
	}
	for _, acc := range known {
		if acc.ID == a.AccountID {
			inv.AccountName = acc.Company.Name
			return inv, nil
		}
	}
	acc, err := s.store.Account(ctx, a.AccountID)
	switch {
	case err == nil:
		inv.AccountName = acc.Company.Name
	case !errors.Is(err, fault.ErrNotFound):
		return inv, err
	}
	return inv, nil
}

// invitee is a new user with their one role in the new account.
type invitee struct {
	user.User
	Role role.Name
}

// accountPlan is the part of a new account's transaction that Create and Bootstrap share: the account, its
// name and email guards, the contact, their membership, their activation token and its email.
type accountPlan struct {
	items        []types.TransactWriteItem
	companyGuard int // index of the company-name guard in items
	emailGuard   int // index of the email guard in items
}

// newAccountPlan builds the shared records. It also sets the contact's activation token and message ids.
func (s *Service) newAccountPlan(acc account.Account, contact invitee, inv inviterInfo, now time.Time) (accountPlan, error) {
	tok := newActivationToken(contact.ID, acc.ID, inv.UserID, inv.AccountID, now)
	msg := activationMessage(contact.User, acc, []role.Name{contact.Role}, tok, inv, now)
	contact.ActivationTokenID = tok.ID
	contact.ActivationSentAt = now
	contact.ActivationMessageID = msg.ID

	var plan accountPlan
	var errs []error
	put := func(item map[string]types.AttributeValue, err error) int {
		errs = append(errs, err)
		plan.items = append(plan.items, dynamo.PutNew(s.table, item))
		return len(plan.items) - 1
	}
	put(dynamo.AccountItem(acc))
	plan.companyGuard = put(dynamo.CompanyGuardItem(acc.Company.Name, acc.ID))
	plan.emailGuard = put(dynamo.EmailGuardItem(contact.Email, contact.ID))
	put(dynamo.UserItem(contact.User))
	put(dynamo.MembershipItem(user.MembershipOf(contact.User, acc, []role.Name{contact.Role}, now)))
	tokItem, err := putToken(s.table, tok)
	errs = append(errs, err)
	msgItem, err := outbox.Put(s.table, msg)
	errs = append(errs, err)
	plan.items = append(plan.items, tokItem, msgItem)
	return plan, errors.Join(errs...)
}

// taken names the unique values a cancelled transaction found taken, or returns nil.
func (p accountPlan) taken(err error, companyName, email string) error {
	var fields []string
	var what []string
	if dynamo.FailedAt(err, p.companyGuard) {
		fields = append(fields, "company.name")
		what = append(what, fmt.Sprintf("an account named %q", companyName))
	}
	if dynamo.FailedAt(err, p.emailGuard) {
		fields = append(fields, "contact.email")
		what = append(what, fmt.Sprintf("a user with the email address %s", email))
	}
	if len(fields) == 0 {
		return nil
	}
	slug := "company-name-taken"
	if fields[0] == "contact.email" {
		slug = "email-taken"
	}
	detail := "There is already " + strings.Join(what, ", and ") + ". Names and email addresses are unique, whatever their case."
	return fault.New(fault.ErrConflict, slug, detail).With("fields", fields)
}

// activationMessage is the outbox message that sends a user their activation link.
func activationMessage(u user.User, acc account.Account, roles []role.Name, tok token.Token, inv inviterInfo, now time.Time) outbox.Message {
	titles := make([]string, 0, len(roles))
	for _, n := range roles {
		if r, ok := role.Find(n); ok {
			titles = append(titles, r.Title)
		}
	}
	data := map[string]string{
		"name":               u.Name,
		"email":              u.Email,
		"accountName":        acc.Company.Name,
		"accountKind":        string(acc.Kind),
		"roles":              strings.Join(titles, ", "),
		"expiresAt":          tok.ExpiresAt.UTC().Format(time.RFC3339),
		"inviterName":        inv.Name,
		"inviterAccountName": inv.AccountName,
	}
	// "inviter" is the template's optional sentence subject: "Jane Doe (Acme MSP) has invited you".
	if inv.Name != "" {
		data["inviter"] = inv.Name
		if inv.AccountName != "" {
			data["inviter"] += " (" + inv.AccountName + ")"
		}
	}
	return outbox.Message{
		ID:       secret.NewID(),
		Template: "activation",
		To:       u.Email,
		UserID:   u.ID,
		// The email is about the account the user joins and carries that account's branding.
		AccountID:      acc.ID,
		BrandAccountID: acc.ID,
		SecretRef:      secret.LinkRef(secret.PurposeActivation, tok.ID),
		Data:           data,
		Status:         outbox.StatusPending,
		CreatedAt:      now,
	}
}
