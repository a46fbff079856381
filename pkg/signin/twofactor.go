package signin

// The code step follows the user's two-factor method (user.TwoFactor.Method):
//
//	email  the code goes by email (the default, and the fallback whenever the chosen factor is missing)
//	sms    the same code goes by SMS to the verified mobile and by email, as the source portal does
//	totp   nothing is sent; the step takes the authenticator app's current code or one recovery code
//	passkey  nothing is sent; the step takes an assertion of one of the user's passkeys (passkey.go)
//
// Whatever the method, a user who has a passkey may answer the step with it instead (the step's alternatives):
// the code is still sent, and whichever answers first consumes the challenge.
//
// Whatever the method, a guess is counted against the challenge before it is compared and a wrong one costs
// the user's failure budget. An accepted TOTP step or recovery code is spent in the transaction that creates
// the session, so it signs in once.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/factor"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/otp"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/session"
	"github.com/partnerhub/partnerhub/pkg/tally"
	"github.com/partnerhub/partnerhub/pkg/totp"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// TOTPChallengeTTL is how long the code step of an authenticator sign-in stays open: long enough to find the
// phone and open the app. The app's own 30-second codes bound each code.
const TOTPChallengeTTL = 5 * time.Minute

// codeStep is the second step a right password starts: the challenge, the messages that carry its code, and
// the other ways it may be answered.
type codeStep struct {
	challenge otp.Challenge
	messages  []outbox.Message
	// alternatives are the ways besides the challenge's method that answer it: AltPasskey when the user has a
	// passkey and the method is another one (a passkey is the stronger factor, so it may stand in for a code).
	alternatives []string
}

// AltPasskey is the alternative of a code step that the user's passkey may answer (PasskeyOptions, VerifyPasskey).
const AltPasskey = "passkey"

// secondStep starts the code step of u's sign-in at now: the challenge, by u's method, the messages that carry
// its code (none for an authenticator app or a passkey), and its alternatives.
func (s *Service) secondStep(ctx context.Context, u user.User, now time.Time) (codeStep, error) {
	c := otp.New(secret.NewID(), u.ID, u.HomeAccountID, now)
	c.KeyVersion = s.Keys.Current() // its codes are made, and checked, with the key current now
	creds, err := s.store.Passkeys(ctx, u.ID)
	if err != nil {
		return codeStep{}, err
	}
	if u.TwoFactor.Method == user.MethodPasskey && len(creds) > 0 {
		// Nothing is sent: the browser asks the passkey (PasskeyOptions, VerifyPasskey).
		c.Method = user.MethodPasskey
		c.ExpiresAt = now.Add(TOTPChallengeTTL)
		return codeStep{challenge: c, alternatives: []string{}}, nil
	}
	alternatives := []string{}
	if len(creds) > 0 {
		alternatives = append(alternatives, AltPasskey)
	}
	f, err := s.factorsFor(ctx, u, u.TwoFactor.Method)
	if err != nil {
		return codeStep{}, err
	}
	switch {
	case u.TwoFactor.Method == user.MethodTOTP && f.TOTPEnrolled():
		c.Method = user.MethodTOTP
		c.ExpiresAt = now.Add(TOTPChallengeTTL)
		return codeStep{challenge: c, alternatives: alternatives}, nil
	case u.TwoFactor.Method == user.MethodSMS && f.MobileVerified():
		c.Method = user.MethodSMS
	}
	return codeStep{challenge: c, messages: codeMessages(u, f, c, now), alternatives: alternatives}, nil
}

// factorsFor reads u's factors when method needs them; an email sign-in reads nothing more.
func (s *Service) factorsFor(ctx context.Context, u user.User, method string) (factor.Factors, error) {
	if method != user.MethodSMS && method != user.MethodTOTP {
		return factor.Factors{UserID: u.ID}, nil
	}
	return s.store.Factors(ctx, u.ID)
}

// codeMessages are the messages that carry code c.Seq: the email, and for an SMS challenge the text to the
// verified mobile with the same code.
func codeMessages(u user.User, f factor.Factors, c otp.Challenge, now time.Time) []outbox.Message {
	mail := codeEmail(u, c, now)
	if c.Method != user.MethodSMS || !f.MobileVerified() {
		return []outbox.Message{mail}
	}
	text := outbox.Text(outbox.Envelope{
		ID: secret.NewID(), To: f.Mobile, UserID: u.ID, AccountID: c.AccountID, BrandAccountID: u.HomeAccountID,
		SecretRef: secret.CodeRef(c.KeyVersion, c.ID, c.Seq),
	}, outbox.OTPCode{ExpiresIn: otp.CodeTTL}, now) // a text does not name the user
	return []outbox.Message{mail, text}
}

