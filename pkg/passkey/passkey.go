// Package passkey is a user's passkeys (WebAuthn public-key credentials): the credential a user registered, the
// ceremony that registers one or signs in with one, and the rules around them. It is pure: checking a browser's
// attestation or assertion is the relying party's (package relyingparty, linked only into the functions that run
// ceremonies), which use cases reach through the Party interface declared here.
//
// A ceremony's challenge is a single-use secret: the browser signs it, the table holds only its HMAC (the
// ceremony item is keyed by it), and finishing consumes the item with a conditional delete in the transaction
// that registers the credential or creates the session, so one challenge registers or signs in at most once.
package passkey

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits.
const (
	// MaxPerUser bounds the passkeys of one user.
	MaxPerUser = 10
	// MaxName bounds a passkey's name, in characters.
	MaxName = 64
	// CeremonyTTL is how long a ceremony's challenge can be answered: time to touch the authenticator or
	// unlock the phone, and no longer.
	CeremonyTTL = 5 * time.Minute
	// MaxResponse bounds the browser's answer to a ceremony, in bytes (a credential's JSON, base64url inside).
	MaxResponse = 16 << 10
)

// Kind is what a ceremony is for.
type Kind string

// Ceremony kinds.
const (
	// Register adds a passkey to the signed-in user (the ceremony names the user and the session).
	Register Kind = "register"
	// SecondFactor proves the second sign-in step after the password (the ceremony names the OTP challenge).
	SecondFactor Kind = "second-factor"
	// Passwordless signs in with a discoverable passkey and user verification alone: the credential names the user.
	Passwordless Kind = "passwordless"
)

// Credential is one registered passkey.
type Credential struct {
	// ID is the passkey's own id in PartnerHub (secret.NewID), which the API names it by.
	ID     string `json:"id" dynamodbav:"id"`
	UserID string `json:"userId" dynamodbav:"userId"`
	Name   string `json:"name" dynamodbav:"name"`
	// CredentialID is the authenticator's credential id, base64url without padding.
	CredentialID string `json:"credentialId" dynamodbav:"credentialId"`
	// PublicKey is the COSE public key, base64url.
	PublicKey string `json:"publicKey" dynamodbav:"publicKey"`
	SignCount uint32 `json:"signCount" dynamodbav:"signCount"`
	// AAGUID names the authenticator's model (hex), when it says.
	AAGUID          string   `json:"aaguid,omitempty" dynamodbav:"aaguid,omitempty"`
	Transports      []string `json:"transports,omitempty" dynamodbav:"transports,omitempty"`
	AttestationType string   `json:"attestationType,omitempty" dynamodbav:"attestationType,omitempty"`
	// UserVerified says the authenticator verified the user (PIN, biometrics) at registration: such a passkey,
	// being discoverable, is two factors in itself and may sign in without a password.
	UserVerified   bool      `json:"userVerified" dynamodbav:"userVerified"`
	BackupEligible bool      `json:"backupEligible" dynamodbav:"backupEligible"`
	BackupState    bool      `json:"backupState" dynamodbav:"backupState"`
	CreatedAt      time.Time `json:"createdAt" dynamodbav:"createdAt"`
	LastUsedAt     time.Time `json:"lastUsedAt,omitzero" dynamodbav:"lastUsedAt,omitempty"`
}

// Passwordless reports whether the passkey may sign in alone.
func (c Credential) Passwordless() bool { return c.UserVerified }

// Synced reports whether the passkey is backed up to a provider (a synced passkey) rather than bound to one device.
func (c Credential) Synced() bool { return c.BackupState }

// Ceremony is a begun WebAuthn ceremony, waiting for the browser's answer. It is stored under the HMAC of its
// challenge.
type Ceremony struct {
	Kind   Kind   `dynamodbav:"kind"`
	UserID string `dynamodbav:"userId,omitempty"`
	// SessionHash binds a registration to the session that began it.
	SessionHash string `dynamodbav:"sessionHash,omitempty"`
	// ChallengeID binds a second-factor assertion to the sign-in's OTP challenge.
	ChallengeID string    `dynamodbav:"challengeId,omitempty"`
	ExpiresAt   time.Time `dynamodbav:"expiresAt"`
	// State is what the relying party keeps between the ceremony's two steps (options it asked for), without
	// the challenge: the challenge is found again by its HMAC, from the answer that signed it.
	State []byte `dynamodbav:"state"`
}

// Live reports whether the ceremony can still be answered at now.
func (c Ceremony) Live(now time.Time) bool { return now.Before(c.ExpiresAt) }

// Holder is the user a ceremony is about, as the relying party sees them.
type Holder struct {
	ID          string // the user handle: the user's id
	Name        string // the login (email address)
	DisplayName string
}

