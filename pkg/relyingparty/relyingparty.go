// Package relyingparty is PartnerHub as a WebAuthn relying party, on github.com/go-webauthn/webauthn: it makes
// the options of a ceremony and verifies the browser's attestation or assertion. Its relying party id is the
// portal's host and the only origin it accepts is the portal's, so a passkey registered for the portal signs in
// nowhere else. Only the functions that run ceremonies (two-factor, otp) link it: the library's init parses
// attestation root certificates, a cost the other functions' cold starts do not pay.
package relyingparty

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/partnerhub/partnerhub/pkg/passkey"
)

// Party is the relying party of one portal origin.
type Party struct {
	w *webauthn.WebAuthn
}

var _ passkey.Party = (*Party)(nil)

// Name is the relying party's name, which authenticators show beside the account.
const Name = "PartnerHub"

// ErrNoDomain says the portal's origin names its host by an IP address, which WebAuthn does not accept as a
// relying party id (a local stack reached at 127.0.0.1): there, passkeys are unavailable.
var ErrNoDomain = errors.New("relyingparty: the portal's host is an IP address, not a domain")

// New builds the relying party of the portal at origin (e.g. https://portal.example.com, or
// http://localhost:3000 locally: WebAuthn takes no IP address as relying party id, and localhost is a secure
// context).
func New(origin string) (*Party, error) {
	u, err := url.Parse(origin)
	if err != nil || u.Hostname() == "" {
		return nil, fmt.Errorf("relyingparty: portal origin %q has no host", origin)
	}
	if net.ParseIP(u.Hostname()) != nil {
		return nil, fmt.Errorf("%w: %s", ErrNoDomain, origin)
	}
	w, err := webauthn.New(&webauthn.Config{
		RPID:          u.Hostname(),
		RPDisplayName: Name,
		RPOrigins:     []string{u.Scheme + "://" + u.Host},
	})
	if err != nil {
		return nil, fmt.Errorf("relyingparty: %w", err)
	}
	return &Party{w: w}, nil
}

// holder is a user as go-webauthn sees them.
type holder struct {
	h     passkey.Holder
	creds []webauthn.Credential
}

func (u holder) WebAuthnID() []byte                         { return []byte(u.h.ID) }
func (u holder) WebAuthnName() string                       { return u.h.Name }
func (u holder) WebAuthnDisplayName() string                { return u.h.DisplayName }
func (u holder) WebAuthnCredentials() []webauthn.Credential { return u.creds }

// descriptors are the credentials as a ceremony lists them.
func descriptors(creds []passkey.Credential) []protocol.CredentialDescriptor {
	out := make([]protocol.CredentialDescriptor, 0, len(creds))
	for _, c := range creds {
		id, err := passkey.Decode(c.CredentialID)
		if err != nil {
			continue
		}
		d := protocol.CredentialDescriptor{Type: protocol.PublicKeyCredentialType, CredentialID: id}
		for _, t := range c.Transports {
			d.Transport = append(d.Transport, protocol.AuthenticatorTransport(t))
		}
		out = append(out, d)
	}
	return out
}

// begun splits go-webauthn's session data into the challenge and the rest, the state kept in the table.
func begun(options any, sd *webauthn.SessionData) (passkey.Begun, error) {
	opts, err := json.Marshal(options)
	if err != nil {
		return passkey.Begun{}, fmt.Errorf("encode options: %w", err)
	}
	challenge := sd.Challenge
	sd.Challenge = ""
	state, err := json.Marshal(sd)
	if err != nil {
		return passkey.Begun{}, fmt.Errorf("encode ceremony state: %w", err)
	}
	return passkey.Begun{Options: opts, Challenge: challenge, State: state}, nil
}

// session restores go-webauthn's session data from the state and the challenge the answer signed.
func session(challenge string, state []byte) (webauthn.SessionData, error) {
	var sd webauthn.SessionData
	if err := json.Unmarshal(state, &sd); err != nil {
		return sd, fmt.Errorf("decode ceremony state: %w", err)
	}
	sd.Challenge = challenge
	return sd, nil
}

// BeginRegistration makes creation options for h: a discoverable credential, user verification preferred, none
// of exclude's credentials again.
func (p *Party) BeginRegistration(h passkey.Holder, exclude []passkey.Credential) (passkey.Begun, error) {
	creation, sd, err := p.w.BeginRegistration(holder{h: h},
		webauthn.WithExclusions(descriptors(exclude)),
		webauthn.WithAuthenticatorSelection(protocol.AuthenticatorSelection{
			ResidentKey:      protocol.ResidentKeyRequirementRequired,
			UserVerification: protocol.VerificationPreferred,
		}),
		webauthn.WithConveyancePreference(protocol.PreferNoAttestation))
	if err != nil {
		return passkey.Begun{}, fmt.Errorf("begin registration: %w", err)
	}
	return begun(creation.Response, sd)
}

