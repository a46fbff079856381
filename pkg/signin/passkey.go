package signin

// Passkeys at sign-in (WebAuthn), in two ways:
//
//	second factor  after the right password, a user whose method is passkey gets an OTP challenge of method
//	               passkey (nothing is sent); PasskeyOptions makes the assertion options for that challenge
//	               and VerifyPasskey signs in with the assertion. The challenge counts the attempt before the
//	               assertion is checked, and a refused one costs the user's failure budget, as a wrong code does.
//	               A user of another method who has a passkey may answer their challenge the same way, instead
//	               of the code that was sent (the step's alternatives, see AltPasskey): within the code's time
//	               and guesses, and whichever answer comes first consumes the challenge, so the other is
//	               refused as used.
//	passwordless   PasswordlessOptions makes options for any discoverable credential with user verification
//	               required; SignInWithPasskey finds the user by the credential id, checks them as a password
//	               would (active, member of a usable account, not locked) and signs in. A passkey that verifies
//	               the user (PIN, biometrics) is two factors in itself: something held and something known or been.
//
// Each ceremony's challenge is stored as its HMAC only and consumed, with the passkey's new sign count, in the
// transaction that creates the session: one challenge signs in once. A sign count that goes back (a cloned
// authenticator) is refused.

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/otp"
	"github.com/partnerhub/partnerhub/pkg/passkey"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/session"
	"github.com/partnerhub/partnerhub/pkg/tally"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// PasskeyOptions is a begun passkey sign-in: the options for navigator.credentials.get.
type PasskeyOptions struct {
	// PublicKey is PublicKeyCredentialRequestOptions, binary members base64url-encoded.
	PublicKey        json.RawMessage `json:"publicKey"`
	ExpiresInSeconds int             `json:"expiresInSeconds"`
}

var (
	errNoParty = fault.New(fault.ErrUnavailable, "unavailable", "Passkeys are not available here.")
	// errPasskeySpent means the ceremony or the passkey's sign count moved since they were read: a concurrent
	// sign-in with the same answer got there first.
	errPasskeySpent = errors.New("passkey ceremony consumed since it was read")
)

// ErrCeremonyExpired answers an answer to a ceremony that is unknown, ran out, or belongs to another sign-in.
func ErrCeremonyExpired() error {
	return fault.New(fault.ErrExpired, "ceremony-expired", "This passkey request has expired or was already used. Start again.")
}

// ErrCeremonyUsed answers an answer whose ceremony a concurrent request consumed first.
func ErrCeremonyUsed() error {
	return fault.New(fault.ErrAlreadyUsed, "ceremony-used", "This passkey request was already used. Start again.")
}

// ErrPasskeyRefused answers an assertion the relying party refused (bad signature, another site, a passkey
// that is not the user's), with the challenge's guesses left.
func ErrPasskeyRefused(attemptsLeft int) error {
	return fault.New(fault.ErrUnauthorized, "passkey-refused", "Your passkey could not be verified. Try again.").With("attemptsLeft", attemptsLeft)
}

// ErrPasskeyCloned answers an assertion whose sign count went back: the passkey may have been copied.
func ErrPasskeyCloned() error {
	return fault.New(fault.ErrUnauthorized, "passkey-cloned",
		"This passkey's signature counter went back, as a copied passkey's would. Sign in another way and tell your administrator.")
}

// ErrNotPasswordless answers a passwordless sign-in with a passkey that does not verify its user.
func ErrNotPasswordless() error {
	return fault.New(fault.ErrUnauthorized, "passkey-not-passwordless",
		"This passkey does not verify you with a PIN or biometrics, so it signs in only after your password.")
}

