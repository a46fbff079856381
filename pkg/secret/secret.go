// Package secret makes and checks PartnerHub's secrets: link tokens, one-time codes, session tokens. Nothing it
// returns for storage is usable by someone who reads the table:
//
//   - A link token is "<id>.<mac>" where mac = HMAC(key, purpose, id). The table keeps only the id; the mac
//     exists in the email alone, and the mailer re-derives it from the id with the key.
//   - A one-time code is derived from HMAC(key, "otp", challengeId, n); the table keeps the challenge, not the code.
//   - A session token is 256 random bits; the table keeps its HMAC.
//   - Passwords and security answers are stored as Argon2id hashes: package passhash.
//
// The key is a versioned keyring (Keyring, keyring.go): the current key mints, every kept key verifies, and each of
// these values names the version it was made with, so a check uses one key, never each in turn. Every
// comparison is constant-time.
package secret

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
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

// LinkToken is the token sent in a link for the token with the given id and purpose: "<id>.<mac>", the mac
// made with the current key and suffixed with its version (see Version).
func (k *Keyring) LinkToken(purpose, id string) string {
	v, key := k.mint()
	return id + "." + WithVersion(b64.EncodeToString(mac(key, "link", purpose, id)), v)
}

// macChars is the length of a link token's mac: a SHA-256 sum in unpadded base64url.
var macChars = b64.EncodedLen(sha256.Size)

// WellFormedLinkToken reports whether s could be a link token that LinkToken made: a well-formed id, a dot, a
// mac of macChars base64url characters and, for a key after the first, a dot and its version. Anything else
// cannot verify for any purpose, so callers answer "link invalid" without computing a mac or reading anything.
func WellFormedLinkToken(s string) bool {
	_, _, _, ok := splitLinkToken(s)
	return ok
}

// splitLinkToken takes a link token apart, checking its shape (WellFormedLinkToken).
func splitLinkToken(s string) (id, macText string, v Version, ok bool) {
	id, rest, found := strings.Cut(s, ".")
	if !found || !WellFormedID(id) {
		return "", "", 0, false
	}
	if macText, v, ok = CutVersion(rest); !ok || len(macText) != macChars {
		return "", "", 0, false
	}
	for _, r := range macText {
		if !(r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return "", "", 0, false
		}
	}
	return id, macText, v, true
}

// ParseLinkToken checks a token from a link and returns its id. ok is false for anything that no key of the
// keyring made for this purpose, a made-up or retired version included; when ok is true the id is well formed
// (WellFormedID). It computes one mac, with the key the token names.
func (k *Keyring) ParseLinkToken(ctx context.Context, purpose, token string) (id string, ok bool) {
	id, macText, v, ok := splitLinkToken(token)
	if !ok {
		return "", false
	}
	got, err := b64.DecodeString(macText)
	if err != nil {
		return "", false
	}
	key, ok := k.key(ctx, v)
	if !ok {
		return "", false
	}
	return id, hmac.Equal(got, mac(key, "link", purpose, id))
}

// CodeDigits is the length of a one-time code.
const CodeDigits = 6

// code is one-time code number n of a challenge under key.
func code(key []byte, challengeID string, n int) string {
	sum := mac(key, "otp", challengeID, strconv.Itoa(n))
	v := binary.BigEndian.Uint64(sum[:8]) % 1_000_000
	return fmt.Sprintf("%06d", v)
}

// Code is one-time code number n of a challenge under the current key. A code carries no version: the
// challenge that asks for it records the version it was made with (Current at its start) and checks with
// CheckCode; the outbox names it in CodeRef.
func (k *Keyring) Code(challengeID string, n int) string {
	_, key := k.mint()
	return code(key, challengeID, n)
}

// CheckCode compares a submitted code with code number n of a challenge made with key version v, in constant
// time. A version the keyring does not hold (after a reload) checks nothing.
func (k *Keyring) CheckCode(ctx context.Context, v Version, challengeID string, n int, submitted string) bool {
	key, ok := k.key(ctx, normal(v))
	if !ok {
		return false
	}
	want := code(key, challengeID, n)
	return len(submitted) == len(want) && subtle.ConstantTimeCompare([]byte(submitted), []byte(want)) == 1
}

// normal reads a stored version: 0, what a record written before versions existed holds, is version 1.
func normal(v Version) Version { return max(v, FirstVersion) }

// NewSessionToken returns a random 256-bit session token.
func NewSessionToken() string { return b64.EncodeToString(random(32)) }

