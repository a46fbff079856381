// Package factor holds a user's second sign-in factors and their rules: the verified mobile number that SMS
// codes go to, the authenticator app's TOTP secret, and the recovery codes that stand in for the app. It is
// pure: no SDK, no clock; randomness only from crypto/rand, for secrets and nonces.
//
// Nothing stored here can be used as it is: the TOTP secret is sealed with AES-GCM under a key derived from the
// HMAC key (Sealer), recovery codes are kept as HMACs, and a mobile verification code is derived from the
// verification's id with the HMAC key, like a sign-in code (secret.Keyring.Code).
//
// Which factor a user signs in with is on the user (user.TwoFactor.Method); this package says which ones the
// user may choose.
package factor

import (
	"time"

	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// Factors is a user's second factors as stored, one item per user. A user who never set up SMS or an app has
// no item; the zero Factors (with UserID) stands for it.
type Factors struct {
	UserID string `dynamodbav:"userId"`
	// Mobile is the verified mobile number (E.164) that SMS codes go to; empty until one is verified.
	Mobile           string    `dynamodbav:"mobile,omitempty"`
	MobileVerifiedAt time.Time `dynamodbav:"mobileVerifiedAt,omitempty"`
	// Verification is the mobile verification in progress, if any.
	Verification *Verification `dynamodbav:"verification,omitempty"`
	// TOTP is the authenticator app's secret, sealed (see Sealer); empty until an app is enrolled.
	TOTP           string    `dynamodbav:"totp,omitempty"`
	TOTPEnrolledAt time.Time `dynamodbav:"totpEnrolledAt,omitempty"`
	// TOTPLastStep is the time step of the last code accepted: no code of that step or before works again.
	TOTPLastStep int64 `dynamodbav:"totpLastStep"`
	// PendingTOTP is a sealed secret shown to the user but not yet confirmed with a code from the app; it
	// replaces TOTP only when confirmed, before PendingTOTPUntil.
	PendingTOTP      string    `dynamodbav:"pendingTotp,omitempty"`
	PendingTOTPUntil time.Time `dynamodbav:"pendingTotpUntil,omitempty"`
	// RecoveryCodes are the HMACs of the unused recovery codes; using one removes it.
	RecoveryCodes []string `dynamodbav:"recoveryCodes,stringset,omitempty"`
	Version       int      `dynamodbav:"version"`
}

// MobileVerified reports whether SMS codes can be sent.
func (f Factors) MobileVerified() bool { return f.Mobile != "" }

// TOTPEnrolled reports whether an authenticator app is set up.
func (f Factors) TOTPEnrolled() bool { return f.TOTP != "" }

// PendingTOTPAt reports whether an enrolment shown to the user can still be confirmed at now.
func (f Factors) PendingTOTPAt(now time.Time) bool {
	return f.PendingTOTP != "" && now.Before(f.PendingTOTPUntil)
}

// PendingTOTPTTL is how long a new authenticator secret waits for its first code.
const PendingTOTPTTL = 15 * time.Minute

// Methods lists the methods the user may choose now, email first.
func (f Factors) Methods() []string {
	out := []string{user.MethodEmail}
	if f.MobileVerified() {
		out = append(out, user.MethodSMS)
	}
	if f.TOTPEnrolled() {
		out = append(out, user.MethodTOTP)
	}
	return out
}

// Choosable says whether the user may sign in with method: nil, or why not.
func (f Factors) Choosable(method string) error {
	switch method {
	case user.MethodEmail:
		return nil
	case user.MethodSMS:
		if !f.MobileVerified() {
			return ErrMobileNotVerified()
		}
		return nil
	case user.MethodTOTP:
		if !f.TOTPEnrolled() {
			return ErrTOTPNotEnrolled()
		}
		return nil
	}
	return fault.Invalid("method", "invalid_method", "Choose email, sms or totp.")
}

// ErrMobileNotVerified answers a choice of SMS codes before a mobile number was verified.
func ErrMobileNotVerified() error {
	return fault.New(fault.ErrConflict, "mobile-not-verified",
		"Verify your mobile number first: we send it a code, and SMS sign-in codes go to it once you enter that code.")
}

// ErrTOTPNotEnrolled answers a choice of the authenticator app before one was set up.
func ErrTOTPNotEnrolled() error {
	return fault.New(fault.ErrConflict, "totp-not-enrolled",
		"Set up an authenticator app first: scan the QR code and confirm it with a code from the app.")
}

// MethodLabel says for people what a method has them enter after the password, e.g. in emails.
func MethodLabel(method string) string {
	switch method {
	case user.MethodSMS:
		return "a code we text to your mobile and email to you"
	case user.MethodTOTP:
		return "a code from your authenticator app"
	case user.MethodPasskey:
		return "your passkey"
	}
	return "a code we email to you"
}

// Proof is what a code proved about the user's authenticator app: the TOTP step of a current code, or the HMAC
// of an unused recovery code. The write that accepts it spends it (the step, or the recovery code), so one
// code proves possession once.
type Proof struct {
	Step         int64
	RecoveryHash string
}

// Kind names the proof for audit events: "totp" or "recovery-code".
func (p Proof) Kind() string {
	if p.RecoveryHash != "" {
		return "recovery-code"
	}
	return "totp"
}
