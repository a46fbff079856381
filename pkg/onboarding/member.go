package onboarding

// What user maintenance (package member) reuses of onboarding: a new user invited into an existing account
// exactly as an account's point of contact is — user, email guard, membership, activation token and email in
// one transaction — a disabled user invited back the same way, link tokens of other purposes, and the checks
// of a person's fields.

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/token"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// NewMember is a person invited into an existing account, with their roles there.
type NewMember struct {
	Name, Email, Phone, Mobile string
	Roles                      []role.Name
}

// Refusals of an invitation that the caller's own checks could not see coming.
var (
	// ErrEmailTaken: a user with the email address was created meanwhile; invite them as an existing login.
	ErrEmailTaken = fault.New(fault.ErrConflict, "email-taken", "Someone else just created a user with this email address; try again.")
	// ErrAccountDisabled: the account is disabled, so nobody can be invited into it.
	ErrAccountDisabled = fault.New(fault.ErrConflict, "account-disabled", "The account is disabled; enable it before inviting people into it.")
)

// AccountOpen is the transaction item that holds only while an account exists and is not disabled.
func AccountOpen(tableName, accountID string) types.TransactWriteItem {
	return types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName:                 aws.String(tableName),
		Key:                       table.AccountKey(accountID).AV(),
		ConditionExpression:       aws.String("attribute_exists(pk) AND #status <> :disabled"),
		ExpressionAttributeNames:  map[string]string{"#status": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":disabled": dynamo.S(string(account.Disabled))},
	}}
}

// InviteUser creates an invited user with a membership in acc and sends their activation email, in one
// transaction with an audit event: what account creation does for an account's point of contact. The caller
// has checked that the actor may invite into acc with these roles and that no user has the email; if one got
// it meanwhile, InviteUser returns ErrEmailTaken and writes nothing.
func (s *Service) InviteUser(ctx context.Context, a actor.Actor, acc account.Account, m NewMember) (user.User, error) {
	inv, err := s.inviter(ctx, a, acc)
	if err != nil {
		return user.User{}, err
	}
	now := s.clock.Now()
	u := user.User{
		ID: secret.NewID(), Email: m.Email, Name: m.Name, Mobile: m.Mobile, Phone: m.Phone,
		Status: user.Invited, HomeAccountID: acc.ID, TwoFactor: user.TwoFactor{Enabled: true, Method: user.MethodEmail},
		CreatedAt: now, Version: 1,
	}
	tok := newActivationToken(u.ID, acc.ID, inv.UserID, inv.AccountID, now)
	msg := activationMessage(u, acc, m.Roles, tok, inv, now)
	u.ActivationTokenID, u.ActivationSentAt, u.ActivationMessageID = tok.ID, now, msg.ID

	var errs []error
	var items []types.TransactWriteItem
	put := func(item map[string]types.AttributeValue, err error) {
		errs = append(errs, err)
		items = append(items, dynamo.PutNew(s.table, item))
	}
	put(dynamo.EmailGuardItem(u.Email, u.ID)) // 0: the email is still free
	put(dynamo.UserItem(u))
	put(dynamo.MembershipItem(user.MembershipOf(u, acc, m.Roles, now)))
	tokItem, err := putToken(s.table, tok)
	errs = append(errs, err)
	msgItem, err := outbox.Put(s.table, msg)
	errs = append(errs, err)
	event, err := dynamo.AuditPut(s.table, audit.Event{ID: secret.NewID(), AccountID: acc.ID, At: now, ActorID: a.UserID,
		Action: "user.invited", TargetType: "user", TargetID: u.ID, Details: rolesDetail(m.Roles)})
	errs = append(errs, err)
	items = append(items, tokItem, msgItem, event, AccountOpen(s.table, acc.ID))
	if err := errors.Join(errs...); err != nil {
		return user.User{}, err
	}
	if err := s.store.Transact(ctx, items); err != nil {
		return user.User{}, invitationFailed(err, 0, len(items)-1)
	}
	s.log.InfoContext(ctx, "user invited", "userId", u.ID, "accountId", acc.ID)
	return u, nil
}

