// Package user is the people who sign in: one login per email address, with memberships in one or more
// accounts. It is pure: no SDK, no clock, no randomness.
package user

import (
	"time"

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

	PasswordHash       string    `dynamodbav:"passwordHash,omitempty"`
	SecurityQuestion   string    `dynamodbav:"securityQuestion,omitempty"`
	SecurityAnswerHash string    `dynamodbav:"securityAnswerHash,omitempty"`
	TwoFactor          TwoFactor `dynamodbav:"twoFactor"`

	// ActivationTokenID is the current activation link's token id; a resend replaces it.
	ActivationTokenID string    `dynamodbav:"activationTokenId,omitempty"`
	ActivationSentAt  time.Time `dynamodbav:"activationSentAt,omitempty"`
	// ActivationMessageID is the outbox message of the last activation email, for the status check.
	ActivationMessageID string `dynamodbav:"activationMessageId,omitempty"`

	LastLoginAt    time.Time `dynamodbav:"lastLoginAt,omitempty"`
	LastLoginError string    `dynamodbav:"lastLoginError,omitempty"`
	LastLoginErrAt time.Time `dynamodbav:"lastLoginErrorAt,omitempty"`
	// Failures counts sign-in failures (wrong password, code or answer) since FailuresSince; past the budget,
	// sign-in is locked until LockedUntil. A new code does not reset it.
	Failures      int       `dynamodbav:"failures"`
	FailuresSince time.Time `dynamodbav:"failuresSince,omitempty"`
	LockedUntil   time.Time `dynamodbav:"lockedUntil,omitempty"`

	CreatedAt   time.Time `dynamodbav:"createdAt"`
	ActivatedAt time.Time `dynamodbav:"activatedAt,omitempty"`
	Version     int       `dynamodbav:"version"`
}

// Registered reports whether the user has set a password through the activation link.
func (u User) Registered() bool {
	return u.Status == Active || (u.Status == Disabled && u.PasswordHash != "")
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
}