// PasskeyOptions begins the passkey step of the sign-in whose OTP challenge is challengeID, whatever its
// method: assertion options for the user's passkeys, bound to that challenge, open no longer than its code.
func (s *Service) PasskeyOptions(ctx context.Context, challengeID string, from session.Client) (PasskeyOptions, error) {
	if s.Passkeys == nil {
		return PasskeyOptions{}, errNoParty
	}
	if err := s.limitIP(ctx, CodePerIP, from.IP); err != nil {
		return PasskeyOptions{}, err
	}
	now := s.Clock.Now()
	c, err := s.challenge(ctx, challengeID)
	if err != nil {
		return PasskeyOptions{}, err
	}
	if err := c.Check(now); err != nil {
		return PasskeyOptions{}, err
	}
	creds, err := s.store.Passkeys(ctx, c.UserID)
	if err != nil {
		return PasskeyOptions{}, err
	}
	if len(creds) == 0 { // a passkey answers a challenge of any method, of a user who has one
		return PasskeyOptions{}, fault.New(fault.ErrConflict, "passkey-not-registered", "You have no passkey: enter the code instead.")
	}
	b, err := s.Passkeys.BeginLogin(creds, false)
	if err != nil {
		return PasskeyOptions{}, err
	}
	until := now.Add(passkey.CeremonyTTL)
	if c.ExpiresAt.Before(until) {
		until = c.ExpiresAt
	}
	if err := s.store.PutCeremony(ctx, s.Keys.Hash(b.Challenge), passkey.Ceremony{
		Kind: passkey.SecondFactor, UserID: c.UserID, ChallengeID: c.ID, ExpiresAt: until, State: b.State,
	}); err != nil {
		return PasskeyOptions{}, err
	}
	return PasskeyOptions{PublicKey: b.Options, ExpiresInSeconds: int(until.Sub(now).Seconds())}, nil
}

// ceremonyFor finds the live ceremony that answer signed, of kind, or answers ceremony-expired.
func (s *Service) ceremonyFor(ctx context.Context, answer passkey.Answer, kind passkey.Kind, now time.Time) (passkey.Ceremony, string, error) {
	hash := s.Keys.Hash(answer.Challenge)
	c, err := s.store.Ceremony(ctx, hash)
	switch {
	case errors.Is(err, fault.ErrNotFound):
		return c, "", ErrCeremonyExpired()
	case err != nil:
		return c, "", err
	case c.Kind != kind || !c.Live(now):
		return c, "", ErrCeremonyExpired()
	}
	return c, hash, nil
}

// VerifyPasskey is the passkey step of the sign-in whose OTP challenge is challengeID: the assertion in
// response answers that challenge's ceremony, the attempt is counted, the relying party checks it, and the
// session is created in one transaction with the challenge and the ceremony consumed and the sign count moved.
func (s *Service) VerifyPasskey(ctx context.Context, challengeID string, response []byte, from session.Client) (SignedIn, error) {
	if s.Passkeys == nil {
		return SignedIn{}, errNoParty
	}
	if err := s.limitIP(ctx, CodePerIP, from.IP); err != nil {
		return SignedIn{}, err
	}
	answer, ok := passkey.Read(response)
	if !ok {
		return SignedIn{}, ErrPasskeyRefused(0)
	}
	now := s.Clock.Now()
	c, err := s.challenge(ctx, challengeID)
	if err != nil {
		return SignedIn{}, err
	}
	cer, hash, err := s.ceremonyFor(ctx, answer, passkey.SecondFactor, now)
	if err != nil {
		return SignedIn{}, err
	}
	if cer.ChallengeID != c.ID || cer.UserID != c.UserID {
		return SignedIn{}, ErrCeremonyExpired()
	}
	ctx, u, err := s.challengeUser(ctx, c, now)
	if err != nil {
		return SignedIn{}, err
	}
	c, err = s.store.CountAttempt(ctx, c, now, func(c otp.Challenge) error { return c.Check(now) })
	switch {
	case errors.Is(err, fault.ErrNotFound):
		return SignedIn{}, otp.ErrExpired()
	case err != nil:
		return SignedIn{}, err
	}
	creds, err := s.store.Passkeys(ctx, u.ID)
	if err != nil {
		return SignedIn{}, err
	}
	cred, use, err := s.assert(u, creds, answer, cer, response)
	if errors.Is(err, passkey.ErrRefused) {
		return SignedIn{}, s.wrongGuess(ctx, u, ErrPasskeyRefused(c.AttemptsLeft()), now)
	}
	if err != nil {
		return SignedIn{}, err
	}
	if use.Cloned {
		return SignedIn{}, s.cloned(ctx, u, hash, now)
	}
	in, err := s.consume(ctx, c, u, from, now, s.spendPasskey(u, cred, use, hash, "second-factor", c.Method, now))
	if errors.Is(err, errPasskeySpent) {
		return SignedIn{}, ErrCeremonyUsed()
	}
	if err == nil {
		s.Count.Count(ctx, tally.PasskeySignIns)
	}
	return in, err
}

