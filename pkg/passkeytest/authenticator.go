// Package passkeytest is a software WebAuthn authenticator for tests: it answers the options the API gives, as
// a browser with a platform authenticator would, with ES256 keys and "none" attestation. Tests turn its knobs
// (user verification, the sign counter, the origin it reports) to make the answers a real one could not.
package passkeytest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/go-webauthn/webauthn/protocol/webauthncbor"
)

// Authenticator holds credentials for one relying party, like a platform authenticator behind a browser at Origin.
type Authenticator struct {
	// Origin is what the client data reports, e.g. http://localhost:3000.
	Origin string
	// UserVerified sets the UV flag: the authenticator checked a PIN or biometrics.
	UserVerified bool
	creds        []*Credential
}

// Credential is one key pair the authenticator made.
type Credential struct {
	ID        []byte
	RPID      string
	UserID    []byte
	key       *ecdsa.PrivateKey
	SignCount uint32
}

// New makes an authenticator for a browser at origin that verifies its user.
func New(origin string) *Authenticator { return &Authenticator{Origin: origin, UserVerified: true} }

// Credentials lists what the authenticator holds, oldest first.
func (a *Authenticator) Credentials() []*Credential { return a.creds }

var b64 = base64.RawURLEncoding

// creationOptions are the members of PublicKeyCredentialCreationOptions the authenticator reads.
type creationOptions struct {
	Challenge string `json:"challenge"`
	RP        struct {
		ID string `json:"id"`
	} `json:"rp"`
	User struct {
		ID string `json:"id"`
	} `json:"user"`
	ExcludeCredentials []struct {
		ID string `json:"id"`
	} `json:"excludeCredentials"`
}

// Create answers creation options (the API's publicKey member) with a new credential, as
// PublicKeyCredential.toJSON would send it.
func (a *Authenticator) Create(options json.RawMessage) (json.RawMessage, error) {
	var o creationOptions
	if err := json.Unmarshal(options, &o); err != nil {
		return nil, fmt.Errorf("creation options: %w", err)
	}
	for _, x := range o.ExcludeCredentials {
		if slices.ContainsFunc(a.creds, func(c *Credential) bool { return b64.EncodeToString(c.ID) == x.ID }) {
			return nil, fmt.Errorf("InvalidStateError: credential %s is excluded", x.ID)
		}
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	userID, err := b64.DecodeString(o.User.ID)
	if err != nil {
		return nil, fmt.Errorf("user id: %w", err)
	}
	c := &Credential{ID: random(16), RPID: o.RP.ID, UserID: userID, key: key}
	a.creds = append(a.creds, c)
	return a.Attest(c, o.Challenge)
}

// Attest makes the registration answer for c to challenge (base64url).
func (a *Authenticator) Attest(c *Credential, challenge string) (json.RawMessage, error) {
	clientData, err := json.Marshal(map[string]any{"type": "webauthn.create", "challenge": challenge, "origin": a.Origin, "crossOrigin": false})
	if err != nil {
		return nil, err
	}
	cose, err := webauthncbor.Marshal(map[int]any{
		1: 2, 3: -7, -1: 1,
		-2: pad32(c.key.X.Bytes()), -3: pad32(c.key.Y.Bytes()),
	})
	if err != nil {
		return nil, err
	}
	auth := a.authData(c.RPID, 0x40, c.SignCount)
	auth = append(auth, make([]byte, 16)...) // AAGUID: none
	auth = binary.BigEndian.AppendUint16(auth, uint16(len(c.ID)))
	auth = append(auth, c.ID...)
	auth = append(auth, cose...)
	att, err := webauthncbor.Marshal(map[string]any{"fmt": "none", "attStmt": map[string]any{}, "authData": auth})
	if err != nil {
		return nil, err
	}
	return json.Marshal(map[string]any{
		"id": b64.EncodeToString(c.ID), "rawId": b64.EncodeToString(c.ID), "type": "public-key",
		"authenticatorAttachment": "platform", "clientExtensionResults": map[string]any{},
		"response": map[string]any{
			"clientDataJSON": b64.EncodeToString(clientData), "attestationObject": b64.EncodeToString(att),
			"transports": []string{"internal"},
		},
	})
}

// requestOptions are the members of PublicKeyCredentialRequestOptions the authenticator reads.
type requestOptions struct {
	Challenge        string `json:"challenge"`
	RPID             string `json:"rpId"`
	AllowCredentials []struct {
		ID string `json:"id"`
	} `json:"allowCredentials"`
}

// Get answers request options with an assertion by the newest credential they allow (any, when they list
// none), its sign count moved on by one.
func (a *Authenticator) Get(options json.RawMessage) (json.RawMessage, error) {
	var o requestOptions
	if err := json.Unmarshal(options, &o); err != nil {
		return nil, fmt.Errorf("request options: %w", err)
	}
	for i := len(a.creds) - 1; i >= 0; i-- {
		c := a.creds[i]
		allowed := len(o.AllowCredentials) == 0
		for _, x := range o.AllowCredentials {
			allowed = allowed || x.ID == b64.EncodeToString(c.ID)
		}
		if allowed && c.RPID == o.RPID {
			c.SignCount++
			return a.Assert(c, o.Challenge)
		}
	}
	return nil, fmt.Errorf("NotAllowedError: no credential for %s", o.RPID)
}

// Assert makes the assertion of c over challenge (base64url) with c's sign count as it is.
func (a *Authenticator) Assert(c *Credential, challenge string) (json.RawMessage, error) {
	clientData, err := json.Marshal(map[string]any{"type": "webauthn.get", "challenge": challenge, "origin": a.Origin, "crossOrigin": false})
	if err != nil {
		return nil, err
	}
	auth := a.authData(c.RPID, 0, c.SignCount)
	sum := sha256.Sum256(clientData)
	digest := sha256.Sum256(append(slices.Clone(auth), sum[:]...))
	sig, err := ecdsa.SignASN1(rand.Reader, c.key, digest[:])
	if err != nil {
		return nil, err
	}
	return json.Marshal(map[string]any{
		"id": b64.EncodeToString(c.ID), "rawId": b64.EncodeToString(c.ID), "type": "public-key",
		"authenticatorAttachment": "platform", "clientExtensionResults": map[string]any{},
		"response": map[string]any{
			"clientDataJSON": b64.EncodeToString(clientData), "authenticatorData": b64.EncodeToString(auth),
			"signature": b64.EncodeToString(sig), "userHandle": b64.EncodeToString(c.UserID),
		},
	})
}

// authData is the authenticator data's head: the relying party id's hash, the flags (user present, verified
// if so, and extra) and the sign count.
func (a *Authenticator) authData(rpID string, extra byte, count uint32) []byte {
	h := sha256.Sum256([]byte(rpID))
	flags := byte(0x01) | extra
	if a.UserVerified {
		flags |= 0x04
	}
	out := append(h[:], flags)
	return binary.BigEndian.AppendUint32(out, count)
}

func pad32(b []byte) []byte {
	out := make([]byte, 32)
	copy(out[32-len(b):], b)
	return out
}

func random(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}
