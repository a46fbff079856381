// Package totp is time-based one-time passwords as authenticator apps make them (RFC 6238 over RFC 4226):
// HMAC-SHA1, a 30-second step, six digits. It is pure: the time and the secret come in from the caller.
//
// A code is accepted one step either side of now, for clocks that drift and people who type slowly, but only
// for a step later than the last one accepted: a code that signed someone in never works again, even within
// its own 90 seconds.
package totp

import (
	"crypto/hmac"
	"crypto/sha1" // RFC 6238's default and the one algorithm every authenticator app supports
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Parameters every authenticator app understands.
const (
	Period = 30 * time.Second
	Digits = 6
	// Skew is how many steps before and after now a code is accepted.
	Skew = 1
	// SecretSize is the secret's length in bytes: 160 bits, the size of an HMAC-SHA1 block output (RFC 4226 §4).
	SecretSize = 20
)

// Step is the time step that t falls in: the RFC's T = floor((t - T0) / X), with T0 the Unix epoch.
func Step(t time.Time) int64 { return t.Unix() / int64(Period/time.Second) }

// Code is the code of a step with the given number of digits (RFC 4226 §5.3, dynamic truncation).
func Code(secret []byte, step int64, digits int) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(step))
	m := hmac.New(sha1.New, secret)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, bin%mod)
}

// At is the six-digit code at time t.
func At(secret []byte, t time.Time) string { return Code(secret, Step(t), Digits) }

// Verify checks a submitted code at now against the steps within Skew of now that are later than lastStep, the
// step of the last code accepted (0 for none). It returns the step the code belongs to, which the caller must
// store as the new lastStep in the same write that accepts the code. Every candidate is compared, in constant
// time, so the answer's timing does not tell which step matched.
func Verify(secret []byte, code string, now time.Time, lastStep int64) (step int64, ok bool) {
	if len(code) != Digits {
		return 0, false
	}
	current := Step(now)
	for s := current - Skew; s <= current+Skew; s++ {
		match := subtle.ConstantTimeCompare([]byte(Code(secret, s, Digits)), []byte(code)) == 1
		if match && s > lastStep && !ok {
			step, ok = s, true
		}
	}
	return step, ok
}

// Replayed reports whether code is a code of a step within Skew of now that is not later than lastStep: a code
// that was already used (or an older one), which Verify refuses. It lets the caller say so rather than "wrong".
func Replayed(secret []byte, code string, now time.Time, lastStep int64) bool {
	current := Step(now)
	for s := current - Skew; s <= current+Skew && s <= lastStep; s++ {
		if subtle.ConstantTimeCompare([]byte(Code(secret, s, Digits)), []byte(code)) == 1 {
			return true
		}
	}
	return false
}

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// EncodeSecret is the secret as people type it into an app: base32, upper case, no padding (RFC 4648).
func EncodeSecret(secret []byte) string { return b32.EncodeToString(secret) }

// DecodeSecret reads a secret written by EncodeSecret, ignoring case and spaces.
func DecodeSecret(s string) ([]byte, error) {
	return b32.DecodeString(strings.ToUpper(strings.ReplaceAll(s, " ", "")))
}

// URI is the otpauth:// URI that an authenticator app reads from a QR code (the Key URI Format of Google
// Authenticator, which every app follows): the label names the issuer and the account, the parameters the
// secret and the algorithm.
func URI(issuer, account string, secret []byte) string {
	q := url.Values{}
	q.Set("secret", EncodeSecret(secret))
	q.Set("issuer", issuer)
	q.Set("algorithm", "SHA1")
	q.Set("digits", fmt.Sprint(Digits))
	q.Set("period", fmt.Sprint(int(Period/time.Second)))
	label := url.PathEscape(issuer) + ":" + url.PathEscape(account)
	// QueryEscape writes a space as "+", which some apps show as a plus sign; %20 reads the same everywhere.
	return "otpauth://totp/" + label + "?" + strings.ReplaceAll(q.Encode(), "+", "%20")
}