// FinishRegistration verifies an attestation and makes the credential.
func (p *Party) FinishRegistration(h passkey.Holder, challenge string, state, response []byte) (passkey.Credential, error) {
	sd, err := session(challenge, state)
	if err != nil {
		return passkey.Credential{}, err
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(response)
	if err != nil {
		return passkey.Credential{}, refused(err)
	}
	c, err := p.w.CreateCredential(holder{h: h}, sd, parsed)
	if err != nil {
		return passkey.Credential{}, refused(err)
	}
	out := passkey.Credential{
		CredentialID:    passkey.Encode(c.ID),
		PublicKey:       passkey.Encode(c.PublicKey),
		SignCount:       c.Authenticator.SignCount,
		AttestationType: c.AttestationType,
		UserVerified:    c.Flags.UserVerified,
		BackupEligible:  c.Flags.BackupEligible,
		BackupState:     c.Flags.BackupState,
	}
	if len(c.Authenticator.AAGUID) > 0 && !bytes.Equal(c.Authenticator.AAGUID, make([]byte, len(c.Authenticator.AAGUID))) {
		out.AAGUID = hex.EncodeToString(c.Authenticator.AAGUID)
	}
	for _, t := range c.Transport {
		out.Transports = append(out.Transports, string(t))
	}
	return out, nil
}

// BeginLogin makes request options for allow's credentials, or for any discoverable credential when allow is
// empty.
func (p *Party) BeginLogin(allow []passkey.Credential, userVerification bool) (passkey.Begun, error) {
	uv := protocol.VerificationPreferred
	if userVerification {
		uv = protocol.VerificationRequired
	}
	var (
		assertion *protocol.CredentialAssertion
		sd        *webauthn.SessionData
		err       error
	)
	if len(allow) == 0 {
		assertion, sd, err = p.w.BeginDiscoverableLogin(webauthn.WithUserVerification(uv))
	} else {
		u := holder{h: passkey.Holder{ID: allow[0].UserID}}
		for _, c := range allow {
			wc, err := credential(c)
			if err != nil {
				return passkey.Begun{}, err
			}
			u.creds = append(u.creds, wc)
		}
		assertion, sd, err = p.w.BeginLogin(u, webauthn.WithUserVerification(uv))
	}
	if err != nil {
		return passkey.Begun{}, fmt.Errorf("begin login: %w", err)
	}
	return begun(assertion.Response, sd)
}

// FinishLogin verifies an assertion by one of creds (h's credentials).
func (p *Party) FinishLogin(h passkey.Holder, creds []passkey.Credential, challenge string, state, response []byte) (passkey.Use, error) {
	sd, err := session(challenge, state)
	if err != nil {
		return passkey.Use{}, err
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(response)
	if err != nil {
		return passkey.Use{}, refused(err)
	}
	u := holder{h: h}
	for _, c := range creds {
		wc, err := credential(c)
		if err != nil {
			return passkey.Use{}, err
		}
		u.creds = append(u.creds, wc)
	}
	var c *webauthn.Credential
	if len(sd.AllowedCredentialIDs) == 0 {
		sd.UserID = nil // a discoverable ceremony names no user; the answer's user handle does
		c, err = p.w.ValidateDiscoverableLogin(func(_, _ []byte) (webauthn.User, error) { return u, nil }, sd, parsed)
	} else {
		c, err = p.w.ValidateLogin(u, sd, parsed)
	}
	if err != nil {
		return passkey.Use{}, refused(err)
	}
	return passkey.Use{
		CredentialID: passkey.Encode(c.ID),
		SignCount:    c.Authenticator.SignCount,
		UserVerified: parsed.Response.AuthenticatorData.Flags.HasUserVerified(),
		Cloned:       c.Authenticator.CloneWarning,
	}, nil
}

// credential is a stored passkey as go-webauthn checks it.
func credential(c passkey.Credential) (webauthn.Credential, error) {
	id, err := passkey.Decode(c.CredentialID)
	if err != nil {
		return webauthn.Credential{}, fmt.Errorf("decode credential id of passkey %s: %w", c.ID, err)
	}
	key, err := passkey.Decode(c.PublicKey)
	if err != nil {
		return webauthn.Credential{}, fmt.Errorf("decode public key of passkey %s: %w", c.ID, err)
	}
	var aaguid []byte
	if c.AAGUID != "" {
		aaguid, _ = hex.DecodeString(c.AAGUID)
	}
	return webauthn.Credential{
		ID: id, PublicKey: key, AttestationType: c.AttestationType,
		Flags:         webauthn.CredentialFlags{UserVerified: c.UserVerified, BackupEligible: c.BackupEligible, BackupState: c.BackupState},
		Authenticator: webauthn.Authenticator{AAGUID: aaguid, SignCount: c.SignCount},
	}, nil
}

// refused wraps a verification failure as passkey.ErrRefused, keeping what go-webauthn said for the log.
func refused(err error) error {
	if e, ok := err.(*protocol.Error); ok && e.DevInfo != "" {
		return fmt.Errorf("%w: %s: %s", passkey.ErrRefused, e.Details, e.DevInfo)
	}
	return fmt.Errorf("%w: %v", passkey.ErrRefused, err)
}
