package twofactor

import (
	"context"
	"fmt"

	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/factor"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/secret"
)

// CodeSent is the answer to a request for a verification text.
type CodeSent struct {
	Status string `json:"status"` // "sent"
	// Mobile is the number the code went to, masked.
	Mobile           string `json:"mobile"`
	ExpiresInSeconds int    `json:"expiresInSeconds"`
}

// SendVerification texts a six-digit code to mobile, valid for ten minutes and five guesses. The verification
// replaces any earlier one, whose code stops working. Texts are limited per user and per number.
func (s *Service) SendVerification(ctx context.Context, a actor.Actor, mobile string) (CodeSent, error) {
	number, err := factor.NormalizeMobile("mobile", mobile)
	if err != nil {
		return CodeSent{}, err
	}
	if err := s.limits.Take(ctx, TextsPerUser, a.UserID); err != nil {
		return CodeSent{}, err
	}
	if err := s.limits.Take(ctx, TextsPerNumber, s.keys.Hash("mobile:"+number)); err != nil {
		return CodeSent{}, err
	}
	u, err := s.userFor(ctx, a.UserID)
	if err != nil {
		return CodeSent{}, err
	}
	now := s.clock.Now()
	v := factor.NewVerification(secret.NewID(), number, now)
	v.KeyVersion = s.keys.Current() // its code is made, and checked, with the key current now
	text := outbox.Text(outbox.Envelope{
		ID: secret.NewID(), To: number, UserID: u.ID, AccountID: u.HomeAccountID, BrandAccountID: u.HomeAccountID,
		SecretRef: secret.CodeRef(v.KeyVersion, v.ID, factor.CodeSeq),
	}, outbox.MobileVerification{}, now)
	if err := s.store.Commit(ctx, s.store.Tx().StartVerification(u.ID, v).Send(text)); err != nil {
		return CodeSent{}, err
	}
	return CodeSent{Status: "sent", Mobile: factor.MaskMobile(number), ExpiresInSeconds: int(factor.VerificationTTL.Seconds())}, nil
}

// ConfirmMobile checks the code texted by SendVerification. The guess is counted before it is compared; the
// right code, within its ten minutes, makes the number the user's verified mobile (on the profile too), once.
func (s *Service) ConfirmMobile(ctx context.Context, a actor.Actor, code string) (Settings, error) {
	u, err := s.userFor(ctx, a.UserID)
	if err != nil {
		return Settings{}, err
	}
	now := s.clock.Now()
	f, err := s.store.Factors(ctx, u.ID)
	if err != nil {
		return Settings{}, err
	}
	// A new text or a concurrent guess may change the verification first: the store reads it again.
	v, f, err := s.store.CountVerificationAttempt(ctx, f, func(v *factor.Verification) error { return v.Check(now) })
	if err != nil {
		return Settings{}, err
	}
	if !s.keys.CheckCode(ctx, v.KeyVersion, v.ID, factor.CodeSeq, code) {
		return Settings{}, factor.ErrWrongCode(v.AttemptsLeft())
	}
	used := fault.New(fault.ErrAlreadyUsed, "code-used", "This code was already used, or a newer one was sent.")
	tx := s.store.Tx().
		VerifyMobile(u.ID, v, now, used).
		SetUserMobile(u.ID, v.Mobile, used).
		Audit(event(u, u.ID, audit.UserMobileVerified, now, map[string]string{"mobile": factor.MaskMobile(v.Mobile)}))
	if err := s.store.Commit(ctx, tx); err != nil {
		return Settings{}, fmt.Errorf("verify mobile: %w", err)
	}
	s.log.InfoContext(ctx, "mobile verified", "userId", u.ID)
	f.Mobile, f.MobileVerifiedAt, f.Verification = v.Mobile, now, nil
	u.Mobile = v.Mobile
	return settingsOf(u, f), nil
}
