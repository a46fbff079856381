package twofactor

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
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
	text, err := outbox.Put(s.store.Table, outbox.Message{
		ID: secret.NewID(), Template: "mobile-verification", Channel: outbox.ChannelSMS, To: number,
		UserID: u.ID, AccountID: u.HomeAccountID, SecretRef: secret.CodeRef(v.ID, factor.CodeSeq),
		BrandAccountID: u.HomeAccountID, CreatedAt: now,
	})
	if err != nil {
		return CodeSent{}, err
	}
	if err := s.store.StartVerification(ctx, u.ID, v, text); err != nil {
		return CodeSent{}, err
	}
	return CodeSent{Status: "sent", Mobile: factor.MaskMobile(number), ExpiresInSeconds: int(factor.VerificationTTL.Seconds())}, nil
}

// raceTries bounds how often a use case re-reads factors that a concurrent request changed under it.
const raceTries = 4

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
	var v factor.Verification
	for try := 0; ; try++ {
		if err := f.Verification.Check(now); err != nil {
			return Settings{}, err
		}
		v, err = s.store.CountVerificationAttempt(ctx, u.ID, f.Verification.ID)
		if err == nil {
			break
		}
		if !errors.Is(err, dynamo.ErrFactorChanged) || try == raceTries {
			return Settings{}, err
		}
		if f, err = s.store.Factors(ctx, u.ID); err != nil { // a new text or a concurrent guess: look again
			return Settings{}, err
		}
	}
	if !s.keys.CheckCode(v.ID, factor.CodeSeq, code) {
		return Settings{}, factor.ErrWrongCode(v.AttemptsLeft())
	}
	verify, err := s.store.VerifyMobile(u.ID, v, now)
	if err != nil {
		return Settings{}, err
	}
	ev, err := s.event(u, u.ID, "user.mobile-verified", now, map[string]string{"mobile": factor.MaskMobile(v.Mobile)})
	if err != nil {
		return Settings{}, err
	}
	items := []types.TransactWriteItem{verify, s.store.SetUserMobile(u.ID, v.Mobile), ev}
	used := fault.New(fault.ErrAlreadyUsed, "code-used", "This code was already used, or a newer one was sent.")
	if err := s.transact(ctx, items, used); err != nil {
		return Settings{}, fmt.Errorf("verify mobile: %w", err)
	}
	s.log.InfoContext(ctx, "mobile verified", "userId", u.ID)
	f.Mobile, f.MobileVerifiedAt, f.Verification = v.Mobile, now, nil
	u.Mobile = v.Mobile
	return settingsOf(u, f), nil
}
