package factor

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/partnerhub/partnerhub/pkg/secret"
)

// SealLabel derives the sealing key from the HMAC key: HMAC(key, "totp-encryption").
const SealLabel = "totp-encryption"

// sealVersion prefixes sealed values, so the scheme can change without guessing what an old value is.
const sealVersion = "v1."

// Sealer encrypts authenticator secrets at rest with AES-256-GCM, under a key derived from the keyring's
// current key; it opens what any kept key sealed. The user's id is the associated data, so a sealed secret
// copied onto another user does not open.
type Sealer struct {
	keys  *secret.Keyring
	aeads sync.Map // secret.Version → cipher.AEAD, built once per version
}

// NewSealer derives the sealing keys from the keyring.
func NewSealer(keys *secret.Keyring) (*Sealer, error) {
	s := &Sealer{keys: keys}
	v, key := keys.Subkey(SealLabel)
	if _, err := s.aead(v, key); err != nil {
		return nil, err
	}
	return s, nil
}

// aead is the cipher of key version v, whose sealing key is key.
func (s *Sealer) aead(v secret.Version, key []byte) (cipher.AEAD, error) {
	if a, ok := s.aeads.Load(v); ok {
		return a.(cipher.AEAD), nil
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("totp sealing key: %w", err)
	}
	a, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("totp sealing cipher: %w", err)
	}
	s.aeads.Store(v, a)
	return a, nil
}

// Seal encrypts a user's secret with the current key: "v1." and base64url(nonce ‖ ciphertext ‖ tag), with a
// fresh random nonce, then the key's version (secret.WithVersion: none for the first key, as before rotation).
func (s *Sealer) Seal(userID string, plain []byte) string {
	v, key := s.keys.Subkey(SealLabel)
	aead, err := s.aead(v, key)
	if err != nil {
		panic(err) // a 32-byte key always makes an AES-256-GCM cipher; NewSealer proved it
	}
	nonce := make([]byte, aead.NonceSize())
	_, _ = rand.Read(nonce) // crypto/rand.Read never fails on supported platforms
	out := aead.Seal(nonce, nonce, plain, additional(userID))
	return secret.WithVersion(sealVersion+base64.RawURLEncoding.EncodeToString(out), v)
}

// ErrUnsealable says a sealed value was not made by a key of the keyring for this user, or was changed.
var ErrUnsealable = errors.New("sealed secret does not open")

// Open decrypts a value made by Seal for the same user, with the key version it names.
func (s *Sealer) Open(ctx context.Context, userID, sealed string) ([]byte, error) {
	raw, ok := strings.CutPrefix(sealed, sealVersion)
	if !ok {
		return nil, ErrUnsealable
	}
	raw, v, ok := secret.CutVersion(raw)
	if !ok {
		return nil, ErrUnsealable
	}
	key, ok := s.keys.SubkeyAt(ctx, v, SealLabel)
	if !ok {
		return nil, ErrUnsealable
	}
	aead, err := s.aead(v, key)
	if err != nil {
		return nil, ErrUnsealable
	}
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil || len(b) < aead.NonceSize()+aead.Overhead() {
		return nil, ErrUnsealable
	}
	n := aead.NonceSize()
	plain, err := aead.Open(nil, b[:n], b[n:], additional(userID))
	if err != nil {
		return nil, ErrUnsealable
	}
	return plain, nil
}

func additional(userID string) []byte { return []byte("totp:" + userID) }
