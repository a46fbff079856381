package factor

import (
	"github.com/partnerhub/partnerhub/pkg/secret"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/partnerhub/partnerhub/pkg/fault"
)

// Limits of a mobile verification.
const (
	// VerificationTTL is how long the code texted to a new mobile number works.
	VerificationTTL = 10 * time.Minute
	// VerificationAttempts is how many guesses one code allows.
	VerificationAttempts = 5
)

// Verification is a mobile number waiting for the code that was texted to it. The code is not stored: it is
// derived from ID with the HMAC key (secret.Keyring.CheckCode with KeyVersion), as the mailer derives it to send it.
type Verification struct {
	ID        string    `dynamodbav:"id"`
	Mobile    string    `dynamodbav:"mobile"`
	SentAt    time.Time `dynamodbav:"sentAt"`
	ExpiresAt time.Time `dynamodbav:"expiresAt"`
	Attempts  int       `dynamodbav:"attempts"`
	// KeyVersion is the version of the HMAC key its code is made with; 0, as stored before keys had versions,
	// is version 1.
	KeyVersion secret.Version `dynamodbav:"keyVersion,omitempty"`
}

// NewVerification starts the verification of mobile, whose code is texted now.
func NewVerification(id, mobile string, now time.Time) Verification {
	return Verification{ID: id, Mobile: mobile, SentAt: now, ExpiresAt: now.Add(VerificationTTL)}
}

// CodeSeq is the number of the verification's code for secret.Keyring.Code: one code per verification; asking
// again starts a new verification with a new id.
const CodeSeq = 1

// Check says whether the code may still be guessed at now: nil, or why not.
func (v *Verification) Check(now time.Time) error {
	switch {
	case v == nil:
		return ErrNoVerification()
	case !now.Before(v.ExpiresAt):
		return fault.New(fault.ErrExpired, "code-expired", "This code has expired. Ask for a new one.")
	case v.Attempts >= VerificationAttempts:
		return fault.New(fault.ErrExpired, "code-dead", "Too many wrong codes: this code no longer works. Ask for a new one.")
	}
	return nil
}

// AttemptsLeft is how many more guesses the code allows.
func (v Verification) AttemptsLeft() int { return max(VerificationAttempts-v.Attempts, 0) }

// ErrNoVerification answers a code when no verification is waiting.
func ErrNoVerification() error {
	return fault.New(fault.ErrConflict, "no-verification", "No code was sent to a mobile number: ask for one first.")
}

// ErrWrongCode answers a wrong verification code, with the guesses left. It is a 400, not a 401: the caller is
// signed in, and only the code is wrong.
func ErrWrongCode(left int) error {
	detail := "The code is not correct."
	if left == 0 {
		detail = "The code is not correct, and this code no longer works. Ask for a new one."
	}
	return fault.New(fault.ErrInvalid, "wrong-code", detail).With("attemptsLeft", left)
}

// E.164 bounds: a country code and subscriber number of at most 15 digits; 8 is the shortest mobile number in
// use with its country code.
const (
	minDigits = 8
	maxDigits = 15
)

// NormalizeMobile returns a mobile number in E.164 (+<country code><number>), or a validation error for field.
// Spaces, dots, dashes and brackets are dropped and a leading 00 reads as +; a number without its country code
// is refused, since the service cannot guess it.
func NormalizeMobile(field, raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", fault.Invalid(field, "required", "Enter your mobile number.")
	}
	if utf8.RuneCountInString(s) > 32 {
		return "", fault.Invalid(field, "too_long", "This is not a mobile number.")
	}
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(" .-()\u00a0", r) {
			return -1
		}
		return r
	}, s)
	if strings.HasPrefix(s, "00") {
		s = "+" + s[2:]
	}
	digits := strings.TrimPrefix(s, "+")
	switch {
	case !strings.HasPrefix(s, "+"):
		return "", fault.Invalid(field, "invalid_mobile", "Enter the number in international format: + and the country code, e.g. +44 7700 900123.")
	case digits == "" || strings.Trim(digits, "0123456789") != "" || digits[0] == '0':
		return "", fault.Invalid(field, "invalid_mobile", "This is not a mobile number: use + and the country code, then digits only.")
	case len(digits) < minDigits || len(digits) > maxDigits:
		return "", fault.Invalid(field, "invalid_mobile", "A mobile number has 8 to 15 digits with its country code.")
	}
	return s, nil
}

// MaskMobile shows enough of a number for its owner to recognise it: +44•••••••123.
func MaskMobile(m string) string {
	if len(m) < 7 {
		return m
	}
	return m[:3] + strings.Repeat("•", len(m)-6) + m[len(m)-3:]
}
