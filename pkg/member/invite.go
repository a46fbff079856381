package member

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/field"
	"github.com/partnerhub/partnerhub/pkg/onboarding"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/token"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// InvitationTTL is how long a membership invitation's link works.
const InvitationTTL = 72 * time.Hour

// Kinds of invitation.
const (
	// ByActivation: the email had no login; a new, unregistered user is in the list now and gets an activation
	// email. A disabled user with no account left is invited back the same way.
	ByActivation = "activation"
	// ByMembership: the email already has a login; they get an invitation to accept, and join the account when
	// they do.
	ByMembership = "membership"
)

// InviteRequest is the body of POST /v1/accounts/{id}/users.
type InviteRequest struct {
	Name   string   `json:"name"`
	Email  string   `json:"email"`
	Phone  string   `json:"phone"`
	Mobile string   `json:"mobile"`
	Roles  []string `json:"roles"`
}

// check checks every field for an account of kind, trimming them; it returns the roles.
func (r *InviteRequest) check(v *fault.ValidationError, kind account.Kind) []role.Name {
	r.Name = field.Text(v, "name", r.Name, true, field.MaxPersonName)
	r.Email = field.Email(v, "email", r.Email)
	r.Phone = field.Phone(v, "phone", r.Phone)
	r.Mobile = field.Phone(v, "mobile", r.Mobile)
	return checkRoles(v, "roles", r.Roles, kind)
}