// assert has the relying party check an assertion by one of creds, u's passkeys, and returns the passkey that
// signed with what the assertion said. A refused assertion is passkey.ErrRefused.
func (s *Service) assert(u user.User, creds []passkey.Credential, answer passkey.Answer, cer passkey.Ceremony, response []byte) (passkey.Credential, passkey.Use, error) {
	holder := passkey.Holder{ID: u.ID, Name: u.Email, DisplayName: u.Name}
	use, err := s.Passkeys.FinishLogin(holder, creds, answer.Challenge, cer.State, response)
	if err != nil {
		return passkey.Credential{}, passkey.Use{}, err
	}
	i := slices.IndexFunc(creds, func(c passkey.Credential) bool { return c.CredentialID == use.CredentialID })
	if i < 0 {
		return passkey.Credential{}, passkey.Use{}, passkey.ErrRefused
	}
	return creds[i], use, nil
}

// spendPasskey adds what a passkey sign-in writes with its session: the ceremony consumed, the passkey's new
// sign count and last use, and the audit event. method is the method of the challenge the passkey answered
// (empty for a passwordless sign-in); when it is not passkey, the passkey stood in for its code, and the
// event says so (insteadOf).
func (s *Service) spendPasskey(u user.User, cred passkey.Credential, use passkey.Use, hash, step, method string, now time.Time) func(*dynamo.Tx) {
	details := map[string]string{"passkeyId": cred.ID, "name": cred.Name, "step": step}
	if method != "" && method != user.MethodPasskey {
		details["insteadOf"] = method
	}
	return func(tx *dynamo.Tx) {
		tx.ConsumeCeremony(hash, now, errPasskeySpent).
			UsePasskey(cred, use.SignCount, now, errPasskeySpent).
			Audit(audit.Event{
				ID: secret.NewID(), AccountID: u.HomeAccountID, At: now, ActorID: u.ID, Action: audit.PasskeySignedIn,
				TargetType: audit.TargetUser, TargetID: u.ID, Details: details,
			})
	}
}

// PasswordlessOptions begins a passwordless sign-in: options for any discoverable passkey of this site, with
// user verification required. It is counted per source like a password step.
func (s *Service) PasswordlessOptions(ctx context.Context, from session.Client) (PasskeyOptions, error) {
	if s.Passkeys == nil {
		return PasskeyOptions{}, errNoParty
	}
	if err := s.limitIP(ctx, SignInPerIP, from.IP); err != nil {
		return PasskeyOptions{}, err
	}
	b, err := s.Passkeys.BeginLogin(nil, true)
	if err != nil {
		return PasskeyOptions{}, err
	}
	now := s.Clock.Now()
	if err := s.store.PutCeremony(ctx, s.Keys.Hash(b.Challenge), passkey.Ceremony{
		Kind: passkey.Passwordless, ExpiresAt: now.Add(passkey.CeremonyTTL), State: b.State,
	}); err != nil {
		return PasskeyOptions{}, err
	}
	return PasskeyOptions{PublicKey: b.Options, ExpiresInSeconds: int(passkey.CeremonyTTL.Seconds())}, nil
}

