// Package user is the people who sign in: one login per email address, with memberships in one or more
// accounts. It is pure: no SDK, no clock, no randomness.
package user

import (
	"time"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/role"
)

// Status of a user.
type Status string

// Statuses: invited (unregistered) until the activation link is used, then active (registered); disabled when
// the user's access is removed.
const (
	Invited  Status = "invited"
	Active   Status = "active"
	Disabled Status = "disabled"
)

// Two-factor methods.
const (
	MethodEmail = "email"
	MethodSMS   = "sms"
	MethodTOTP  = "totp"
	// MethodPasskey signs in with a passkey after the password (WebAuthn): nothing is sent.
	MethodPasskey = "passkey"
)

// TwoFactor is a user's second sign-in factor. Enabled is the default.
type TwoFactor struct {
	Enabled bool   `json:"enabled" dynamodbav:"enabled"`
	Method  string `json:"method" dynamodbav:"method"`
}

// Login errors recorded on the user for the status check.
const (
	ErrWrongPassword = "wrong_password"
	ErrWrongCode     = "wrong_code"
	ErrExpiredCode   = "expired_code"
	ErrLocked        = "locked"
	ErrDisabled      = "disabled"
	ErrWrongAnswer   = "wrong_security_answer"
)

// User is one login.
type User struct {
	ID     string `dynamodbav:"id"`
	Email  string `dynamodbav:"email"`
	Name   string `dynamodbav:"name"`
	Mobile string `dynamodbav:"mobile,omitempty"`
	Phone  string `dynamodbav:"phone,omitempty"`
	Status Status `dynamodbav:"status"`
	// HomeAccountID is the account the user was created in; sessions start there.
	HomeAccountID string `dynamodbav:"homeAccountId"`

	PasswordHash string `dynamodbav:"passwordHash,omitempty"`
	// PasswordChangedAt is when the password was last reset; sessions started before it are over.
	PasswordChangedAt time.Time `dynamodbav:"passwordChangedAt,omitempty"`
	// SessionsEndedAt is when the user's sessions were last ended all at once ("sign out everywhere else", an
	// administrator's end of them all): every session started at or before it is over, except SessionKept, the
	// hash of the session that asked to keep itself. The sessions are deleted too, but through an eventually
	// consistent index; this is what ends one the index had not caught up with.
	SessionsEndedAt    time.Time `dynamodbav:"sessionsEndedAt,omitempty"`
	SessionKept        string    `dynamodbav:"sessionKept,omitempty"`
	SecurityQuestion   string    `dynamodbav:"securityQuestion,omitempty"`
	SecurityAnswerHash string    `dynamodbav:"securityAnswerHash,omitempty"`
	TwoFactor          TwoFactor `dynamodbav:"twoFactor"`

	// ActivationTokenID is the current activation link's token id; a resend replaces it.
	ActivationTokenID string    `dynamodbav:"activationTokenId,omitempty"`
	ActivationSentAt  time.Time `dynamodbav:"activationSentAt,omitempty"`
	// ActivationMessageID is the outbox message of the last activation email, for the status check.
	ActivationMessageID string `dynamodbav:"activationMessageId,omitempty"`

	// EmailState is what the email service last reported about the address (bounced, complained, delivered);
	// nil until it reports anything, and again once the address changes. Package feedback writes it.
	EmailState *EmailState `dynamodbav:"emailState,omitempty"`

	LastLoginAt    time.Time `dynamodbav:"lastLoginAt,omitempty"`
	LastLoginError string    `dynamodbav:"lastLoginError,omitempty"`
	LastLoginErrAt time.Time `dynamodbav:"lastLoginErrorAt,omitempty"`
	// Failures counts sign-in failures (wrong password, code or answer) since FailuresSince; past the budget,
	// sign-in is locked until LockedUntil. A new code does not reset it.
	Failures      int       `dynamodbav:"failures"`
	FailuresSince time.Time `dynamodbav:"failuresSince,omitempty"`
	LockedUntil   time.Time `dynamodbav:"lockedUntil,omitempty"`

	// LicenseVersion is the version of the license agreement the user last accepted, at LicenseAcceptedAt. A
	// user of a partner or customer account accepts again whenever the agreement's version changes.
	LicenseVersion    string    `dynamodbav:"licenseVersion,omitempty"`
	LicenseAcceptedAt time.Time `dynamodbav:"licenseAcceptedAt,omitempty"`

	CreatedAt   time.Time `dynamodbav:"createdAt"`
	ActivatedAt time.Time `dynamodbav:"activatedAt,omitempty"`
	Version     int       `dynamodbav:"version"`
}

