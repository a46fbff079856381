package factor

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/partnerhub/partnerhub/pkg/secret"
)

// SealLabel derives the sealing key from the HMAC key: HMAC(key, "totp-encryption").
const SealLabel = "totp-encryption"

// sealVersion prefixes sealed values, so the scheme can change without guessing what an old value is.
const sealVersion = "v1."

// Sealer encrypts authenticator secrets at rest with AES-256-GCM. The user's id is the associated data, so a
// sealed secret copied onto another user does not open.
type Sealer struct {
	aead cipher.AEAD
}

// NewSealer derives the sealing key from the keyring.
func NewSealer(keys *secret.Keyring) (*Sealer, error) {
	block, err := aes.NewCipher(keys.Subkey(SealLabel))
	if err != nil {
		return nil, fmt.Errorf("totp sealing key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("totp sealing cipher: %w", err)
	}
	return &Sealer{aead: aead}, nil
}

// Seal encrypts a user's secret: "v1." and base64url(nonce ‖ ciphertext ‖ tag), with a fresh random nonce.
func (s *Sealer) Seal(userID string, plain []byte) string {
	nonce := make([]byte, s.aead.NonceSize())
	_, _ = rand.Read(nonce) // crypto/rand.Read never fails on supported platforms
	out := s.aead.Seal(nonce, nonce, plain, additional(userID))
	return sealVersion + base64.RawURLEncoding.EncodeToString(out)
}

// ErrUnsealable says a sealed value was not made by this key for this user, or was changed.
var ErrUnsealable = errors.New("sealed secret does not open")

// Open decrypts a value made by Seal for the same user.
func (s *Sealer) Open(userID, sealed string) ([]byte, error) {
	raw, ok := strings.CutPrefix(sealed, sealVersion)
	if !ok {
		return nil, ErrUnsealable
	}
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil || len(b) < s.aead.NonceSize()+s.aead.Overhead() {
		return nil, ErrUnsealable
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, b[:n], b[n:], additional(userID))
	if err != nil {
		return nil, ErrUnsealable
	}
	return plain, nil
}

func additional(userID string) []byte { return []byte("totp:" + userID) }
