package session

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/netip"
	"strings"
)

// MaskAddress is the source address of a request as a session keeps and shows it: enough to recognise a
// network, not to single out a machine. An IPv4 address keeps its first three octets ("203.0.113.x"), an IPv6
// address its first three groups, the usual size of a site's prefix ("2001:db8:85a3:x"). Only this form is
// stored. Anything that is not an address is "".
func MaskAddress(ip string) string {
	addr, err := netip.ParseAddr(strings.TrimSpace(ip))
	if err != nil {
		return ""
	}
	addr = addr.Unmap()
	if addr.Is4() {
		b := addr.As4()
		return fmt.Sprintf("%d.%d.%d.x", b[0], b[1], b[2])
	}
	b := addr.As16()
	return fmt.Sprintf("%x:%x:%x:x", uint16(b[0])<<8|uint16(b[1]), uint16(b[2])<<8|uint16(b[3]), uint16(b[4])<<8|uint16(b[5]))
}

// PublicID names a session in the API: a short digest of the hash its table item is keyed by, so that the list
// of one's sessions never hands out the key a session is looked up with.
func PublicID(hash string) string {
	sum := sha256.Sum256([]byte("session-id:" + hash))
	return base64.RawURLEncoding.EncodeToString(sum[:12])
}

// publicIDLen is the length of a PublicID.
const publicIDLen = 16

// WellFormedID reports whether id could be a PublicID, so that any other value is answered before it is looked
// for.
func WellFormedID(id string) bool {
	if len(id) != publicIDLen {
		return false
	}
	for _, c := range []byte(id) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
