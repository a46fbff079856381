package member

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/field"
	"github.com/partnerhub/partnerhub/pkg/invitation"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/token"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// InvitationTTL is how long a membership invitation's link works.
const InvitationTTL = invitation.MembershipTTL

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
	errUserDisabled = fault.New(fault.ErrConflict, "user-disabled",
		"This person's login is disabled; ask an administrator of one of their accounts to restore it.")
	errAccountDisabled = fault.New(fault.ErrConflict, "account-disabled", "The account is disabled; enable it before inviting people into it.")
	errInviteConflict  = fault.New(fault.ErrConflict, "conflict", "This person's login changed while they were being invited; try again.")
)

// alreadyMember answers an invitation, or an acceptance, of a person who is a user of the account already; an
// invitation names the user (userID, "" for none). It is a new error each time: fault.Error.With changes the
// error it is called on.
func alreadyMember(userID string) error {
	e := fault.New(fault.ErrConflict, "already-member", "This person is already a user of the account.")
	if userID != "" {
		e = e.With("userId", userID)
	}
	return e
}

// What a failed invitation means, before it is answered.
var (
	// errEmailTaken: a login with the email was created meanwhile; it is invited as an existing login.
	errEmailTaken = errors.New("email taken meanwhile")
	// errBackMeanwhile: a disabled login was invited back or restored meanwhile; it is invited as an existing login.
	errBackMeanwhile = errors.New("login no longer disabled")
)

// person is who an invitation is for, checked: their details and roles.
type person struct {
	invitation.Person
	roles []role.Name
}

// Invite invites a person into an account with roles. The caller needs role.UsersManage over the account and
// may grant only roles it could hold (role.MayAssign). A new email gets a user, a membership and an activation
// email in one transaction, as account creation does for an account's point of contact. An email that already
// has a login gets no second one: the person receives an invitation to accept while signed in (72 hours, single
// use; inviting again replaces it, at most once per invitation.ResendInterval). A disabled user with no account
// left is invited back as a new user. problems holds what decoding the body found wrong (nil if nothing); one
// answer names every bad field.
// errProspect refuses inviting people into a prospect: a would-be customer's people hear from the platform when it
// is converted, starting with its point of contact.
var errProspect = fault.New(fault.ErrConflict, "account-is-prospect",
	"This account is a prospect: nobody is invited into it until it is converted to a customer.")

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
		return Invited{}, errAccountDisabled
	}
	if acc.Prospect() {
		// Its point of contact is not invited until it is converted; nobody else is either.
		return Invited{}, errProspect
	}
	by, err := s.inviter(ctx, a, acc)
	if err != nil {
		return Invited{}, err
	}
	return s.invitePerson(ctx, a, acc, req.person(roles), by)
}

// person is the request's person, checked, with their roles.
func (r InviteRequest) person(roles []role.Name) person {
	return person{Person: invitation.Person{Name: r.Name, Email: r.Email, Phone: r.Phone, Mobile: r.Mobile}, roles: roles}
}

// invitePerson invites a checked person into acc, which the caller manages and which is open: a new login, a
// disabled one invited back, or an existing login's membership invitation. Invite and Import both come here, so
// a row of an import is invited exactly as one person is.
func (s *Service) invitePerson(ctx context.Context, a actor.Actor, acc account.Account, p person, by invitation.Inviter) (Invited, error) {
	u, err := s.store.UserByEmail(ctx, p.Email)
	if errors.Is(err, fault.ErrNotFound) {
		out, err := s.inviteNew(ctx, a, acc, p, by)
		if !errors.Is(err, errEmailTaken) {
			return out, err
		}
		// Someone created a login with this email meanwhile: it is an existing login now.
		u, err = s.store.UserByEmail(ctx, p.Email)
	}
	if err != nil {
		return Invited{}, err
	}
	return s.inviteExisting(ctx, a, acc, u, p, by)
}

// inviteExisting invites a person who has a login: back as a new user if it is disabled and has no account
// left, by a membership invitation otherwise.
func (s *Service) inviteExisting(ctx context.Context, a actor.Actor, acc account.Account, u user.User, p person, by invitation.Inviter) (Invited, error) {
	switch _, err := s.store.Membership(ctx, u.ID, acc.ID); {
	case err == nil:
		return Invited{}, alreadyMember(u.ID)
	case !errors.Is(err, fault.ErrNotFound):
		return Invited{}, err
	}
	if u.Status == user.Disabled {
		out, err := s.reinvite(ctx, a, acc, u.ID, p, by)
		if !errors.Is(err, errBackMeanwhile) {
			return out, err
		}
	}
	return s.inviteLogin(ctx, a, acc, u, p.roles, by)
}

