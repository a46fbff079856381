package factor

import (
	"context"
	"slices"

	"crypto/rand"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"strings"
)

// Recovery codes stand in for the authenticator app when it is lost: each works once, in place of a TOTP code.
// They are shown once, when the app is confirmed, and stored only as HMACs.
const (
	// RecoveryCodes is how many codes a user gets.
	RecoveryCodes = 10
	// recoveryLen is a code's length without its dash: 10 characters of 5 bits, 50 bits each. The table holds
	// only HMACs under a key it does not hold, so an offline search has nothing to test against; online, the
	// challenge's five guesses and the failure budget bound it.
	recoveryLen = 10
)

// recoveryAlphabet is Crockford's base32 in lower case: digits and letters without i, l, o and u, so a code
// read aloud or copied by hand survives.
const recoveryAlphabet = "0123456789abcdefghjkmnpqrstvwxyz"

// NewRecoveryCodes returns a fresh set of codes as they are shown: "xxxxx-xxxxx".
func NewRecoveryCodes() []string {
	out := make([]string, RecoveryCodes)
	for i := range out {
		b := make([]byte, recoveryLen)
		_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
		for j := range b {
			b[j] = recoveryAlphabet[b[j]&31] // 256 is a multiple of 32: no bias
		}
		out[i] = string(b[:5]) + "-" + string(b[5:])
	}
	return out
}

// crockford maps the characters people mistake for others onto the alphabet.
var crockford = strings.NewReplacer("i", "1", "l", "1", "o", "0", "-", "", " ", "")

// NormalizeRecoveryCode returns a code in the form that is hashed, or ok false when it cannot be one. Case,
// spaces and the dash do not matter, and i, l and o read as 1, 1 and 0.
func NormalizeRecoveryCode(s string) (string, bool) {
	c := crockford.Replace(strings.ToLower(strings.TrimSpace(s)))
	if len(c) != recoveryLen || strings.Trim(c, recoveryAlphabet) != "" {
		return "", false
	}
	return c, true
}

// RecoveryHashInput is what is HMACed for a user's recovery code: the user's id is part of it, so one user's
// code is no use to another.
func RecoveryHashInput(userID, normalized string) string {
	return "recovery:" + userID + ":" + normalized
}

// RecoveryHash is what the table keeps for a user's recovery code (normalized): its HMAC under the keyring's
// current key, suffixed with the key's version (secret.Keyring.VersionedHash).
func RecoveryHash(keys *secret.Keyring, userID, normalized string) string {
	return keys.VersionedHash(RecoveryHashInput(userID, normalized))
}

// MatchRecoveryCode returns the stored hash of f's unused recovery code normalized, when it is one. A user's
// codes are made together, with one key, so the code is hashed once, with the version the stored hashes name,
// not once per key: codes stored before versions existed are version 1.
func (f Factors) MatchRecoveryCode(ctx context.Context, keys *secret.Keyring, normalized string) (hash string, ok bool) {
	if len(f.RecoveryCodes) == 0 {
		return "", false
	}
	hash, ok = keys.HashAs(ctx, RecoveryHashInput(f.UserID, normalized), f.RecoveryCodes[0])
	return hash, ok && slices.Contains(f.RecoveryCodes, hash)
}
