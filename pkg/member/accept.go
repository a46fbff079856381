package member

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/branding"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/invitation"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/token"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// RoleRef names a role for people.
type RoleRef struct {
	Name  role.Name `json:"name"`
	Title string    `json:"title"`
}

// InviterRef names who sent an invitation.
type InviterRef struct {
	Name        string `json:"name"`
	AccountName string `json:"accountName,omitempty"`
}

// InvitationInfo is what a membership invitation link is for: the answer of GET /v1/memberships/{token}. The
// page asks the person to sign in as Email and accept.
type InvitationInfo struct {
	Purpose     string       `json:"purpose"` // "membership"
	Email       string       `json:"email"`
	Name        string       `json:"name"`
	AccountID   string       `json:"accountId"`
	AccountName string       `json:"accountName"`
	AccountKind account.Kind `json:"accountKind"`
	Roles       []RoleRef    `json:"roles"`
	InvitedBy   *InviterRef  `json:"invitedBy"`
	ExpiresAt   time.Time    `json:"expiresAt"`
	// Branding is the effective branding of the account, as the activation page shows it.
	Branding branding.Effective `json:"branding"`
}

// Accepted is the answer to an accepted invitation: the account the user now belongs to.
type Accepted struct {
	AccountID   string       `json:"accountId"`
	AccountName string       `json:"accountName"`
	AccountKind account.Kind `json:"accountKind"`
	Roles       []role.Name  `json:"roles"`
}

// Problems of invitation links.
var (
	errLinkInvalid = fault.New(fault.ErrNotFound, "link-invalid",
		"This link is not valid. Open it again from your email, or ask the person who invited you for a new one.")
	errWrongUser = fault.New(fault.ErrForbidden, "wrong-user",
		"This invitation is for another sign-in. Sign out, then sign in with the email address it was sent to.")
	errAcceptConflict = fault.New(fault.ErrConflict, "conflict", "Your login changed while the invitation was being accepted; try again.")
)

// errLinkMoved means an acceptance found its token no longer pending or its invitation no longer current: used
// or replaced meanwhile, which the link, opened again, says.
var errLinkMoved = errors.New("membership link used or replaced meanwhile")

// invitationLink is a verified membership link that still works, with what it concerns.
type invitationLink struct {
	token      token.Token
	invitation dynamo.Invitation
	user       user.User
	account    account.Account
}

// openInvitation verifies a membership token from a link and loads what it concerns. A token that does not
// verify or names nothing is link-invalid (404); one that no longer works is link-used, link-replaced or
// link-expired (410).
func (s *Service) openInvitation(ctx context.Context, raw string) (invitationLink, error) {
	id, ok := s.keys.ParseLinkToken(ctx, secret.PurposeMembership, raw)
	if !ok {
		return invitationLink{}, errLinkInvalid
	}
	var l invitationLink
	var err error
	if l.token, err = s.linkToken(ctx, id); err != nil {
		return l, err
	}
	state := l.token.State(s.clock.Now())
	if state == "" {
		var found bool
		l.invitation, found, err = s.store.Invitation(ctx, l.token.UserID, l.token.AccountID)
		switch {
		case err != nil:
			return l, err
		case !found || l.invitation.TokenID != l.token.ID:
			// Accepted or replaced since the token was read: the token, read again, says which.
			if l.token, err = s.linkToken(dynamo.Fresh(ctx), id); err != nil {
				return l, err
			}
			if state = l.token.State(s.clock.Now()); state == "" {
				state = token.Replaced // defensive: a new invitation always marks the old token
			}
		}
	}
	if state != "" {
		return l, linkGone(l.token, state)
	}
	if l.user, err = s.store.User(ctx, l.token.UserID); err != nil {
		if errors.Is(err, fault.ErrNotFound) {
			return l, errLinkInvalid
		}
		return l, err
	}
	if l.account, err = s.store.Account(ctx, l.token.AccountID); err != nil {
		if errors.Is(err, fault.ErrNotFound) {
			return l, errLinkInvalid
		}
		return l, err
	}
	return l, nil
}

// linkToken reads a membership token; a missing one, or one of another purpose, is errLinkInvalid.
func (s *Service) linkToken(ctx context.Context, id string) (token.Token, error) {
	tok, err := s.store.Token(ctx, id)
	switch {
	case errors.Is(err, fault.ErrNotFound):
		return tok, errLinkInvalid
	case err != nil:
		return tok, err
	case tok.Purpose != secret.PurposeMembership:
		return tok, errLinkInvalid
	}
	return tok, nil
}

