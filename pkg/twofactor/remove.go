package twofactor

// Managing factors already set up: removing the authenticator app or the verified mobile, and replacing the
// recovery codes. Removing a factor the user signs in with falls back to email codes in the same transaction,
// so no user is left with a method whose factor is gone. Touching the app needs proof of holding it (a code
// from the app, or a recovery code): a session left open on a shared computer must not be enough to take the
// strongest factor off or to read fresh recovery codes.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/factor"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/totp"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// Changes named in the "twofactor-changed" email by the use cases here.
const (
	changeAppRemoved    = "totp-removed"
	changeMobileRemoved = "mobile-removed"
	changeRecoveryCodes = "recovery-codes"
)

// RemoveApp removes the caller's authenticator app and its recovery codes, proven with a current code from the
// app or an unused recovery code (which it spends). Every guess counts against ConfirmsPerUser before it is
// compared. If the caller signed in with the app, they sign in with email codes from now on.
func (s *Service) RemoveApp(ctx context.Context, a actor.Actor, code string) (Settings, error) {
	if err := s.limits.Take(ctx, ConfirmsPerUser, a.UserID); err != nil {
		return Settings{}, err
	}
	u, f, err := s.appOwner(ctx, a)
	if err != nil {
		return Settings{}, err
	}
	now := s.clock.Now()
	p, err := s.prove(ctx, f, code, now, true)
	if err != nil {
		return Settings{}, err
	}
	details := map[string]string{"proof": p.Kind()}
	tx := s.store.Tx().RemoveTOTP(u.ID, f.TOTP, p, errFactorRace)
	s.fallBack(tx, u, user.MethodTOTP, details)
	after := u
	after.TwoFactor.Method = methodAfter(u, user.MethodTOTP)
	notices(tx, u, after, audit.UserTOTPRemoved, changeAppRemoved, details, now)
	if err := s.store.Commit(ctx, tx); err != nil {
		return Settings{}, s.raced(ctx, err, u.ID, user.MethodTOTP, f, p)
	}
	s.log.InfoContext(ctx, "authenticator app removed", "userId", u.ID, "method", methodOf(after))
	f.TOTP, f.TOTPEnrolledAt, f.RecoveryCodes, f.PendingTOTP = "", time.Time{}, nil, ""
	return settingsOf(after, f), nil
}

// NewRecoveryCodes replaces the caller's ten recovery codes, proven with a current code from the app (not a
// recovery code: the codes being replaced are what may have leaked). The old codes stop working in the same
// write; the new ones are in this answer and nowhere else.
func (s *Service) NewRecoveryCodes(ctx context.Context, a actor.Actor, code string) (Confirmed, error) {
	if err := s.limits.Take(ctx, ConfirmsPerUser, a.UserID); err != nil {
		return Confirmed{}, err
	}
	u, f, err := s.appOwner(ctx, a)
	if err != nil {
		return Confirmed{}, err
	}
	now := s.clock.Now()
	p, err := s.prove(ctx, f, code, now, false)
	if err != nil {
		return Confirmed{}, err
	}
	codes, hashes := s.recoveryCodes(u.ID)
	tx := s.store.Tx().ReplaceRecoveryCodes(u.ID, f.TOTP, p.Step, hashes, errFactorRace)
	notices(tx, u, u, audit.UserRecoveryCodesReplaced, changeRecoveryCodes, nil, now)
	if err := s.store.Commit(ctx, tx); err != nil {
		return Confirmed{}, s.raced(ctx, err, u.ID, user.MethodTOTP, f, p)
	}
	s.log.InfoContext(ctx, "recovery codes replaced", "userId", u.ID)
	f.TOTPLastStep, f.RecoveryCodes = p.Step, hashes
	return Confirmed{RecoveryCodes: codes, Settings: settingsOf(u, f)}, nil
}

// RemoveMobile removes the caller's verified mobile: no SMS code goes to it again. If the caller signed in with
// SMS codes, they sign in with email codes from now on. The number on the profile stays: it is contact data.
func (s *Service) RemoveMobile(ctx context.Context, a actor.Actor) (Settings, error) {
	u, err := s.userFor(ctx, a.UserID)
	if err != nil {
		return Settings{}, err
	}
	f, err := s.store.Factors(ctx, u.ID)
	if err != nil {
		return Settings{}, err
	}
	if !f.MobileVerified() {
		return Settings{}, factor.ErrMobileNotVerified()
	}
	now := s.clock.Now()
	details := map[string]string{"mobile": factor.MaskMobile(f.Mobile)}
	tx := s.store.Tx().RemoveMobile(u.ID, f.Mobile, errFactorRace)
	s.fallBack(tx, u, user.MethodSMS, details)
	after := u
	after.TwoFactor.Method = methodAfter(u, user.MethodSMS)
	notices(tx, u, after, audit.UserMobileRemoved, changeMobileRemoved, details, now)
	if err := s.store.Commit(ctx, tx); err != nil {
		return Settings{}, s.raced(ctx, err, u.ID, user.MethodSMS, f, factor.Proof{})
	}
	s.log.InfoContext(ctx, "mobile removed", "userId", u.ID, "method", methodOf(after))
	f.Mobile, f.MobileVerifiedAt = "", time.Time{}
	return settingsOf(after, f), nil
}

