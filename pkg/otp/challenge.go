// Package otp holds the rules of one-time-code challenges: the second sign-in step after a correct password.
// It is pure: no SDK, no clock, no randomness. The code itself is never held here nor stored anywhere: code
// number Seq of a challenge is derived from the challenge id with the HMAC key (secret.Keyring.Code), so the
// table keeps the challenge and nothing a reader could type in.
//
// A challenge lives like this:
//
//	New ──► pending (code 1, 60 s, 5 guesses) ──right code──► used
//	          │  ▲
//	          └──┘ Resend: code n+1, a new 60 s window, guesses back to 0 (at most 3 times, 30 s apart)
//
// The attempt counter moves before a code is compared, by a conditional write, so concurrent guesses cannot
// exceed the limit; the right code is consumed by a conditional write, so it works once.
package otp

import (
	"github.com/partnerhub/partnerhub/pkg/secret"
	"time"

	"github.com/partnerhub/partnerhub/pkg/fault"
)

// Limits of a challenge.
const (
	// CodeTTL is how long one code is valid after it was issued.
	CodeTTL = 60 * time.Second
	// MaxAttempts is how many guesses one code allows; the next guess fails even if it is right.
	MaxAttempts = 5
	// MaxResends is how many new codes one challenge may issue after the first.
	MaxResends = 3
	// ResendInterval is the least time between two codes of a challenge.
	ResendInterval = 30 * time.Second
	// Lifetime bounds the whole challenge: after it, only a new sign-in gives a new code.
	Lifetime = 10 * time.Minute
)

// MethodEmail is the default method: the code goes by email. Package signin sets user.MethodSMS (the same code
// by SMS and email) or user.MethodTOTP (no code sent; the user's authenticator app makes it) from the user's
// choice.
const MethodEmail = "email"

// Status of a challenge.
type Status string

// Statuses. A challenge whose code expired or ran out of guesses stays pending: a resend can revive it.
const (
	Pending Status = "pending"
	Used    Status = "used"
)

// Challenge is one second-factor step of a sign-in.
type Challenge struct {
	ID        string
	UserID    string
	AccountID string // the account the session will act in
	Method    string
	Status    Status
	// Seq is the number of the current code: 1 for the first, n+1 after n-1 resends. Only the current code
	// checks, so a resend kills the previous one.
	Seq int
	// KeyVersion is the version of the HMAC key its codes are made with, the keyring's current one when it
	// started; 0, as stored before keys had versions, is version 1. The mailer derives the codes with it (the
	// outbox's secret.CodeRef names it) and the verifier checks with it, whatever key is current by then.
	KeyVersion secret.Version
	Attempts   int // guesses at the current code
	Resends    int
	// IssuedAt is when the current code was issued (and sent); ExpiresAt is IssuedAt+CodeTTL.
	IssuedAt  time.Time
	ExpiresAt time.Time
	CreatedAt time.Time
	UsedAt    time.Time
}

// New starts a challenge with its first code, issued now.
func New(id, userID, accountID string, now time.Time) Challenge {
	return Challenge{
		ID: id, UserID: userID, AccountID: accountID, Method: MethodEmail, Status: Pending,
		Seq: 1, IssuedAt: now, ExpiresAt: now.Add(CodeTTL), CreatedAt: now,
	}
}

// Check says whether the current code may still be guessed at now: nil, or ErrUsed, ErrExpired or ErrDead.
func (c Challenge) Check(now time.Time) error {
	switch {
	case c.Status == Used:
		return ErrUsed()
	case !now.Before(c.ExpiresAt):
		return ErrExpired()
	case c.Attempts >= MaxAttempts:
		return ErrDead()
	}
	return nil
}

// AttemptsLeft is how many more guesses the current code allows.
func (c Challenge) AttemptsLeft() int { return max(MaxAttempts-c.Attempts, 0) }

// Resend issues the next code at now: Seq moves on (the old code no longer checks), the 60-second window
// restarts and the guesses start again from zero. The user's failure budget is not the challenge's business and
// is not reset. ok is false when no code may be sent: the challenge is used, past its lifetime, out of resends,
// or the last code went out less than ResendInterval ago.
func (c Challenge) Resend(now time.Time) (next Challenge, ok bool) {
	if c.Status != Pending || !now.Before(c.CreatedAt.Add(Lifetime)) || c.Resends >= MaxResends ||
		now.Before(c.IssuedAt.Add(ResendInterval)) {
		return c, false
	}
	c.Seq++
	c.Resends++
	c.Attempts = 0
	c.IssuedAt = now
	c.ExpiresAt = now.Add(CodeTTL)
	return c, true
}

// GarbageAfter is when the challenge is of no use to anyone and TTL may collect it.
func (c Challenge) GarbageAfter() time.Time { return c.CreatedAt.Add(Lifetime + time.Hour) }

// ErrUsed is the answer to a code that already signed someone in.
func ErrUsed() error {
	return fault.New(fault.ErrAlreadyUsed, "code-used", "This code has already been used. Sign in again to get a new one.")
}

// ErrExpired is the answer to a code past its 60 seconds, or to a challenge that no longer exists.
func ErrExpired() error {
	return fault.New(fault.ErrExpired, "code-expired", "This code has expired. Ask for a new code or sign in again.")
}

// ErrDead is the answer to any guess after MaxAttempts wrong ones, the right code included.
func ErrDead() error {
	return fault.New(fault.ErrExpired, "code-dead", "Too many wrong codes: this code no longer works. Ask for a new code.")
}

// ErrWrong is the answer to a wrong guess, with how many guesses the code has left.
func ErrWrong(attemptsLeft int) error {
	detail := "The code is not correct."
	if attemptsLeft == 0 {
		detail = "The code is not correct, and this code no longer works. Ask for a new code."
	}
	return fault.New(fault.ErrUnauthorized, "wrong-code", detail).With("attemptsLeft", attemptsLeft)
}
