package twofactor

// Passkeys (WebAuthn) on the Security page: register several, name them, rename and remove them. A passkey is
// registered in two steps: BeginPasskey makes the creation options and stores the ceremony (its challenge's
// HMAC, bound to the user and the session, for passkey.CeremonyTTL); AddPasskey checks the browser's attestation
// and consumes the ceremony in the transaction that stores the credential, so one challenge registers once.
//
// Removing a passkey is always allowed: email codes remain a second factor. Removing the last one while the
// user signs in with a passkey moves them back to email codes in the same transaction.

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/factor"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/passkey"
	"github.com/partnerhub/partnerhub/pkg/ratelimit"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// RegistrationsPerUser bounds begun passkey registrations: each stores a ceremony.
var RegistrationsPerUser = ratelimit.Rule{Scope: "passkey-user", Limit: 10, Window: 10 * time.Minute}

// Registration is a begun passkey registration: the options for navigator.credentials.create.
type Registration struct {
	// PublicKey is PublicKeyCredentialCreationOptions, binary members base64url-encoded.
	PublicKey        json.RawMessage `json:"publicKey"`
	ExpiresInSeconds int             `json:"expiresInSeconds"`
}

// Passkey is one of the caller's passkeys as the Security page lists it.
type Passkey struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"createdAt"`
	LastUsedAt *time.Time `json:"lastUsedAt,omitempty"`
	// Kind is "synced" (backed up by a passkey provider) or "device" (bound to one authenticator).
	Kind string `json:"kind"`
	// Authenticator names the authenticator's model when it is a known one.
	Authenticator string `json:"authenticator,omitempty"`
	// Passwordless says the passkey verifies the user and so may sign in without a password.
	Passwordless bool `json:"passwordless"`
}

// PasskeyList is the caller's passkeys, oldest first.
type PasskeyList struct {
	Passkeys []Passkey `json:"passkeys"`
	Max      int       `json:"max"`
}

func passkeyOf(c passkey.Credential) Passkey {
	p := Passkey{
		ID: c.ID, Name: c.Name, CreatedAt: c.CreatedAt, Kind: "device",
		Authenticator: passkey.AuthenticatorName(c.AAGUID), Passwordless: c.Passwordless(),
	}
	if c.Synced() {
		p.Kind = "synced"
	}
	if !c.LastUsedAt.IsZero() {
		at := c.LastUsedAt
		p.LastUsedAt = &at
	}
	return p
}

// holderOf is u as the relying party sees them.
func holderOf(u user.User) passkey.Holder {
	return passkey.Holder{ID: u.ID, Name: u.Email, DisplayName: cmp.Or(u.Name, u.Email)}
}

var (
	errNoPasskeys = fault.New(fault.ErrUnavailable, "unavailable", "Passkeys are not available here.")
	// errCeremonyGone answers an answer to a ceremony that is unknown, expired, or not the caller's.
	errCeremonyGone = fault.New(fault.ErrExpired, "ceremony-expired",
		"This passkey request has expired or was already used. Start again.")
	errCeremonyUsed = fault.New(fault.ErrAlreadyUsed, "ceremony-used", "This passkey request was already used. Start again.")
	errPasskeyTaken = fault.New(fault.ErrConflict, "passkey-registered", "This passkey is already registered.")
	errPasskeyLimit = fault.New(fault.ErrConflict, "passkey-limit", "You have the most passkeys an account can have (10). Remove one first.")
	errPasskeyGone  = fault.New(fault.ErrNotFound, "passkey-not-found", "There is no such passkey.")
	errAttestation  = fault.New(fault.ErrInvalid, "passkey-refused",
		"Your browser's answer could not be verified as a passkey for this site. Try again.")
)

// Passkeys lists the caller's passkeys.
func (s *Service) Passkeys(ctx context.Context, a actor.Actor) (PasskeyList, error) {
	creds, err := s.store.Passkeys(ctx, a.UserID)
	if err != nil {
		return PasskeyList{}, err
	}
	out := PasskeyList{Passkeys: make([]Passkey, 0, len(creds)), Max: passkey.MaxPerUser}
	slices.SortFunc(creds, func(x, y passkey.Credential) int { return x.CreatedAt.Compare(y.CreatedAt) })
	for _, c := range creds {
		out.Passkeys = append(out.Passkeys, passkeyOf(c))
	}
	return out, nil
}

// BeginPasskey begins registering a passkey for the caller: the creation options, and the ceremony stored
// under its challenge's HMAC, bound to the caller and their session.
func (s *Service) BeginPasskey(ctx context.Context, a actor.Actor) (Registration, error) {
	if s.party == nil {
		return Registration{}, errNoPasskeys
	}
	if err := s.limits.Take(ctx, RegistrationsPerUser, a.UserID); err != nil {
		return Registration{}, err
	}
	u, err := s.userFor(ctx, a.UserID)
	if err != nil {
		return Registration{}, err
	}
	creds, err := s.store.Passkeys(ctx, u.ID)
	if err != nil {
		return Registration{}, err
	}
	if len(creds) >= passkey.MaxPerUser {
		return Registration{}, errPasskeyLimit
	}
	b, err := s.party.BeginRegistration(holderOf(u), creds)
	if err != nil {
		return Registration{}, err
	}
	now := s.clock.Now()
	c := passkey.Ceremony{Kind: passkey.Register, UserID: u.ID, SessionHash: a.SessionHash, ExpiresAt: now.Add(passkey.CeremonyTTL), State: b.State}
	if err := s.store.PutCeremony(ctx, s.keys.Hash(b.Challenge), c); err != nil {
		return Registration{}, err
	}
	return Registration{PublicKey: b.Options, ExpiresInSeconds: int(passkey.CeremonyTTL.Seconds())}, nil
}

// AddPasskey finishes a registration: the attestation in response answers the caller's own live ceremony (from
// this session), the relying party verifies it, and one transaction consumes the ceremony, stores the passkey
// named name and the guard of its credential id, audits it and tells the user by email.
func (s *Service) AddPasskey(ctx context.Context, a actor.Actor, name string, response []byte) (Passkey, error) {
	if s.party == nil {
		return Passkey{}, errNoPasskeys
	}
	answer, ok := passkey.Read(response)
	if !ok {
		return Passkey{}, errAttestation
	}
	now := s.clock.Now()
	hash := s.keys.Hash(answer.Challenge)
	c, err := s.store.Ceremony(ctx, hash)
	switch {
	case errors.Is(err, fault.ErrNotFound):
		return Passkey{}, errCeremonyGone
	case err != nil:
		return Passkey{}, err
	case c.Kind != passkey.Register || c.UserID != a.UserID || c.SessionHash != a.SessionHash || !c.Live(now):
		return Passkey{}, errCeremonyGone
	}
	u, err := s.userFor(ctx, a.UserID)
	if err != nil {
		return Passkey{}, err
	}
	creds, err := s.store.Passkeys(ctx, u.ID)
	if err != nil {
		return Passkey{}, err
	}
	if len(creds) >= passkey.MaxPerUser {
		return Passkey{}, errPasskeyLimit
	}
	cred, err := s.party.FinishRegistration(holderOf(u), answer.Challenge, c.State, response)
	if errors.Is(err, passkey.ErrRefused) {
		s.log.InfoContext(ctx, "passkey attestation refused", "userId", u.ID, "reason", err.Error())
		return Passkey{}, errAttestation
	}
	if err != nil {
		return Passkey{}, err
	}
	if slices.ContainsFunc(creds, func(x passkey.Credential) bool { return x.CredentialID == cred.CredentialID }) {
		return Passkey{}, errPasskeyTaken
	}
	cred.ID, cred.UserID, cred.Name, cred.CreatedAt = secret.NewID(), u.ID, name, now
	tx := s.store.Tx().
		ConsumeCeremony(hash, now, errCeremonyUsed).
		AddPasskey(cred, errPasskeyTaken).
		Audit(event(u, u.ID, audit.PasskeyRegistered, now, map[string]string{"passkeyId": cred.ID, "name": cred.Name})).
		Send(changedPasskeyEmail(u, "passkey-added", cred.Name, methodOf(u), now))
	if err := s.store.Commit(ctx, tx); err != nil {
		return Passkey{}, err
	}
	s.log.InfoContext(ctx, "passkey registered", "userId", u.ID, "passkeyId", cred.ID)
	return passkeyOf(cred), nil
}

// passkeyFor finds one of the caller's passkeys.
func (s *Service) passkeyFor(ctx context.Context, userID, id string) (passkey.Credential, []passkey.Credential, error) {
	creds, err := s.store.Passkeys(ctx, userID)
	if err != nil {
		return passkey.Credential{}, nil, err
	}
	i := slices.IndexFunc(creds, func(c passkey.Credential) bool { return c.ID == id })
	if i < 0 {
		return passkey.Credential{}, nil, errPasskeyGone
	}
	return creds[i], creds, nil
}

// RenamePasskey names one of the caller's passkeys anew.
func (s *Service) RenamePasskey(ctx context.Context, a actor.Actor, id, name string) (Passkey, error) {
	u, err := s.userFor(ctx, a.UserID)
	if err != nil {
		return Passkey{}, err
	}
	c, _, err := s.passkeyFor(ctx, u.ID, id)
	if err != nil {
		return Passkey{}, err
	}
	if c.Name == name {
		return passkeyOf(c), nil
	}
	now := s.clock.Now()
	details := map[string]string{"passkeyId": c.ID, "from": c.Name, "name": name}
	c.Name = name
	tx := s.store.Tx().RenamePasskey(c, errPasskeyGone).Audit(event(u, u.ID, audit.PasskeyRenamed, now, details))
	if err := s.store.Commit(ctx, tx); err != nil {
		return Passkey{}, err
	}
	return passkeyOf(c), nil
}

// RemovePasskey removes one of the caller's passkeys: it no longer signs in. Removing the last one while the
// caller signs in with a passkey moves them back to email codes in the same transaction.
func (s *Service) RemovePasskey(ctx context.Context, a actor.Actor, id string) (Settings, error) {
	u, err := s.userFor(ctx, a.UserID)
	if err != nil {
		return Settings{}, err
	}
	c, creds, err := s.passkeyFor(ctx, u.ID, id)
	if err != nil {
		return Settings{}, err
	}
	now := s.clock.Now()
	tx := s.store.Tx().
		RemovePasskey(c, errPasskeyGone).
		Audit(event(u, u.ID, audit.PasskeyRemoved, now, map[string]string{"passkeyId": c.ID, "name": c.Name}))
	if len(creds) == 1 && methodOf(u) == user.MethodPasskey {
		tx.ChooseMethod(u.ID, user.MethodEmail, errChoiceRace).
			Audit(event(u, u.ID, audit.UserTwoFactorMethodChanged, now, map[string]string{"from": user.MethodPasskey, "to": user.MethodEmail}))
		u.TwoFactor.Method = user.MethodEmail
	}
	tx.Send(changedPasskeyEmail(u, "passkey-removed", c.Name, methodOf(u), now))
	if err := s.store.Commit(ctx, tx); err != nil {
		if errors.Is(err, errChoiceRace) {
			return Settings{}, fault.New(fault.ErrConflict, "stale-version", "Your two-factor settings changed meanwhile; reload and try again.")
		}
		return Settings{}, err
	}
	s.log.InfoContext(ctx, "passkey removed", "userId", u.ID, "passkeyId", c.ID)
	return s.Mine(ctx, a)
}

// changedPasskeyEmail is the "twofactor-changed" email about a passkey added or removed (change), named name;
// method is how the user signs in after it.
func changedPasskeyEmail(u user.User, change, name, method string, now time.Time) outbox.Message {
	return outbox.New(outbox.Envelope{
		ID: secret.NewID(), To: u.Email, UserID: u.ID, AccountID: u.HomeAccountID, BrandAccountID: u.HomeAccountID,
	}, outbox.TwoFactorChanged{Name: u.Name, Change: change, Method: factor.MethodLabel(method), Passkey: name}, now)
}