// Use is what a verified assertion says: which credential signed, its new sign count, and whether the user
// was verified.
type Use struct {
	CredentialID string
	SignCount    uint32
	UserVerified bool
	// Cloned says the sign count went back: the credential may have been copied, so the assertion is refused.
	Cloned bool
}

// Begun is a begun ceremony as the relying party makes it: the options for navigator.credentials (the
// publicKey member), the challenge in them, and the state the finish needs.
type Begun struct {
	Options   json.RawMessage
	Challenge string
	State     []byte
}

// Party is the WebAuthn relying party: it makes a ceremony's options (with a fresh challenge) and checks the
// browser's answer against that challenge, the origin, the relying party id and the credential's key. An
// answer it refuses is ErrRefused.
type Party interface {
	// BeginRegistration makes creation options for h, excluding credentials already registered; it asks for a
	// discoverable credential and prefers user verification.
	BeginRegistration(h Holder, exclude []Credential) (Begun, error)
	// FinishRegistration checks an attestation against the ceremony's challenge and state and makes the
	// credential (without id, name or times).
	FinishRegistration(h Holder, challenge string, state, response []byte) (Credential, error)
	// BeginLogin makes request options: for allow's credentials, or for any discoverable one when allow is
	// empty; userVerification requires the authenticator to verify the user.
	BeginLogin(allow []Credential, userVerification bool) (Begun, error)
	// FinishLogin checks an assertion by one of h's credentials against the ceremony's challenge and state.
	FinishLogin(h Holder, creds []Credential, challenge string, state, response []byte) (Use, error)
}

// ErrRefused says the relying party refused a browser's answer: a bad attestation or signature, another
// origin or relying party, a challenge it did not sign, a credential the user does not hold.
var ErrRefused = errors.New("passkey: answer refused")

// Answer is what a browser's answer to a ceremony says before it is verified: the challenge it signed and the
// credential it names. Finding the ceremony and the credential needs them; trusting them needs the Party.
type Answer struct {
	Challenge    string
	CredentialID string
	UserHandle   string
}

// Read reads an answer (a PublicKeyCredential as JSON), or reports false when it is not shaped like one.
func Read(response []byte) (Answer, bool) {
	var in struct {
		RawID    string `json:"rawId"`
		Response struct {
			ClientDataJSON string `json:"clientDataJSON"`
			UserHandle     string `json:"userHandle"`
		} `json:"response"`
	}
	if len(response) == 0 || len(response) > MaxResponse || json.Unmarshal(response, &in) != nil {
		return Answer{}, false
	}
	raw, err := decode(in.Response.ClientDataJSON)
	if err != nil || in.RawID == "" {
		return Answer{}, false
	}
	var client struct {
		Challenge string `json:"challenge"`
	}
	if json.Unmarshal(raw, &client) != nil || client.Challenge == "" {
		return Answer{}, false
	}
	handle := ""
	if in.Response.UserHandle != "" {
		b, err := decode(in.Response.UserHandle)
		if err != nil {
			return Answer{}, false
		}
		handle = string(b)
	}
	id, err := decode(in.RawID)
	if err != nil {
		return Answer{}, false
	}
	return Answer{Challenge: client.Challenge, CredentialID: Encode(id), UserHandle: handle}, true
}

// Encode spells bytes as WebAuthn does: base64url without padding.
func Encode(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// Decode reads base64url, with or without padding.
func Decode(s string) ([]byte, error) { return decode(s) }

// decode reads base64url with or without padding.
func decode(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

// CleanName trims a passkey's name, or reports false when it is empty or too long.
func CleanName(name string) (string, bool) {
	name = strings.TrimSpace(name)
	n := utf8.RuneCountInString(name)
	return name, n > 0 && n <= MaxName && !strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

// authenticators names the models of common passkey providers by AAGUID (the community list at
// github.com/passkeydeveloper/passkey-authenticator-aaguids); others show as a synced or device passkey.
var authenticators = map[string]string{
	"ea9b8d664d011d213ce4b6b48cb575d4": "Google Password Manager",
	"fbfc3007154e4ecc8c0b6e020557d7bd": "iCloud Keychain",
	"adce000235bcc60a648b0b25f1f05503": "Chrome on Mac",
	"08987058cadc4b81b6e130de50dcbe96": "Windows Hello",
	"9ddd1817af5a4672a2b93e3dd95000a9": "Windows Hello",
	"6028b017b1d44c02b4b3afcdafc96bb2": "Windows Hello",
	"bada5566a7aa401fbd9645619a55120d": "1Password",
	"d548826e79b4db40a3d811116f7e8349": "Bitwarden",
	"531126d6e717415c93203d9aa6981239": "Dashlane",
	"b84e404815dc4dd08640f4f60813c8af": "NordPass",
}

// AuthenticatorName names the model of the authenticator with this AAGUID (hex), or "" when it is not a known
// one.
func AuthenticatorName(aaguid string) string {
	return authenticators[strings.ReplaceAll(aaguid, "-", "")]
}