// SignInWithPasskey finishes a passwordless sign-in: the credential names its owner, who must be allowed to
// sign in as with a password; a passkey that does not verify its user, an unknown credential and a refused
// assertion are refused (the last two as a wrong password is, with the same answer).
func (s *Service) SignInWithPasskey(ctx context.Context, response []byte, from session.Client) (SignedIn, error) {
	if s.Passkeys == nil {
		return SignedIn{}, errNoParty
	}
	if err := s.limitIP(ctx, SignInPerIP, from.IP); err != nil {
		return SignedIn{}, err
	}
	if err := s.guard(ctx); err != nil {
		return SignedIn{}, err
	}
	answer, ok := passkey.Read(response)
	if !ok {
		return SignedIn{}, ErrInvalidCredentials()
	}
	now := s.Clock.Now()
	cer, hash, err := s.ceremonyFor(ctx, answer, passkey.Passwordless, now)
	if err != nil {
		return SignedIn{}, err
	}
	userID, passkeyID, err := s.store.PasskeyOwner(ctx, answer.CredentialID)
	if errors.Is(err, fault.ErrNotFound) {
		return SignedIn{}, s.unknownPasskey(ctx)
	}
	if err != nil {
		return SignedIn{}, err
	}
	u, err := s.store.User(ctx, userID)
	if errors.Is(err, fault.ErrNotFound) {
		return SignedIn{}, s.unknownPasskey(ctx)
	}
	if err != nil {
		return SignedIn{}, err
	}
	if answer.UserHandle != "" && answer.UserHandle != u.ID {
		return SignedIn{}, s.unknownPasskey(ctx)
	}
	if u.Locked(now) {
		return SignedIn{}, s.refuse(ctx, u, user.ErrLocked, ErrLocked(u.LockedUntil, now), now)
	}
	if err := s.allowed(ctx, u, now); err != nil {
		return SignedIn{}, err
	}
	creds, err := s.store.Passkeys(ctx, u.ID)
	if err != nil {
		return SignedIn{}, err
	}
	i := slices.IndexFunc(creds, func(c passkey.Credential) bool { return c.ID == passkeyID })
	if i < 0 {
		return SignedIn{}, s.unknownPasskey(ctx)
	}
	if !creds[i].Passwordless() {
		return SignedIn{}, ErrNotPasswordless()
	}
	cred, use, err := s.assert(u, creds[i:i+1], answer, cer, response)
	if errors.Is(err, passkey.ErrRefused) {
		return SignedIn{}, s.wrongGuess(ctx, u, ErrInvalidCredentials(), now)
	}
	if err != nil {
		return SignedIn{}, err
	}
	if use.Cloned {
		return SignedIn{}, s.cloned(ctx, u, hash, now)
	}
	with := s.store.Tx()
	s.spendPasskey(u, cred, use, hash, "passwordless", "", now)(with)
	in, err := s.startSession(ctx, u, from, with, now)
	if errors.Is(err, errPasskeySpent) {
		return SignedIn{}, ErrCeremonyUsed()
	}
	if err == nil {
		s.Count.Count(ctx, tally.PasskeySignIns)
	}
	return in, err
}

// cloned answers an assertion whose sign count did not move past the stored one. It consumes the ceremony:
// when a concurrent request with the same assertion consumed it first (and so moved the count), this is a
// replay, not a clone. Otherwise the passkey may have been copied, which costs the failure budget.
func (s *Service) cloned(ctx context.Context, u user.User, hash string, now time.Time) error {
	err := s.store.Commit(ctx, s.store.Tx().ConsumeCeremony(hash, now, errPasskeySpent))
	switch {
	case errors.Is(err, errPasskeySpent):
		return ErrCeremonyUsed()
	case err != nil:
		return err
	}
	return s.wrongGuess(ctx, u, ErrPasskeyCloned(), now)
}

// unknownPasskey answers a credential that names nobody as a wrong password is answered, and counts it with the
// platform's failures.
func (s *Service) unknownPasskey(ctx context.Context) error {
	if err := s.failed(ctx); err != nil {
		return err
	}
	return ErrInvalidCredentials()
}