// linkGone is the 410 answer for an invitation link that no longer works.
func linkGone(t token.Token, state string) error {
	switch state {
	case token.Used:
		return fault.New(fault.ErrAlreadyUsed, "link-used",
			"This invitation has already been accepted. Sign in: the account is in your account switcher.")
	case token.Replaced:
		return fault.New(fault.ErrExpired, "link-replaced",
			"A newer invitation was sent to you, so this one no longer works. Use the latest email.")
	}
	return fault.New(fault.ErrExpired, "link-expired",
		fmt.Sprintf("This invitation expired on %s. Ask the person who invited you to send a new one.", t.ExpiresAt.UTC().Format("2 January 2006 at 15:04 UTC")))
}

// Invitation describes a membership invitation link for the page that opens it. It is public: the link itself
// is the proof, and it tells nothing a reader of the email does not know.
func (s *Service) Invitation(ctx context.Context, raw string) (InvitationInfo, error) {
	l, err := s.openInvitation(ctx, raw)
	if err != nil {
		return InvitationInfo{}, err
	}
	branding, err := branding.Resolver{Store: s.store}.EffectiveOf(ctx, l.account)
	if err != nil {
		return InvitationInfo{}, err
	}
	info := InvitationInfo{
		Branding: branding,
		Purpose:  secret.PurposeMembership, Email: l.user.Email, Name: l.user.Name,
		AccountID: l.account.ID, AccountName: l.account.Company.Name, AccountKind: l.account.Kind,
		Roles: []RoleRef{}, ExpiresAt: l.token.ExpiresAt.UTC(),
	}
	for _, n := range l.invitation.Roles {
		if r, ok := role.Find(n); ok {
			info.Roles = append(info.Roles, RoleRef{Name: r.Name, Title: r.Title})
		}
	}
	if inv, err := s.store.User(ctx, l.invitation.InvitedBy); err == nil {
		info.InvitedBy = &InviterRef{Name: inv.Name}
		if acc, err := s.store.Account(ctx, l.invitation.InviterAccountID); err == nil {
			info.InvitedBy.AccountName = acc.Company.Name
		}
	}
	return info, nil
}

// Accept makes the signed-in user a member of the account a membership invitation is for. Only the invited
// user may accept (wrong-user, 403). It consumes the token and the invitation and writes the membership and the
// audit event in one transaction, through the user's update seam: of two acceptances at most one commits, a
// second gets link-used (410), and a removal decided on the same reading of the user cannot commit with it. The
// account then appears in the user's memberships (GET /v1/me) and account switcher.
func (s *Service) Accept(ctx context.Context, a actor.Actor, raw string) (Accepted, error) {
	if a.Anonymous() {
		return Accepted{}, fault.ErrUnauthorized
	}
	l, err := s.openInvitation(ctx, raw)
	if err != nil {
		return Accepted{}, err
	}
	if l.token.UserID != a.UserID {
		return Accepted{}, errWrongUser
	}
	if l.account.Status == account.Disabled {
		return Accepted{}, errAccountDisabled
	}
	// The catalog decides what an account of this kind may hold, now.
	roles := slices.DeleteFunc(slices.Clone(l.invitation.Roles), func(n role.Name) bool {
		r, ok := role.Find(n)
		return !ok || !slices.Contains(r.Kinds, string(l.account.Kind))
	})
	_, err = s.store.UpdateUser(ctx, l.user.ID, func(u *user.User, tx *dynamo.Tx) error {
		if u.Status == user.Disabled { // removed from their last account meanwhile
			return errAcceptConflict
		}
		now := s.clock.Now()
		tx.UseToken(l.token.ID, secret.PurposeMembership, now, errLinkMoved).
			TakeInvitation(u.ID, l.account.ID, l.token.ID, errLinkMoved).
			PutMembership(user.MembershipOf(*u, l.account, roles, now), alreadyMember("")).
			AccountOpen(l.account.ID, errAccountDisabled).
			Audit(audit.Event{ID: secret.NewID(), AccountID: l.account.ID, At: now, ActorID: a.UserID,
				Action: audit.MembershipAccepted, TargetType: audit.TargetUser, TargetID: a.UserID,
				Details: map[string]string{"roles": invitation.RoleNames(roles), "tokenId": l.token.ID, "invitedBy": l.invitation.InvitedBy}})
		return nil
	})
	switch {
	case errors.Is(err, errLinkMoved):
		if _, err := s.openInvitation(ctx, raw); err != nil {
			return Accepted{}, err
		}
		return Accepted{}, errAcceptConflict
	case errors.Is(err, dynamo.ErrUserStale):
		return Accepted{}, errAcceptConflict
	case err != nil:
		return Accepted{}, err
	}
	s.log.InfoContext(ctx, "membership accepted", "userId", l.user.ID, "accountId", l.account.ID)
	return Accepted{AccountID: l.account.ID, AccountName: l.account.Company.Name, AccountKind: l.account.Kind, Roles: roles}, nil
}
