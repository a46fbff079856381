// Package partnerid is the Partner ID: the public name customers invite an MSP or a partner by. It is pure: it
// draws IDs from the randomness it is given and checks their shape; the guard item that reserves an ID for one
// account is written by package dynamo (tx.ReservePartnerID).
//
// A Partner ID is eight characters from an alphabet without the ones people confuse (0/O, 1/I/L, U/V), shown as
// XXXX-XXXX and read whatever the case, spaces or hyphens. 30^8 ≈ 6.6 × 10^11 IDs make a collision rare; the
// guard makes one impossible (the writer draws again, at most Attempts times).
package partnerid

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/partnerhub/partnerhub/pkg/account"
)

// alphabet are the characters of a Partner ID.
const alphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"

// length is the number of characters of a Partner ID.
const length = 8

// Attempts bounds how many Partner IDs a writer draws before giving up on collisions.
const Attempts = 5

// ID is a Partner ID in canonical form: eight characters of the alphabet, upper case, no hyphen.
type ID string

// New draws a Partner ID from r (crypto/rand.Reader in production), uniformly: bytes past the last whole
// multiple of the alphabet's size are drawn again.
func New(r io.Reader) (ID, error) {
	const limit = 256 - 256%len(alphabet)
	out := make([]byte, 0, length)
	buf := make([]byte, 2*length)
	for len(out) < length {
		if _, err := io.ReadFull(r, buf); err != nil {
			return "", fmt.Errorf("draw partner id: %w", err)
		}
		for _, b := range buf {
			if int(b) < limit && len(out) < length {
				out = append(out, alphabet[int(b)%len(alphabet)])
			}
		}
	}
	return ID(out), nil
}

// ErrFormat says a text is not a Partner ID.
var ErrFormat = errors.New("not a partner id")

// Parse reads a Partner ID as people type it: any case, with or without the hyphen, spaces around or between
// the groups.
func Parse(s string) (ID, error) {
	clean := strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, strings.ToUpper(strings.TrimSpace(s)))
	if len(clean) != length {
		return "", ErrFormat
	}
	for _, r := range clean {
		if !strings.ContainsRune(alphabet, r) {
			return "", ErrFormat
		}
	}
	return ID(clean), nil
}

// String is the Partner ID as shown: XXXX-XXXX.
func (p ID) String() string {
	if len(p) != length {
		return string(p)
	}
	return string(p[:4]) + "-" + string(p[4:])
}

// Has reports whether accounts of kind have a Partner ID: MSPs and partners, whom customers invite.
func Has(kind account.Kind) bool { return kind == account.MSP || kind == account.Partner }
