package twofactor

import (
	"context"
	"crypto/rand"
	"fmt"

	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/factor"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/totp"
)

// Enrolment is a new authenticator secret, shown once: the QR code to scan, or the secret to type in.
type Enrolment struct {
	OTPAuthURI string `json:"otpauthUri"`
	// QRCode is the otpauth URI as a QR code: a PNG data URL (data:image/png;base64,...).
	QRCode string `json:"qrCode"`
	// Secret is the key in base32, for apps that cannot scan.
	Secret           string `json:"secret"`
	Issuer           string `json:"issuer"`
	Account          string `json:"account"`
	Digits           int    `json:"digits"`
	PeriodSeconds    int    `json:"periodSeconds"`
	ExpiresInSeconds int    `json:"expiresInSeconds"`
}

// StartApp makes a new authenticator secret for the caller. It is stored sealed and pending: it replaces an
// enrolled app only once ConfirmApp receives a code from it, within 15 minutes. The secret appears in this
// answer and nowhere else.
func (s *Service) StartApp(ctx context.Context, a actor.Actor) (Enrolment, error) {
	u, err := s.userFor(ctx, a.UserID)
	if err != nil {
		return Enrolment{}, err
	}
	key := make([]byte, totp.SecretSize)
	_, _ = rand.Read(key) // crypto/rand.Read never fails on supported platforms
	now := s.clock.Now()
	if err := s.store.SetPendingTOTP(ctx, u.ID, s.sealer.Seal(u.ID, key), now.Add(factor.PendingTOTPTTL)); err != nil {
		return Enrolment{}, err
	}
	uri := totp.URI(Issuer, u.Email, key)
	qr, err := QRDataURL(uri)
	if err != nil {
		return Enrolment{}, err
	}
	return Enrolment{
		OTPAuthURI: uri, QRCode: qr, Secret: totp.EncodeSecret(key), Issuer: Issuer, Account: u.Email,
		Digits: totp.Digits, PeriodSeconds: int(totp.Period.Seconds()), ExpiresInSeconds: int(factor.PendingTOTPTTL.Seconds()),
	}, nil
}

// Confirmed is the answer to a confirmed authenticator app: the recovery codes, shown once, and the settings.
type Confirmed struct {
	RecoveryCodes []string `json:"recoveryCodes"`
	Settings
}

// ConfirmApp activates the pending authenticator secret with a current code from the app and returns ten new
// recovery codes (earlier ones stop working). The code's step counts as used: it cannot sign in afterwards.
// Choosing the app for sign-in is a separate step (Choose).
func (s *Service) ConfirmApp(ctx context.Context, a actor.Actor, code string) (Confirmed, error) {
	if err := s.limits.Take(ctx, ConfirmsPerUser, a.UserID); err != nil {
		return Confirmed{}, err
	}
	u, err := s.userFor(ctx, a.UserID)
	if err != nil {
		return Confirmed{}, err
	}
	now := s.clock.Now()
	f, err := s.store.Factors(ctx, u.ID)
	if err != nil {
		return Confirmed{}, err
	}
	if !f.PendingTOTPAt(now) {
		return Confirmed{}, errNoEnrolment
	}
	key, err := s.sealer.Open(ctx, u.ID, f.PendingTOTP)
	if err != nil {
		return Confirmed{}, fmt.Errorf("open pending totp secret of %s: %w", u.ID, err)
	}
	step, ok := totp.Verify(key, code, now, 0)
	if !ok {
		return Confirmed{}, fault.New(fault.ErrInvalid, "wrong-code",
			"The code is not correct. Check that the app shows PartnerHub and that your phone's clock is right, then enter the current code.")
	}
	codes, hashes := s.recoveryCodes(u.ID)
	tx := s.store.Tx().
		ActivateTOTP(u.ID, f.PendingTOTP, step, hashes, now, errNoEnrolment).
		Audit(event(u, u.ID, audit.UserTOTPEnrolled, now, nil))
	if err := s.store.Commit(ctx, tx); err != nil {
		return Confirmed{}, err
	}
	s.log.InfoContext(ctx, "authenticator app enrolled", "userId", u.ID)
	f.TOTP, f.TOTPEnrolledAt, f.TOTPLastStep, f.RecoveryCodes = f.PendingTOTP, now, step, hashes
	f.PendingTOTP = ""
	return Confirmed{RecoveryCodes: codes, Settings: settingsOf(u, f)}, nil
}

// errNoEnrolment answers a confirmation without a pending secret: never started, expired, or confirmed already.
var errNoEnrolment = fault.New(fault.ErrConflict, "no-enrolment",
	"There is no authenticator set-up waiting for a code (it lasts 15 minutes). Start again to get a new QR code.")
