package signin

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/otp"
	"github.com/partnerhub/partnerhub/pkg/session"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// errChallengeMoved means the challenge changed since it was read: a guess, a resend or a sign-in got there
// first, or its time ran out.
var errChallengeMoved = errors.New("challenge changed since it was read")

// Verify is the code step: the right code, within its 60 seconds, before its guesses run out, signs the user in
// exactly once. The guess is counted before the code is compared, and the challenge is consumed in the same
// transaction that creates the session.
func (s *Service) Verify(ctx context.Context, challengeID, code string, from session.Client) (SignedIn, error) {
	if err := s.limitIP(ctx, CodePerIP, from.IP); err != nil {
		return SignedIn{}, err
	}
	now := s.Clock.Now()
	c, err := s.challenge(ctx, challengeID)
	if err != nil {
		return SignedIn{}, err
	}
	ctx, u, err := s.challengeUser(ctx, c, now)
	if err != nil {
		return SignedIn{}, err
	}

	c, err = s.store.CountAttempt(ctx, c, now, func(c otp.Challenge) error { return c.Check(now) })
	switch {
	case errors.Is(err, fault.ErrNotFound):
		return SignedIn{}, otp.ErrExpired() // collected after its lifetime
	case err != nil && c.Status == otp.Pending && !now.Before(c.ExpiresAt): // its 60 seconds ran out
		return SignedIn{}, s.refuse(ctx, u, user.ErrExpiredCode, err, now)
	case err != nil:
		return SignedIn{}, err
	}
	if c.Method == user.MethodTOTP {
		return s.verifyApp(ctx, c, u, from, code, now) // a TOTP code or a recovery code, in twofactor.go
	}
	if c.Method == user.MethodPasskey { // no code was sent: only the passkey (VerifyPasskey) proves this step
		return SignedIn{}, s.wrongGuess(ctx, u, otp.ErrWrong(c.AttemptsLeft()), now)
	}
	if !s.Keys.CheckCode(ctx, c.KeyVersion, c.ID, c.Seq, code) {
		return SignedIn{}, s.wrongGuess(ctx, u, otp.ErrWrong(c.AttemptsLeft()), now)
	}
	return s.consume(ctx, c, u, from, now)
}

// consume signs in with the right code c.Seq: the challenge is consumed, and with spend the second factor that
// proved it (for an authenticator challenge), in the transaction that creates the session. When the challenge
// moved meanwhile, a concurrent request that signed in first, a resend or expiry decide the answer; a factor
// spent by a concurrent request answers code-used.
func (s *Service) consume(ctx context.Context, c otp.Challenge, u user.User, from session.Client, now time.Time, spend ...func(*dynamo.Tx)) (SignedIn, error) {
	with := s.store.Tx().ConsumeChallenge(c, now, errChallengeMoved)
	for _, add := range spend {
		add(with)
	}
	in, err := s.startSession(ctx, u, from, with, now)
	switch {
	case errors.Is(err, errFactorSpent):
		return SignedIn{}, ErrFactorSpent()
	case !errors.Is(err, errChallengeMoved):
		return in, err
	}
	latest, err := s.store.Challenge(ctx, c.ID)
	switch {
	case errors.Is(err, fault.ErrNotFound):
		return SignedIn{}, otp.ErrExpired()
	case err != nil:
		return SignedIn{}, err
	case latest.Status == otp.Used:
		return SignedIn{}, otp.ErrUsed()
	case latest.Seq != c.Seq || !now.Before(latest.ExpiresAt):
		return SignedIn{}, otp.ErrExpired() // a newer code replaced this one, or its time ran out
	}
	return SignedIn{}, fmt.Errorf("consume challenge %s: %w", c.ID, fault.ErrConflict)
}

// Resend sends the next code of a live challenge: at most otp.MaxResends times, otp.ResendInterval apart. The
// old code dies, the new one has its own 60 seconds and guesses; the user's failure budget stays as it is.
// Whatever the challenge's state, and whether it exists at all, the caller gets the same answer, so only an
// error of the service itself (or the per-address limit) is returned.
func (s *Service) Resend(ctx context.Context, challengeID, sourceIP string) error {
	if err := s.limitIP(ctx, CodePerIP, sourceIP); err != nil {
		return err
	}
	now := s.Clock.Now()
	c, err := s.store.Challenge(ctx, challengeID)
	if errors.Is(err, fault.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	next, ok := c.Resend(now)
	if !ok || c.Method == user.MethodTOTP || c.Method == user.MethodPasskey { // an app makes its own codes; a passkey needs none
		return nil
	}
	u, err := s.store.User(ctx, c.UserID)
	if errors.Is(err, fault.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if u.Status != user.Active || u.Locked(now) {
		return nil
	}
	msgs, err := s.resendMessages(ctx, u, next, now)
	if err != nil {
		return err
	}
	tx := s.store.Tx().ResendChallenge(c, next, errChallengeMoved)
	for _, m := range msgs {
		tx.Send(m)
	}
	if err := s.store.Commit(ctx, tx); err != nil && !errors.Is(err, errChallengeMoved) {
		return err // a concurrent resend, a sign-in or expiry moved the challenge: the same answer
	}
	return nil
}

// challengeUser reads the user a sign-in challenge is for, with the membership and account the session will act
// in (one read ahead, in the context it answers), and refuses one who may not sign in: gone, disabled or locked
// out — as the password step does.
func (s *Service) challengeUser(ctx context.Context, c otp.Challenge, now time.Time) (context.Context, user.User, error) {
	ctx, err := s.store.ReadAhead(ctx, session.Session{UserID: c.UserID, AccountID: c.AccountID})
	if err != nil {
		return ctx, user.User{}, err
	}
	u, err := s.store.User(ctx, c.UserID)
	switch {
	case errors.Is(err, fault.ErrNotFound):
		return ctx, u, ErrInvalidCredentials()
	case err != nil:
		return ctx, u, err
	case u.Status != user.Active:
		return ctx, u, s.refuse(ctx, u, user.ErrDisabled, ErrInvalidCredentials(), now)
	case u.Locked(now):
		return ctx, u, s.refuse(ctx, u, user.ErrLocked, ErrLocked(u.LockedUntil, now), now)
	}
	return ctx, u, nil
}

// challenge reads a sign-in challenge by id. Unknown ids and challenges collected after their lifetime look the
// same: otp.ErrExpired.
func (s *Service) challenge(ctx context.Context, id string) (otp.Challenge, error) {
	c, err := s.store.Challenge(ctx, id)
	if errors.Is(err, fault.ErrNotFound) {
		return c, otp.ErrExpired()
	}
	return c, err
}