// ReinviteUser invites back a disabled user who has no account left, as if they were new: the user becomes
// invited again, with a new activation link and a membership in acc, in one transaction with an audit event.
// Their old password and security answer are forgotten, so only the person who reads the email can come back.
// The name and phone numbers become those of the invitation. If the user changed since u was read it returns
// fault.ErrStaleVersion and writes nothing.
func (s *Service) ReinviteUser(ctx context.Context, a actor.Actor, acc account.Account, u user.User, m NewMember) (user.User, error) {
	inv, err := s.inviter(ctx, a, acc)
	if err != nil {
		return user.User{}, err
	}
	now := s.clock.Now()
	u.Name, u.Phone, u.Mobile, u.Status, u.HomeAccountID = m.Name, m.Phone, m.Mobile, user.Invited, acc.ID
	u.PasswordHash, u.SecurityQuestion, u.SecurityAnswerHash = "", "", ""
	tok := newActivationToken(u.ID, acc.ID, inv.UserID, inv.AccountID, now)
	msg := activationMessage(u, acc, m.Roles, tok, inv, now)
	u.ActivationTokenID, u.ActivationSentAt, u.ActivationMessageID = tok.ID, now, msg.ID

	reinvite, err := reinviteItem(s.table, u, now)
	if err != nil {
		return user.User{}, err
	}
	member, err := dynamo.MembershipItem(user.MembershipOf(u, acc, m.Roles, now))
	if err != nil {
		return user.User{}, err
	}
	tokItem, err := putToken(s.table, tok)
	if err != nil {
		return user.User{}, err
	}
	msgItem, err := outbox.Put(s.table, msg)
	if err != nil {
		return user.User{}, err
	}
	event, err := dynamo.AuditPut(s.table, audit.Event{ID: secret.NewID(), AccountID: acc.ID, At: now, ActorID: a.UserID,
		Action: "user.reinvited", TargetType: "user", TargetID: u.ID, Details: rolesDetail(m.Roles)})
	if err != nil {
		return user.User{}, err
	}
	items := []types.TransactWriteItem{reinvite, dynamo.PutNew(s.table, member), tokItem, msgItem, event, AccountOpen(s.table, acc.ID)}
	if err := s.store.Transact(ctx, items); err != nil {
		if dynamo.FailedAt(err, 0) || dynamo.FailedAt(err, 1) {
			return user.User{}, fault.ErrStaleVersion
		}
		return user.User{}, invitationFailed(err, -1, len(items)-1)
	}
	u.Version++
	s.log.InfoContext(ctx, "user invited back", "userId", u.ID, "accountId", acc.ID)
	return u, nil
}

// reinviteItem is the update that makes a disabled user, read at u.Version, invited again as u says.
func reinviteItem(tableName string, u user.User, now time.Time) (types.TransactWriteItem, error) {
	at, err := attributevalue.Marshal(now)
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	values := map[string]types.AttributeValue{
		":invited": dynamo.S(string(user.Invited)), ":disabled": dynamo.S(string(user.Disabled)),
		":name": dynamo.S(u.Name), ":home": dynamo.S(u.HomeAccountID), ":tid": dynamo.S(u.ActivationTokenID),
		":at": at, ":msg": dynamo.S(u.ActivationMessageID), ":zero": dynamo.N(0), ":v": dynamo.N(int64(u.Version)), ":one": dynamo.N(1),
	}
	set := []string{"#status = :invited", "#name = :name", "homeAccountId = :home", "activationTokenId = :tid",
		"activationSentAt = :at", "activationMessageId = :msg", "failures = :zero", "#version = #version + :one"}
	remove := []string{"passwordHash", "securityQuestion", "securityAnswerHash", "failuresSince", "lockedUntil"}
	names := map[string]string{"#status": "status", "#name": "name", "#version": table.AttrVersion}
	for attr, value := range map[string]string{"phone": u.Phone, "mobile": u.Mobile} {
		names["#"+attr] = attr
		if value == "" {
			remove = append(remove, "#"+attr)
			continue
		}
		values[":"+attr] = dynamo.S(value)
		set = append(set, "#"+attr+" = :"+attr)
	}
	return types.TransactWriteItem{Update: &types.Update{
		TableName:                 aws.String(tableName),
		Key:                       table.UserKey(u.ID).AV(),
		UpdateExpression:          aws.String("SET " + strings.Join(set, ", ") + " REMOVE " + strings.Join(remove, ", ")),
		ConditionExpression:       aws.String("#status = :disabled AND #version = :v"),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
	}}, nil
}

// invitationFailed turns a cancelled invitation into the domain error that says why: the email guard (at index
// guard, -1 for none) or the account check (at index open) failed, or something else moved.
func invitationFailed(err error, guard, open int) error {
	switch {
	case !dynamo.ConditionFailed(err):
		return err
	case guard >= 0 && dynamo.FailedAt(err, guard):
		return ErrEmailTaken
	case dynamo.FailedAt(err, open):
		return ErrAccountDisabled
	}
	return fault.New(fault.ErrConflict, "conflict", "The account or the user changed while the invitation was being written; try again.")
}

// rolesDetail is an audit event's detail naming roles.
func rolesDetail(roles []role.Name) map[string]string {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	return map[string]string{"roles": strings.Join(names, ",")}
}

// NewLinkToken is a fresh single-use link token of a purpose for a user and an account, valid for ttl from now
// (whole seconds, as stored). invitedBy and inviterAccountID name who sent it.
func NewLinkToken(purpose, userID, accountID, invitedBy, inviterAccountID string, now time.Time, ttl time.Duration) token.Token {
	t := newActivationToken(userID, accountID, invitedBy, inviterAccountID, now)
	t.Purpose = purpose
	t.ExpiresAt = now.Add(ttl).Truncate(time.Second)
	return t
}

// PutToken is the transaction item that writes a new pending token, on the expiry index until its deadline:
// the sweep's TokenExpirer expires it like every token.
func PutToken(tableName string, t token.Token) (types.TransactWriteItem, error) {
	return putToken(tableName, t)
}

// UseToken is the transaction item that consumes a pending token before its deadline: of two requests with one
// token at most one commits.
func UseToken(tableName, id string, now time.Time) types.TransactWriteItem {
	return closeToken(tableName, id, token.Used, now, true)
}

// ReplaceToken is the transaction item that ends a pending token because a newer one replaces it.
func ReplaceToken(tableName, id string, now time.Time) types.TransactWriteItem {
	return closeToken(tableName, id, token.Replaced, now, false)
}