// Invited is the answer to an invitation.
type Invited struct {
	UserID     string `json:"userId"`
	Invitation string `json:"invitation"` // activation or membership
	// Status is the new row's status (unregistered) for an activation; empty for a membership, which adds no row
	// until it is accepted.
	Status    string    `json:"status,omitempty"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// Problems of invitations.
var (
	errAlreadyMember = fault.New(fault.ErrConflict, "already-member", "This person is already a user of the account.")
	errUserDisabled  = fault.New(fault.ErrConflict, "user-disabled",
		"This person's login is disabled; ask an administrator of one of their accounts to restore it.")
)

// inviteAttempts bounds the retries of an invitation that raced with another change of the same person.
const inviteAttempts = 3

// Invite invites a person into an account with roles. The caller needs role.UsersManage over the account and
// may grant only roles it could hold (role.MayAssign). A new email gets a user, a membership and an activation
// email in one transaction, as account creation does (onboarding.InviteUser). An email that already has a
// login gets no second one: the person receives an invitation to accept while signed in (72 hours, single use;
// inviting again replaces it, at most once per onboarding.ResendInterval). A disabled user with no account left
// is invited back as a new user. problems holds what decoding the body found wrong (nil if nothing); one answer
// names every bad field.
func (s *Service) Invite(ctx context.Context, a actor.Actor, accountID string, req InviteRequest, problems *fault.ValidationError) (Invited, error) {
	if err := need(a, role.UsersManage); err != nil {
		return Invited{}, err
	}
	acc, err := s.managed(ctx, a, accountID)
	if err != nil {
		return Invited{}, err
	}
	v := problems
	if v == nil {
		v = &fault.ValidationError{}
	}
	roles := req.check(v, acc.Kind)
	if err := v.Err(); err != nil {
		return Invited{}, err
	}
	if err := mayGrant(a, roles, acc.Kind); err != nil {
		return Invited{}, err
	}
	if acc.Status == account.Disabled {
		return Invited{}, onboarding.ErrAccountDisabled
	}
	m := onboarding.NewMember{Name: req.Name, Email: req.Email, Phone: req.Phone, Mobile: req.Mobile, Roles: roles}
	for range inviteAttempts {
		out, err := s.inviteOnce(ctx, a, acc, m)
		if !errors.Is(err, errRace) {
			return out, err
		}
	}
	return Invited{}, fault.New(fault.ErrConflict, "conflict", "This person's login changed while they were being invited; try again.")
}

// errRace says an invitation lost a race with another change of the same person: look again.
var errRace = errors.New("invitation raced")

func (s *Service) inviteOnce(ctx context.Context, a actor.Actor, acc account.Account, m onboarding.NewMember) (Invited, error) {
	u, err := s.store.UserByEmail(ctx, m.Email)
	if errors.Is(err, fault.ErrNotFound) {
		u, err = s.onboarding.InviteUser(ctx, a, acc, m)
		if errors.Is(err, onboarding.ErrEmailTaken) {
			return Invited{}, errRace
		}
		if err != nil {
			return Invited{}, err
		}
		return Invited{UserID: u.ID, Invitation: ByActivation, Status: StatusUnregistered, ExpiresAt: u.ActivationSentAt.Add(onboarding.ActivationTTL).Truncate(time.Second).UTC()}, nil
	}
	if err != nil {
		return Invited{}, err
	}
	switch _, err := s.store.Membership(ctx, u.ID, acc.ID); {
	case err == nil:
		return Invited{}, errAlreadyMember.With("userId", u.ID)
	case !errors.Is(err, fault.ErrNotFound):
		return Invited{}, err
	}
	if u.Status == user.Disabled {
		accounts, err := s.store.MemberAccounts(ctx, u.ID)
		if err != nil {
			return Invited{}, err
		}
		if len(accounts) > 0 {
			return Invited{}, errUserDisabled
		}
		u, err = s.onboarding.ReinviteUser(ctx, a, acc, u, m)
		if errors.Is(err, fault.ErrStaleVersion) {
			return Invited{}, errRace
		}
		if err != nil {
			return Invited{}, err
		}
		return Invited{UserID: u.ID, Invitation: ByActivation, Status: StatusUnregistered, ExpiresAt: u.ActivationSentAt.Add(onboarding.ActivationTTL).Truncate(time.Second).UTC()}, nil
	}
	return s.inviteLogin(ctx, a, acc, u, m.Roles)
}

// inviteLogin invites an existing login into an account: an invitation item, a membership token and the
// "membership" email, in one transaction that also checks the person did not become a member meanwhile.
func (s *Service) inviteLogin(ctx context.Context, a actor.Actor, acc account.Account, u user.User, roles []role.Name) (Invited, error) {
	now := s.clock.Now()
	prev, found, err := s.store.Invitation(ctx, u.ID, acc.ID)
	if err != nil {
		return Invited{}, err
	}
	var items []types.TransactWriteItem
	var replaces *dynamo.Invitation
	if found {
		if wait := onboarding.ResendInterval - now.Sub(prev.SentAt); wait > 0 {
			return Invited{}, &fault.Error{Kind: fault.ErrRateLimited, Slug: "rate-limited", RetryAfter: wait,
				Detail: "This person was invited a moment ago; wait a minute before sending the invitation again."}
		}
		replaces = &prev
		var old token.Token
		switch ok, err := dynamo.Get(ctx, s.db, s.table, table.TokenKey(prev.TokenID), &old); {
		case err != nil:
			return Invited{}, err
		case ok && old.Status == token.Pending:
			// The old link dies with the new one, as a resent activation link does.
			items = append(items, onboarding.ReplaceToken(s.table, old.ID, now))
		}
	}
	inv, err := s.inviter(ctx, a, acc)
	if err != nil {
		return Invited{}, err
	}
	tok := onboarding.NewLinkToken(secret.PurposeMembership, u.ID, acc.ID, a.UserID, a.AccountID, now, InvitationTTL)
	msg := membershipMessage(u, acc, roles, tok, inv, now)
	record := dynamo.Invitation{
		UserID: u.ID, AccountID: acc.ID, Roles: roles, TokenID: tok.ID, InvitedBy: a.UserID, InviterAccountID: a.AccountID,
		SentAt: now, ExpiresAt: tok.ExpiresAt, MessageID: msg.ID,
	}
	invItem, err := dynamo.PutInvitation(s.table, record, replaces)
	if err != nil {
		return Invited{}, err
	}
	tokItem, err := onboarding.PutToken(s.table, tok)
	if err != nil {
		return Invited{}, err
	}
	msgItem, err := outbox.Put(s.table, msg)
	if err != nil {
		return Invited{}, err
	}
	event, err := dynamo.AuditPut(s.table, audit.Event{ID: secret.NewID(), AccountID: acc.ID, At: now, ActorID: a.UserID,
		Action: "membership.invited", TargetType: "user", TargetID: u.ID, Details: map[string]string{"roles": joinRoles(roles), "tokenId": tok.ID}})
	if err != nil {
		return Invited{}, err
	}
	first := len(items)
	items = append(items, invItem, notMember(s.table, u.ID, acc.ID), onboarding.AccountOpen(s.table, acc.ID), tokItem, msgItem, event)
	switch err := s.store.Transact(ctx, items); {
	case err == nil:
	case dynamo.FailedAt(err, first+1):
		return Invited{}, errAlreadyMember.With("userId", u.ID)
	case dynamo.FailedAt(err, first+2):
		return Invited{}, onboarding.ErrAccountDisabled
	case dynamo.ConditionFailed(err):
		return Invited{}, errRace // another invitation, or the sweep, moved the old one
	default:
		return Invited{}, err
	}
	s.log.InfoContext(ctx, "membership invitation sent", "userId", u.ID, "accountId", acc.ID, "tokenId", tok.ID)
	return Invited{UserID: u.ID, Invitation: ByMembership, ExpiresAt: tok.ExpiresAt.UTC()}, nil
}

// notMember is the transaction item that holds only while a user is not a member of an account.
func notMember(tableName, userID, accountID string) types.TransactWriteItem {
	return types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName:           aws.String(tableName),
		Key:                 table.MembershipKey(userID, accountID).AV(),
		ConditionExpression: aws.String("attribute_not_exists(pk)"),
	}}
}

// inviter names who sends an invitation, for the email: "Jane Doe (Acme MSP)".
type inviter struct {
	Name, AccountName string
}

func (s *Service) inviter(ctx context.Context, a actor.Actor, acc account.Account) (inviter, error) {
	var inv inviter
	switch u, err := s.store.User(ctx, a.UserID); {
	case err == nil:
		inv.Name = u.Name
	case !errors.Is(err, fault.ErrNotFound):
		return inv, err
	}
	if a.AccountID == acc.ID {
		inv.AccountName = acc.Company.Name
		return inv, nil
	}
	switch own, err := s.store.Account(ctx, a.AccountID); {
	case err == nil:
		inv.AccountName = own.Company.Name
	case !errors.Is(err, fault.ErrNotFound):
		return inv, err
	}
	return inv, nil
}

// membershipMessage is the outbox message that invites an existing login into an account: the template
// "membership", whose link opens <portal>/accept#<token>.
func membershipMessage(u user.User, acc account.Account, roles []role.Name, tok token.Token, inv inviter, now time.Time) outbox.Message {
	data := map[string]string{
		"name":               u.Name,
		"email":              u.Email,
		"accountName":        acc.Company.Name,
		"accountKind":        string(acc.Kind),
		"roles":              titles(roles),
		"expiresAt":          tok.ExpiresAt.UTC().Format(time.RFC3339),
		"inviterName":        inv.Name,
		"inviterAccountName": inv.AccountName,
	}
	if inv.Name != "" {
		data["inviter"] = inv.Name
		if inv.AccountName != "" {
			data["inviter"] += fmt.Sprintf(" (%s)", inv.AccountName)
		}
	}
	return outbox.Message{
		ID:             secret.NewID(),
		Template:       "membership",
		To:             u.Email,
		UserID:         u.ID,
		AccountID:      acc.ID,
		BrandAccountID: acc.ID,
		SecretRef:      secret.LinkRef(secret.PurposeMembership, tok.ID),
		Data:           data,
		Status:         outbox.StatusPending,
		CreatedAt:      now,
	}
}

// joinRoles names roles in an audit event's details.
func joinRoles(roles []role.Name) string {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	return strings.Join(names, ",")
}