// NewSession returns a new session's cookie value, a random 256-bit token suffixed with the current version,
// and the hash the table keeps it under (SessionHash of the cookie).
func (k *Keyring) NewSession() (cookie, hash string) {
	v, key := k.mint()
	token := NewSessionToken()
	return WithVersion(token, v), hex.EncodeToString(mac(key, "hash", token))
}

// SessionHash is the hash a session cookie's session is stored under, made with the key the cookie names: one
// lookup, never one per key. ok is false for a cookie of no known version.
func (k *Keyring) SessionHash(ctx context.Context, cookie string) (hash string, ok bool) {
	token, v, ok := CutVersion(cookie)
	if !ok {
		return "", false
	}
	key, ok := k.key(ctx, v)
	if !ok {
		return "", false
	}
	return hex.EncodeToString(mac(key, "hash", token)), true
}

// Hash is the HMAC of a value under the current key, hex-encoded, with no version: for keys that need not
// outlive a rotation, such as rate-limit counters (their windows restart at a rotation, which at most gives a
// caller one fresh window every 90 days). Anything kept longer is a VersionedHash.
func (k *Keyring) Hash(value string) string {
	_, key := k.mint()
	return hex.EncodeToString(mac(key, "hash", value))
}

// VersionedHash is the HMAC of a value under the current key, hex-encoded and suffixed with the version: for
// hashes that are stored and checked later, such as recovery codes.
func (k *Keyring) VersionedHash(value string) string {
	v, key := k.mint()
	return WithVersion(hex.EncodeToString(mac(key, "hash", value)), v)
}

// HashAs is VersionedHash of value made with the version of like, another VersionedHash (e.g. one of a user's
// stored recovery codes, which are made together): what to compare with like's kin. ok is false when like
// names no version the keyring holds.
func (k *Keyring) HashAs(ctx context.Context, value, like string) (hash string, ok bool) {
	_, v, ok := CutVersion(like)
	if !ok {
		return "", false
	}
	key, ok := k.key(ctx, v)
	if !ok {
		return "", false
	}
	return WithVersion(hex.EncodeToString(mac(key, "hash", value)), v), true
}

// Derive turns an outbox message's secret reference into the secret its email carries: "activation:<id>",
// "membership:<id>" and "reset:<id>" give link tokens, made with the current key (the token names its version);
// "otp:<challengeId>:<n>[:<version>]" gives a one-time code made with the key the challenge recorded.
func (k *Keyring) Derive(ctx context.Context, ref string) (string, error) {
	kind, rest, _ := strings.Cut(ref, ":")
	switch kind {
	case PurposeActivation, PurposeMembership, PurposeReset:
		if rest == "" {
			return "", fmt.Errorf("secret ref %q has no id", kind)
		}
		return k.LinkToken(kind, rest), nil
	case "otp":
		parts := strings.Split(rest, ":")
		if len(parts) < 2 || len(parts) > 3 || parts[0] == "" {
			return "", fmt.Errorf("bad otp secret ref")
		}
		n, err := strconv.Atoi(parts[1])
		if err != nil {
			return "", fmt.Errorf("bad otp secret ref")
		}
		v := FirstVersion
		if len(parts) == 3 {
			var ok bool
			if _, v, ok = CutVersion("." + parts[2]); !ok {
				return "", fmt.Errorf("bad otp secret ref")
			}
		}
		key, ok := k.key(ctx, v)
		if !ok {
			return "", fmt.Errorf("otp secret ref: key version %d: %w", v, ErrUnknownVersion)
		}
		return code(key, parts[0], n), nil
	}
	return "", fmt.Errorf("unknown secret ref kind %q", kind)
}

// ErrUnknownVersion says a secret reference names a key version the keyring does not hold, even after reading
// the secret again (which it does at most once per interval: see ReloadWith), so a later try may succeed.
var ErrUnknownVersion = errors.New("unknown hmac key version")

// LinkRef is the outbox secret reference of a link token.
func LinkRef(purpose, id string) string { return purpose + ":" + id }

// CodeRef is the outbox secret reference of one-time code number n of a challenge whose codes are made with key
// version v (0 or 1: the first key, written as before versions existed).
func CodeRef(v Version, challengeID string, n int) string {
	ref := "otp:" + challengeID + ":" + strconv.Itoa(n)
	if v = normal(v); v != FirstVersion {
		ref += ":" + strconv.Itoa(int(v))
	}
	return ref
}