// Registered reports whether the user has set a password through the activation link.
func (u User) Registered() bool {
	return u.Status == Active || (u.Status == Disabled && u.PasswordHash != "")
}

// SessionOver reports whether a session of the user, started at createdAt and known by hash, is over by the
// user's own record: started before the password last changed, or ended with all the others.
func (u User) SessionOver(createdAt time.Time, hash string) bool {
	if createdAt.Before(u.PasswordChangedAt) {
		return true
	}
	return !u.SessionsEndedAt.IsZero() && !createdAt.After(u.SessionsEndedAt) && hash != u.SessionKept
}

// Locked reports whether sign-in is locked at now.
func (u User) Locked(now time.Time) bool { return now.Before(u.LockedUntil) }

// Membership is a user's roles in one account.
type Membership struct {
	UserID    string      `dynamodbav:"userId"`
	AccountID string      `dynamodbav:"accountId"`
	Roles     []role.Name `dynamodbav:"roles"`
	// AccountName and AccountKind are copied from the account for the account switcher.
	AccountName string    `dynamodbav:"accountName"`
	AccountKind string    `dynamodbav:"accountKind"`
	UserName    string    `dynamodbav:"userName"`
	UserEmail   string    `dynamodbav:"userEmail"`
	CreatedAt   time.Time `dynamodbav:"createdAt"`
	// UserStatus and LastLoginAt copy the user's status and last sign-in so that an account's user list can
	// filter and sort on them from the memberships alone. The transactions that change them on the user
	// (activation, sign-in, re-invitation) change every copy too.
	UserStatus  Status    `dynamodbav:"userStatus,omitempty"`
	LastLoginAt time.Time `dynamodbav:"lastLoginAt,omitempty"`
	// Version counts changes of the roles; a membership written without one is at version 0.
	Version int `dynamodbav:"version,omitempty"`
	// GrantID is set on a support partner's staff membership in a customer account: it exists while the partner
	// access grant it names is active and the partner has assigned the user to it (package grant).
	GrantID string `dynamodbav:"grantId,omitempty"`
	// StaffGroups are the ids of the partner account's staff groups the user is in (package partneraccess): set
	// on a membership of a partner account, where every request of a staff member acting in a customer reads it.
	StaffGroups []string `dynamodbav:"staffGroups,stringset,omitempty"`
}

// Registration is how the user list names a status: registered users can sign in, unregistered ones have not
// used their activation link yet, disabled ones lost their access.
func (s Status) Registration() string {
	switch s {
	case Active:
		return "registered"
	case Disabled:
		return "disabled"
	}
	return "unregistered"
}

// MembershipOf is the membership of a user in an account with roles, with the copies of the user's and the
// account's data that memberships keep for the account switcher and the user list.
func MembershipOf(u User, acc account.Account, roles []role.Name, now time.Time) Membership {
	return Membership{
		UserID: u.ID, AccountID: acc.ID, Roles: roles,
		AccountName: acc.Company.Name, AccountKind: string(acc.Kind),
		UserName: u.Name, UserEmail: u.Email, UserStatus: u.Status, LastLoginAt: u.LastLoginAt,
		CreatedAt: now, Version: 1,
	}
}