// resendMessages are the messages of a resent code: what the challenge's method sends, to the mobile verified
// now (or by email alone if it no longer is).
func (s *Service) resendMessages(ctx context.Context, u user.User, next otp.Challenge, now time.Time) ([]outbox.Message, error) {
	f, err := s.factorsFor(ctx, u, next.Method)
	if err != nil {
		return nil, err
	}
	return codeMessages(u, f, next, now), nil
}

// verifyApp checks the guess at an authenticator challenge (already counted) and signs in with it: a current
// TOTP code of a step later than the last one used, or an unused recovery code.
func (s *Service) verifyApp(ctx context.Context, c otp.Challenge, u user.User, from session.Client, code string, now time.Time) (SignedIn, error) {
	f, err := s.store.Factors(ctx, u.ID)
	if err != nil {
		return SignedIn{}, err
	}
	spend, replayed, err := s.appProof(ctx, f, code, now)
	if err != nil {
		return SignedIn{}, err
	}
	if spend == nil {
		answer := otp.ErrWrong(c.AttemptsLeft())
		if replayed {
			answer = ErrCodeReplayed(c.AttemptsLeft())
		}
		return SignedIn{}, s.wrongGuess(ctx, u, answer, now)
	}
	return s.consume(ctx, c, u, from, now, spend)
}

// appProof is what adds the write that spends what code proves for f — a TOTP step or a recovery code —, or nil
// when it proves nothing. replayed says the code is one the app showed but that was already used.
func (s *Service) appProof(ctx context.Context, f factor.Factors, code string, now time.Time) (spend func(*dynamo.Tx), replayed bool, err error) {
	if !f.TOTPEnrolled() {
		return nil, false, nil
	}
	if len(code) == totp.Digits && strings.Trim(code, "0123456789") == "" {
		sealer, err := factor.NewSealer(s.Keys)
		if err != nil {
			return nil, false, err
		}
		key, err := sealer.Open(ctx, f.UserID, f.TOTP)
		if err != nil {
			return nil, false, fmt.Errorf("open totp secret of %s: %w", f.UserID, err)
		}
		step, ok := totp.Verify(key, code, now, f.TOTPLastStep)
		if !ok {
			return nil, totp.Replayed(key, code, now, f.TOTPLastStep), nil
		}
		return func(tx *dynamo.Tx) { tx.SpendTOTPStep(f.UserID, f.TOTP, step, errFactorSpent) }, false, nil
	}
	normalized, ok := factor.NormalizeRecoveryCode(code)
	if !ok {
		return nil, false, nil
	}
	hash, ok := f.MatchRecoveryCode(ctx, s.Keys, normalized)
	if !ok {
		return nil, false, nil
	}
	return func(tx *dynamo.Tx) { tx.SpendRecoveryCode(f.UserID, hash, errFactorSpent) }, false, nil
}

// wrongGuess records a wrong code in u's failure budget and answers it: answer, or the lock it caused.
func (s *Service) wrongGuess(ctx context.Context, u user.User, answer error, now time.Time) error {
	after, err := s.store.UpdateLoginState(ctx, u, func(u user.User) user.User { return s.Budget.Fail(u, user.ErrWrongCode, now) })
	if err != nil {
		return err
	}
	s.Count.Count(ctx, tally.OTPFailures)
	if after.Locked(now) {
		if after.LockedUntil.Equal(now.Add(s.Budget.Lock)) { // this guess spent the budget, not an earlier one
			s.Count.Count(ctx, tally.Lockouts)
		}
		return ErrLocked(after.LockedUntil, now)
	}
	return answer
}

// ErrCodeReplayed answers an authenticator code that already signed someone in: each works once, so the user
// waits for the app's next code.
func ErrCodeReplayed(attemptsLeft int) error {
	return fault.New(fault.ErrUnauthorized, "code-replayed",
		"This code from your authenticator app was already used. Wait for the next code and enter that one.").With("attemptsLeft", attemptsLeft)
}

// errFactorSpent means the TOTP step or recovery code that proved a sign-in was spent by a concurrent request.
var errFactorSpent = errors.New("second factor spent since it was read")

// ErrFactorSpent answers a TOTP code or recovery code that a concurrent request used first.
func ErrFactorSpent() error {
	return fault.New(fault.ErrAlreadyUsed, "code-used", "This code has already been used. Enter a new code from your app, or another recovery code.")
}

// codeShaped reports whether a submitted code can be one: six digits, or a recovery code.
func codeShaped(code string) bool {
	if len(code) == secret.CodeDigits && strings.Trim(code, "0123456789") == "" {
		return true
	}
	_, ok := factor.NormalizeRecoveryCode(code)
	return ok
}
