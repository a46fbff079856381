package secret

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
)

// Subkey is HMAC-SHA256(key, label) for the current key, and its version: a 256-bit key for another purpose than
// HMACs, e.g. "totp-encryption" for sealing authenticator secrets. It reveals nothing about the HMAC key, and
// each label gives a different key. What it protects must record the version (see SubkeyAt).
func (k *Keyring) Subkey(label string) (Version, []byte) {
	v, key := k.mint()
	return v, subkey(key, label)
}

// SubkeyAt is the subkey for label of key version v, to open what Subkey's key of that version protected. ok is
// false for a version the keyring does not hold.
func (k *Keyring) SubkeyAt(ctx context.Context, v Version, label string) ([]byte, bool) {
	key, ok := k.key(ctx, normal(v))
	if !ok {
		return nil, false
	}
	return subkey(key, label), true
}

func subkey(key []byte, label string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(label))
	return m.Sum(nil)
}
