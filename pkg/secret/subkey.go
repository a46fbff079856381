package secret

import (
	"crypto/hmac"
	"crypto/sha256"
)

// Subkey is HMAC-SHA256(key, label): a 256-bit key for another purpose than HMACs, e.g. "totp-encryption" for
// sealing authenticator secrets. It reveals nothing about the HMAC key, and each label gives a different key.
func (k *Keyring) Subkey(label string) []byte {
	m := hmac.New(sha256.New, k.key)
	m.Write([]byte(label))
	return m.Sum(nil)
}