// inviteNew creates an invited user with a membership in acc and sends their activation email, in one
// transaction with an audit event: what account creation does for an account's point of contact. If a login got
// the email meanwhile, it writes nothing and answers errEmailTaken.
func (s *Service) inviteNew(ctx context.Context, a actor.Actor, acc account.Account, p person, by invitation.Inviter) (Invited, error) {
	now := s.clock.Now()
	u := invitation.NewUser(secret.NewID(), p.Person, acc.ID, user.TwoFactor{Enabled: true, Method: user.MethodEmail}, now)
	tok := invitation.ActivationToken(secret.NewID(), u, acc.ID, by, now)
	msg := activationMail(u, acc, p.roles, tok, by, now)
	u = invitation.Activated(u, tok, msg.ID)
	tx := s.store.Tx().
		PutUser(u, errEmailTaken).
		PutMembership(user.MembershipOf(u, acc, p.roles, now), nil).
		PutToken(tok, nil).
		Send(msg).
		Audit(audit.Event{ID: secret.NewID(), AccountID: acc.ID, At: now, ActorID: a.UserID,
			Action: audit.UserInvited, TargetType: audit.TargetUser, TargetID: u.ID, Details: rolesDetail(p.roles)}).
		AccountOpen(acc.ID, errAccountDisabled)
	if err := s.store.Commit(ctx, tx); err != nil {
		return Invited{}, err
	}
	s.log.InfoContext(ctx, "user invited", "userId", u.ID, "accountId", acc.ID)
	return activationInvited(u, tok), nil
}

// reinvite invites back a disabled user who has no account left, as if they were new: the user becomes invited
// again (invitation.Reinvited), with a new activation link and a membership in acc, in one transaction with an
// audit event. A user who is no longer disabled when it is written answers errBackMeanwhile.
func (s *Service) reinvite(ctx context.Context, a actor.Actor, acc account.Account, userID string, p person, by invitation.Inviter) (Invited, error) {
	var tok token.Token
	u, err := s.store.UpdateUser(ctx, userID, func(u *user.User, tx *dynamo.Tx) error {
		if u.Status != user.Disabled {
			return errBackMeanwhile
		}
		accounts, err := s.store.MemberAccounts(ctx, u.ID)
		switch {
		case err != nil:
			return err
		case slices.Contains(accounts, acc.ID):
			return alreadyMember(u.ID)
		case len(accounts) > 0:
			return errUserDisabled
		}
		now := s.clock.Now()
		*u = invitation.Reinvited(*u, p.Person, acc.ID)
		tok = invitation.ActivationToken(secret.NewID(), *u, acc.ID, by, now)
		msg := activationMail(*u, acc, p.roles, tok, by, now)
		*u = invitation.Activated(*u, tok, msg.ID)
		tx.PutMembership(user.MembershipOf(*u, acc, p.roles, now), dynamo.ErrUserStale).
			PutToken(tok, nil).
			Send(msg).
			Audit(audit.Event{ID: secret.NewID(), AccountID: acc.ID, At: now, ActorID: a.UserID,
				Action: audit.UserReinvited, TargetType: audit.TargetUser, TargetID: u.ID, Details: rolesDetail(p.roles)}).
			AccountOpen(acc.ID, errAccountDisabled)
		return nil
	})
	if errors.Is(err, dynamo.ErrUserStale) {
		return Invited{}, errInviteConflict
	}
	if err != nil {
		return Invited{}, err
	}
	s.log.InfoContext(ctx, "user invited back", "userId", u.ID, "accountId", acc.ID)
	return activationInvited(u, tok), nil
}

// activationInvited is the answer to an invitation by activation link.
func activationInvited(u user.User, tok token.Token) Invited {
	return Invited{UserID: u.ID, Invitation: ByActivation, Status: StatusUnregistered, ExpiresAt: tok.ExpiresAt.UTC()}
}

