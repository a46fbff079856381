// Package passhash stores what a person knows, passwords and security answers, as Argon2id hashes in PHC string
// format, and checks them in constant time. It is apart from package secret so that a function that never checks
// a password does not link Argon2id.
package passhash

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters from the design: 19 MiB, two passes, one lane.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

var std = base64.RawStdEncoding

// Hash returns the Argon2id hash of a password in PHC string format.
func Hash(password string) string {
	salt := make([]byte, argonSaltLen)
	_, _ = rand.Read(salt) // crypto/rand.Read never fails on supported platforms
	sum := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		std.EncodeToString(salt), std.EncodeToString(sum))
}

// Check reports whether password matches a hash made by Hash.
func Check(encoded, password string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err1 := std.DecodeString(parts[4])
	want, err2 := std.DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when no user exists, so a sign-in for an unknown email costs the same time as
// one with a wrong password. It is a constant, made once with Hash and the current parameters (a test checks
// both), so that no function pays for an Argon2id hash at start-up, and the first unknown email an instance
// sees costs no more than the next.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$ZMsrC3k1HJ07RShORGqs4Q$f3R+17Umc7tKg9CMKeGrKtVxyu3/AusBfMOQQeqawqI"

// SpendCheck does the work of one password check and discards the result.
func SpendCheck(password string) { _ = Check(dummyHash, password) }

// NormalizeAnswer folds a security answer so that case and spacing do not matter.
func NormalizeAnswer(answer string) string {
	return strings.ToLower(strings.Join(strings.Fields(answer), " "))
}

// HashAnswer hashes a security answer after normalising it.
func HashAnswer(answer string) string { return Hash(NormalizeAnswer(answer)) }

// CheckAnswer reports whether answer matches a hash made by HashAnswer.
func CheckAnswer(encoded, answer string) bool { return Check(encoded, NormalizeAnswer(answer)) }
