// Package invitation is what inviting a person into an account means, whoever invites. A person without a login
// — an account's point of contact, the platform's first administrator, someone added to an account's users — is
// invited by an activation link: a new, invited user whose link sets their password (a disabled user with no
// account left is invited back the same way). A person who has a login is invited by a membership link, which
// they accept while signed in. Both links are single-use tokens (package token) that work for 72 hours, and a
// new one replaces the last at most once a minute.
//
// It is pure: ids and time come in as parameters. Package onboarding invites points of contact and the first
// administrator, package member invites users; both build their records here.
package invitation

import (
	"strings"
	"time"

	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/token"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// How long the links work, and how often they may be sent again.
const (
	// ActivationTTL is how long an activation link works.
	ActivationTTL = 72 * time.Hour
	// MembershipTTL is how long a membership invitation's link works.
	MembershipTTL = 72 * time.Hour
	// ResendInterval is the least time between two invitation emails to one person for one account.
	ResendInterval = time.Minute
)

// Inviter is who sends an invitation: the person the email names and whom a late click is told to ask for a
// new link. The zero Inviter is the platform itself (the first administrator's invitation).
type Inviter struct {
	UserID, Name           string
	AccountID, AccountName string
}

// Person is an invited person's details, as a form gives them (already checked: package field).
type Person struct {
	Name, Email, Phone, Mobile string
}

// NewUser is a new login invited by activation link into home, with two-factor sign-in tf. It has no password
// until the link is used.
func NewUser(id string, p Person, home string, tf user.TwoFactor, now time.Time) user.User {
	return user.User{
		ID: id, Email: p.Email, Name: p.Name, Mobile: p.Mobile, Phone: p.Phone,
		Status: user.Invited, HomeAccountID: home, TwoFactor: tf, CreatedAt: now, Version: 1,
	}
}

// Reinvited is a disabled user invited back into home as if they were new: invited again with the invitation's
// name and phone numbers, their old password and security answer forgotten (only the person who reads the
// email can come back) and their sign-in failures cleared.
func Reinvited(u user.User, p Person, home string) user.User {
	u.Name, u.Phone, u.Mobile, u.Status, u.HomeAccountID = p.Name, p.Phone, p.Mobile, user.Invited, home
	u.PasswordHash, u.SecurityQuestion, u.SecurityAnswerHash = "", "", ""
	u.Failures, u.FailuresSince, u.LockedUntil = 0, time.Time{}, time.Time{}
	return u
}

// ActivationToken is a fresh activation link token id for u's joining accountID, sent by by now.
func ActivationToken(id string, u user.User, accountID string, by Inviter, now time.Time) token.Token {
	return token.New(id, secret.PurposeActivation, u.ID, accountID, now, ActivationTTL).SentBy(by.UserID, by.AccountID)
}

// MembershipToken is a fresh membership link token id inviting userID into accountID, sent by by now.
func MembershipToken(id, userID, accountID string, by Inviter, now time.Time) token.Token {
	return token.New(id, secret.PurposeMembership, userID, accountID, now, MembershipTTL).SentBy(by.UserID, by.AccountID)
}

// Activated is u pointing at its current activation link tok, sent by the outbox message messageID: the link
// that works, and what the user status check shows of the last activation email.
func Activated(u user.User, tok token.Token, messageID string) user.User {
	u.ActivationTokenID, u.ActivationSentAt, u.ActivationMessageID = tok.ID, tok.CreatedAt, messageID
	return u
}

// RoleTitles names roles for people, in an email: "Administrator, Read-only". Unknown roles are left out.
func RoleTitles(roles []role.Name) string {
	titles := make([]string, 0, len(roles))
	for _, n := range roles {
		if r, ok := role.Find(n); ok {
			titles = append(titles, r.Title)
		}
	}
	return strings.Join(titles, ", ")
}

// RoleNames names roles for an audit event's details: "admin,read-only".
func RoleNames(roles []role.Name) string {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	return strings.Join(names, ",")
}
