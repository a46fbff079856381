// Package secret makes and checks PartnerHub's secrets: link tokens, one-time codes, session tokens. Nothing it
// returns for storage is usable by someone who reads the table:
//
//   - A link token is "<id>.<mac>" where mac = HMAC(key, purpose, id). The table keeps only the id; the mac
//     exists in the email alone, and the mailer re-derives it from the id with the key.
//   - A one-time code is derived from HMAC(key, "otp", challengeId, n); the table keeps the challenge, not the code.
//   - A session token is 256 random bits; the table keeps its HMAC.
//   - Passwords and security answers are stored as Argon2id hashes: package passhash.
//
// Every comparison is constant-time.
package secret

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// Purposes of link tokens. A token made for one purpose never verifies for another.
const (
	PurposeActivation = "activation"
	PurposeMembership = "membership"
	PurposeReset      = "reset"
	// PurposeShare is a partner's share link, which a customer opens to invite the partner. It is not single
	// use: it works for anyone who has it until it expires.
	PurposeShare = "share"
)

var b64 = base64.RawURLEncoding

// Keyring holds the HMAC key.
type Keyring struct {
	key []byte
}

// NewKeyring returns a keyring for a key of at least 32 bytes.
func NewKeyring(key []byte) (*Keyring, error) {
	if len(key) < 32 {
		return nil, fmt.Errorf("hmac key must be at least 32 bytes, got %d", len(key))
	}
	return &Keyring{key: append([]byte(nil), key...)}, nil
}

func (k *Keyring) mac(parts ...string) []byte {
	m := hmac.New(sha256.New, k.key)
	for _, p := range parts {
		// Length-prefix each part so ("ab","c") and ("a","bc") differ.
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(p)))
		m.Write(n[:])
		m.Write([]byte(p))
	}
	return m.Sum(nil)
}

// NewID returns a random 128-bit identifier, URL-safe.
func NewID() string { return b64.EncodeToString(random(16)) }

// WellFormedID reports whether s could be an id: what NewID makes (or a test's fixed id), at most 64 letters,
// digits, '-' and '_'. Anything else cannot name a record, so callers answer "not found" without a read.
func WellFormedID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

func random(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return b
}

// LinkToken is the token sent in a link for the token with the given id and purpose.
func (k *Keyring) LinkToken(purpose, id string) string {
	return id + "." + b64.EncodeToString(k.mac("link", purpose, id))
}

// macChars is the length of a link token's mac: a SHA-256 sum in unpadded base64url.
var macChars = b64.EncodedLen(sha256.Size)

// WellFormedLinkToken reports whether s could be a link token that LinkToken made: a well-formed id, a dot and
// a mac of macChars base64url characters. Anything else cannot verify for any purpose, so callers answer "link
// invalid" without computing a mac or reading anything.
func WellFormedLinkToken(s string) bool {
	id, mac, found := strings.Cut(s, ".")
	if !found || !WellFormedID(id) || len(mac) != macChars {
		return false
	}
	for _, r := range mac {
		if !(r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// ParseLinkToken checks a token from a link and returns its id. ok is false for anything that this key did not
// make for this purpose; when ok is true the id is well formed (WellFormedID).
func (k *Keyring) ParseLinkToken(purpose, token string) (id string, ok bool) {
	if !WellFormedLinkToken(token) {
		return "", false
	}
	id, macText, _ := strings.Cut(token, ".")
	got, err := b64.DecodeString(macText)
	if err != nil {
		return "", false
	}
	return id, hmac.Equal(got, k.mac("link", purpose, id))
}

// CodeDigits is the length of a one-time code.
const CodeDigits = 6

// Code is the one-time code number n of a challenge.
func (k *Keyring) Code(challengeID string, n int) string {
	sum := k.mac("otp", challengeID, strconv.Itoa(n))
	v := binary.BigEndian.Uint64(sum[:8]) % 1_000_000
	return fmt.Sprintf("%06d", v)
}

// CheckCode compares a submitted code with code number n of a challenge in constant time.
func (k *Keyring) CheckCode(challengeID string, n int, submitted string) bool {
	want := k.Code(challengeID, n)
	return len(submitted) == len(want) && subtle.ConstantTimeCompare([]byte(submitted), []byte(want)) == 1
}

// NewSessionToken returns a random 256-bit session token for the cookie.
func NewSessionToken() string { return b64.EncodeToString(random(32)) }

// Hash is the HMAC of a value, hex-encoded, for storing session tokens and looking them up.
func (k *Keyring) Hash(value string) string { return hex.EncodeToString(k.mac("hash", value)) }

// Derive turns an outbox message's secret reference into the secret its email carries: "activation:<id>",
// "membership:<id>" and "reset:<id>" give link tokens; "otp:<challengeId>:<n>" gives a one-time code.
func (k *Keyring) Derive(ref string) (string, error) {
	kind, rest, _ := strings.Cut(ref, ":")
	switch kind {
	case PurposeActivation, PurposeMembership, PurposeReset:
		if rest == "" {
			return "", fmt.Errorf("secret ref %q has no id", kind)
		}
		return k.LinkToken(kind, rest), nil
	case "otp":
		id, nText, _ := strings.Cut(rest, ":")
		n, err := strconv.Atoi(nText)
		if id == "" || err != nil {
			return "", fmt.Errorf("bad otp secret ref")
		}
		return k.Code(id, n), nil
	}
	return "", fmt.Errorf("unknown secret ref kind %q", kind)
}

// LinkRef is the outbox secret reference of a link token.
func LinkRef(purpose, id string) string { return purpose + ":" + id }

// CodeRef is the outbox secret reference of one-time code number n of a challenge.
func CodeRef(challengeID string, n int) string { return "otp:" + challengeID + ":" + strconv.Itoa(n) }