// inviteLogin invites an existing login into an account: an invitation item, a membership token and the
// "membership" email, in one transaction that also checks the person did not become a member meanwhile. Inviting
// again replaces the last invitation, whose link stops working, at most once per invitation.ResendInterval.
func (s *Service) inviteLogin(ctx context.Context, a actor.Actor, acc account.Account, u user.User, roles []role.Name, by invitation.Inviter) (Invited, error) {
	var tok token.Token
	_, err := s.store.UpdateInvitation(ctx, u.ID, acc.ID, func(inv *dynamo.Invitation, found bool, tx *dynamo.Tx) error {
		now := s.clock.Now()
		if found {
			if wait := invitation.ResendInterval - now.Sub(inv.SentAt); wait > 0 {
				return &fault.Error{Kind: fault.ErrRateLimited, Slug: "rate-limited", RetryAfter: wait,
					Detail: "This person was invited a moment ago; wait a minute before sending the invitation again."}
			}
			// The old link dies with the new one, as a resent activation link does.
			switch old, err := s.store.Token(ctx, inv.TokenID); {
			case err == nil && old.Status == token.Pending:
				tx.ReplaceToken(old.ID, now, dynamo.ErrInvitationStale)
			case err != nil && !errors.Is(err, fault.ErrNotFound):
				return err
			}
		}
		tok = invitation.MembershipToken(secret.NewID(), u.ID, acc.ID, by, now)
		msg := membershipMail(u, acc, roles, tok, by, now)
		*inv = dynamo.Invitation{
			UserID: u.ID, AccountID: acc.ID, Roles: roles, TokenID: tok.ID, InvitedBy: by.UserID, InviterAccountID: by.AccountID,
			SentAt: now, ExpiresAt: tok.ExpiresAt, MessageID: msg.ID,
		}
		tx.RequireNotMember(u.ID, acc.ID, alreadyMember(u.ID)).
			AccountOpen(acc.ID, errAccountDisabled).
			PutToken(tok, nil).
			Send(msg).
			Audit(audit.Event{ID: secret.NewID(), AccountID: acc.ID, At: now, ActorID: a.UserID,
				Action: audit.MembershipInvited, TargetType: audit.TargetUser, TargetID: u.ID,
				Details: map[string]string{"roles": invitation.RoleNames(roles), "tokenId": tok.ID}})
		return nil
	})
	if errors.Is(err, dynamo.ErrInvitationStale) {
		return Invited{}, errInviteConflict
	}
	if err != nil {
		return Invited{}, err
	}
	s.log.InfoContext(ctx, "membership invitation sent", "userId", u.ID, "accountId", acc.ID, "tokenId", tok.ID)
	return Invited{UserID: u.ID, Invitation: ByMembership, ExpiresAt: tok.ExpiresAt.UTC()}, nil
}

// inviter names who sends an invitation, for the email ("Jane Doe (Acme MSP)") and for a late click.
func (s *Service) inviter(ctx context.Context, a actor.Actor, acc account.Account) (invitation.Inviter, error) {
	by := invitation.Inviter{UserID: a.UserID, AccountID: a.AccountID}
	switch u, err := s.store.User(ctx, a.UserID); {
	case err == nil:
		by.Name = u.Name
	case !errors.Is(err, fault.ErrNotFound):
		return by, err
	}
	if a.AccountID == acc.ID {
		by.AccountName = acc.Company.Name
		return by, nil
	}
	switch own, err := s.store.Account(ctx, a.AccountID); {
	case err == nil:
		by.AccountName = own.Company.Name
	case !errors.Is(err, fault.ErrNotFound):
		return by, err
	}
	return by, nil
}

// letter is what an invitation email says: who is invited, where, with which roles, until when, by whom.
func letter(u user.User, acc account.Account, roles []role.Name, tok token.Token, by invitation.Inviter) outbox.Invitation {
	return outbox.Invitation{
		Name: u.Name, Email: u.Email, AccountName: acc.Company.Name, AccountKind: string(acc.Kind),
		Roles: invitation.RoleTitles(roles), ExpiresAt: tok.ExpiresAt, InviterName: by.Name, InviterAccountName: by.AccountName,
	}
}

// envelope addresses an invitation email to u: it is about the account they join and carries its branding, and
// its link is derived from tok.
func envelope(u user.User, acc account.Account, tok token.Token) outbox.Envelope {
	return outbox.Envelope{
		ID: secret.NewID(), To: u.Email, UserID: u.ID, AccountID: acc.ID, BrandAccountID: acc.ID,
		SecretRef: secret.LinkRef(tok.Purpose, tok.ID),
	}
}

// activationMail is the email that sends a new or invited-back user their activation link.
func activationMail(u user.User, acc account.Account, roles []role.Name, tok token.Token, by invitation.Inviter, now time.Time) outbox.Message {
	return outbox.New(envelope(u, acc, tok), outbox.Activation(letter(u, acc, roles, tok, by)), now)
}

// membershipMail is the email that invites an existing login into an account: its link opens
// <portal>/accept#<token>.
func membershipMail(u user.User, acc account.Account, roles []role.Name, tok token.Token, by invitation.Inviter, now time.Time) outbox.Message {
	return outbox.New(envelope(u, acc, tok), outbox.Membership(letter(u, acc, roles, tok, by)), now)
}

// rolesDetail is an audit event's detail naming roles.
func rolesDetail(roles []role.Name) map[string]string {
	return map[string]string{"roles": invitation.RoleNames(roles)}
}
