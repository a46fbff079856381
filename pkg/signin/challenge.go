package signin

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/otp"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// raceTries bounds how often a use case re-reads a challenge that a concurrent request changed under it.
const raceTries = 4

// Verify is the code step: the right code, within its 60 seconds, before its guesses run out, signs the user in
// exactly once. The guess is counted before the code is compared, and the challenge is consumed in the same
// transaction that creates the session.
func (s *Service) Verify(ctx context.Context, challengeID, code, sourceIP string) (SignedIn, error) {
	if err := s.limitIP(ctx, CodePerIP, sourceIP); err != nil {
		return SignedIn{}, err
	}
	now := s.Clock.Now()
	c, err := s.Store.Challenge(ctx, challengeID)
	if errors.Is(err, fault.ErrNotFound) {
		// Unknown ids and challenges collected after their lifetime look the same.
		return SignedIn{}, otp.ErrExpired()
	}
	if err != nil {
		return SignedIn{}, err
	}
	u, err := s.Store.User(ctx, c.UserID)
	if errors.Is(err, fault.ErrNotFound) {
		return SignedIn{}, ErrInvalidCredentials()
	}
	if err != nil {
		return SignedIn{}, err
	}
	if u.Status != user.Active {
		return SignedIn{}, s.refuse(ctx, u, user.ErrDisabled, ErrInvalidCredentials(), now)
	}
	if u.Locked(now) {
		return SignedIn{}, s.refuse(ctx, u, user.ErrLocked, ErrLocked(u.LockedUntil, now), now)
	}

	if c, err = s.countAttempt(ctx, c, u, now); err != nil {
		return SignedIn{}, err
	}
	if c.Method == user.MethodTOTP {
		return s.verifyApp(ctx, c, u, code, now) // a TOTP code or a recovery code, in twofactor.go
	}
	if !s.Keys.CheckCode(c.ID, c.Seq, code) {
		after, err := s.Store.UpdateLoginState(ctx, u, func(u user.User) user.User { return s.Budget.Fail(u, user.ErrWrongCode, now) })
		if err != nil {
			return SignedIn{}, err
		}
		if after.Locked(now) {
			return SignedIn{}, ErrLocked(after.LockedUntil, now)
		}
		return SignedIn{}, otp.ErrWrong(c.AttemptsLeft())
	}
	return s.consume(ctx, c, u, now)
}

// countAttempt spends one guess at the current code of c, re-reading c when a concurrent request changed it
// first. It answers the code's state when no guess is left to spend.
func (s *Service) countAttempt(ctx context.Context, c otp.Challenge, u user.User, now time.Time) (otp.Challenge, error) {
	for range raceTries {
		if err := c.Check(now); err != nil {
			if c.Status == otp.Pending && !now.Before(c.ExpiresAt) {
				return c, s.refuse(ctx, u, user.ErrExpiredCode, err, now)
			}
			return c, err
		}
		counted, err := s.Store.CountAttempt(ctx, c, now)
		if err == nil {
			return counted, nil
		}
		if !errors.Is(err, dynamo.ErrChallengeMoved) {
			return c, err
		}
		if c, err = s.reread(ctx, c.ID); err != nil {
			return c, err
		}
	}
	return c, fmt.Errorf("count attempt on %s: %w", c.ID, fault.ErrConflict)
}

// consume signs in with the right code c.Seq, spending the second factor that proved it (spend, for an
// authenticator challenge). When the transaction finds the challenge moved, it re-reads it: a concurrent request
// that signed in first, a resend, or expiry decide the answer; plain contention is retried. A factor spent by a
// concurrent request answers code-used.
func (s *Service) consume(ctx context.Context, c otp.Challenge, u user.User, now time.Time, spend ...types.TransactWriteItem) (SignedIn, error) {
	for range raceTries {
		in, err := s.startSession(ctx, u, &c, now, spend...)
		if errors.Is(err, dynamo.ErrFactorChanged) {
			return SignedIn{}, ErrFactorSpent()
		}
		if err == nil || !errors.Is(err, dynamo.ErrChallengeMoved) {
			return in, err
		}
		latest, err := s.reread(ctx, c.ID)
		if err != nil {
			return SignedIn{}, err
		}
		switch {
		case latest.Status == otp.Used:
			return SignedIn{}, otp.ErrUsed()
		case latest.Seq != c.Seq || !now.Before(latest.ExpiresAt):
			return SignedIn{}, otp.ErrExpired() // a newer code replaced this one, or its time ran out
		}
	}
	return SignedIn{}, fmt.Errorf("consume challenge %s: %w", c.ID, fault.ErrConflict)
}

func (s *Service) reread(ctx context.Context, id string) (otp.Challenge, error) {
	c, err := s.Store.Challenge(ctx, id)
	if errors.Is(err, fault.ErrNotFound) {
		return c, otp.ErrExpired()
	}
	return c, err
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
	c, err := s.Store.Challenge(ctx, challengeID)
	if errors.Is(err, fault.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	next, ok := c.Resend(now)
	if !ok || c.Method == user.MethodTOTP { // an authenticator app makes its own codes: nothing to send
		return nil
	}
	u, err := s.Store.User(ctx, c.UserID)
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
	if err := s.Store.ResendChallenge(ctx, c, next, msgs...); err != nil && !errors.Is(err, dynamo.ErrChallengeMoved) {
		return err
	}
	return nil
}