// appOwner reads the caller and their factors, which must include an enrolled authenticator app.
func (s *Service) appOwner(ctx context.Context, a actor.Actor) (user.User, factor.Factors, error) {
	u, err := s.userFor(ctx, a.UserID)
	if err != nil {
		return u, factor.Factors{}, err
	}
	f, err := s.store.Factors(ctx, u.ID)
	if err != nil {
		return u, f, err
	}
	if !f.TOTPEnrolled() {
		return u, f, factor.ErrTOTPNotEnrolled()
	}
	return u, f, nil
}

// prove checks code against f's enrolled app: a current code of a step later than the last one used, or, when
// recovery allows it, an unused recovery code. The answer is a proof to spend, or errWrongAppCode.
func (s *Service) prove(ctx context.Context, f factor.Factors, code string, now time.Time, recovery bool) (factor.Proof, error) {
	if len(code) == totp.Digits && strings.Trim(code, "0123456789") == "" {
		key, err := s.sealer.Open(ctx, f.UserID, f.TOTP)
		if err != nil {
			return factor.Proof{}, fmt.Errorf("open totp secret of %s: %w", f.UserID, err)
		}
		if step, ok := totp.Verify(key, code, now, f.TOTPLastStep); ok {
			return factor.Proof{Step: step}, nil
		}
		return factor.Proof{}, errWrongAppCode
	}
	if n, ok := factor.NormalizeRecoveryCode(code); ok && recovery {
		if h, ok := f.MatchRecoveryCode(ctx, s.keys, n); ok {
			return factor.Proof{RecoveryHash: h}, nil
		}
	}
	return factor.Proof{}, errWrongAppCode
}

// recoveryCodes makes a new set of recovery codes for a user: as shown, and as stored.
func (s *Service) recoveryCodes(userID string) (codes, hashes []string) {
	codes = factor.NewRecoveryCodes()
	hashes = make([]string, len(codes))
	for i, c := range codes {
		n, _ := factor.NormalizeRecoveryCode(c) // NewRecoveryCodes makes only valid codes
		hashes[i] = factor.RecoveryHash(s.keys, userID, n)
	}
	return codes, hashes
}

// methodAfter is u's method once the factor of method removed is gone: email if u signed in with it.
func methodAfter(u user.User, removed string) string {
	if methodOf(u) == removed {
		return user.MethodEmail
	}
	return methodOf(u)
}

// fallBack adds to tx the write on the user that goes with removing the factor of method removed: the method
// falls back to email if it was that one, and otherwise must still be what was read. Either way a concurrent
// choice of the removed factor cannot commit unseen. details gains the change of method, if any.
func (s *Service) fallBack(tx *dynamo.Tx, u user.User, removed string, details map[string]string) {
	if methodOf(u) != removed {
		tx.KeepMethod(u.ID, u.TwoFactor.Method, errFactorRace)
		return
	}
	details["from"], details["to"] = removed, user.MethodEmail
	tx.ReplaceMethod(u.ID, u.TwoFactor.Method, user.MethodEmail, errFactorRace)
}

// notices adds to tx the audit event of action and the "twofactor-changed" email of change, which names the
// method of after (u once changed).
func notices(tx *dynamo.Tx, u, after user.User, action audit.Action, change string, details map[string]string, now time.Time) {
	tx.Audit(event(u, u.ID, action, now, details)).Send(changedEmail(u, change, methodOf(after), "", now))
}

// raced answers a change to the factor of method which whose transaction failed: when a condition failed, it
// reads the factors again and says what is true now (the factor gone or replaced, the proof spent by a
// concurrent request, or the method changed meanwhile).
func (s *Service) raced(ctx context.Context, err error, userID, which string, read factor.Factors, p factor.Proof) error {
	if !errors.Is(err, errFactorRace) {
		return err
	}
	now, rerr := s.store.Factors(ctx, userID)
	switch {
	case rerr != nil:
		return rerr
	case which == user.MethodTOTP && now.TOTP != read.TOTP:
		return factor.ErrTOTPNotEnrolled()
	case which == user.MethodSMS && now.Mobile != read.Mobile:
		return factor.ErrMobileNotVerified()
	case p.RecoveryHash != "" && !slices.Contains(now.RecoveryCodes, p.RecoveryHash),
		p.RecoveryHash == "" && p.Step != 0 && now.TOTPLastStep >= p.Step:
		return errCodeUsed
	}
	return fault.New(fault.ErrConflict, "stale-version", "Your two-factor settings changed meanwhile; reload and try again.")
}

var (
	errFactorRace = errors.New("second factor or method changed since it was read")
	// errWrongAppCode answers a code that proves nothing: wrong, too old, already used, or a recovery code
	// where one is not accepted.
	errWrongAppCode = fault.New(fault.ErrInvalid, "wrong-code",
		"The code is not correct. Enter the current code from your authenticator app (or, to remove the app, one of your recovery codes).")
	errCodeUsed = fault.New(fault.ErrAlreadyUsed, "code-used", "This code has already been used. Enter the next code from your app.")
)
