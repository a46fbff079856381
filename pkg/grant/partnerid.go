package grant

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
)

// A Partner ID is the public name customers invite a partner by: eight characters from an alphabet without the
// ones people confuse (0/O, 1/I/L, U/V), shown as XXXX-XXXX and read whatever the case, spaces or hyphens.
// 30^8 ≈ 6.6 × 10^11 IDs make a collision rare; a guard item per ID makes one impossible (the writer draws again).

// partnerAlphabet are the characters of a Partner ID.
const partnerAlphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"

// partnerIDLen is the number of characters of a Partner ID.
const partnerIDLen = 8

// PartnerID is a Partner ID in canonical form: eight characters of the alphabet, upper case, no hyphen.
type PartnerID string

// NewPartnerID draws a Partner ID from r (crypto/rand.Reader in production), uniformly: bytes past the last
// whole multiple of the alphabet's size are drawn again.
func NewPartnerID(r io.Reader) (PartnerID, error) {
	const limit = 256 - 256%len(partnerAlphabet)
	out := make([]byte, 0, partnerIDLen)
	buf := make([]byte, 2*partnerIDLen)
	for len(out) < partnerIDLen {
		if _, err := io.ReadFull(r, buf); err != nil {
			return "", fmt.Errorf("draw partner id: %w", err)
		}
		for _, b := range buf {
			if int(b) < limit && len(out) < partnerIDLen {
				out = append(out, partnerAlphabet[int(b)%len(partnerAlphabet)])
			}
		}
	}
	return PartnerID(out), nil
}

// ErrPartnerIDFormat says a text is not a Partner ID.
var ErrPartnerIDFormat = errors.New("not a partner id")

// ParsePartnerID reads a Partner ID as people type it: any case, with or without the hyphen, spaces around or
// between the groups.
func ParsePartnerID(s string) (PartnerID, error) {
	clean := strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, strings.ToUpper(strings.TrimSpace(s)))
	if len(clean) != partnerIDLen {
		return "", ErrPartnerIDFormat
	}
	for _, r := range clean {
		if !strings.ContainsRune(partnerAlphabet, r) {
			return "", ErrPartnerIDFormat
		}
	}
	return PartnerID(clean), nil
}

// String is the Partner ID as shown: XXXX-XXXX.
func (p PartnerID) String() string {
	if len(p) != partnerIDLen {
		return string(p)
	}
	return string(p[:4]) + "-" + string(p[4:])
}

// HasPartnerID reports whether accounts of kind have a Partner ID: MSPs and partners, whom customers invite.
func HasPartnerID(kind account.Kind) bool { return kind == account.MSP || kind == account.Partner }

// PartnerIDAttempts bounds how many Partner IDs a writer draws before giving up on collisions.
const PartnerIDAttempts = 5

// PartnerIDItems are the transaction items that reserve id for an account: its guard (which fails its condition
// if the ID is taken). The account item itself carries id.String() in its partnerId attribute.
func PartnerIDItems(tableName string, id PartnerID, accountID string) (types.TransactWriteItem, error) {
	item, err := dynamo.PartnerIDGuardItem(string(id), id.String(), accountID)
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	return dynamo.PutNew(tableName, item), nil
}

// ensurePartnerID gives an MSP or partner created before Partner IDs existed its Partner ID: the guard and the
// account's attribute in one transaction, drawing again on a collision. If another request allocated one first,
// that one is kept. It answers the account's Partner ID as shown.
func (c *core) ensurePartnerID(ctx context.Context, acc account.Account) (string, error) {
	if acc.PartnerID != "" || !HasPartnerID(acc.Kind) {
		return acc.PartnerID, nil
	}
	for range PartnerIDAttempts {
		id, err := NewPartnerID(c.random)
		if err != nil {
			return "", err
		}
		guard, err := PartnerIDItems(c.table, id, acc.ID)
		if err != nil {
			return "", err
		}
		err = c.store.Transact(ctx, []types.TransactWriteItem{guard, dynamo.SetPartnerID(c.table, acc.ID, id.String())})
		switch {
		case err == nil:
			c.log.InfoContext(ctx, "partner id allocated", "accountId", acc.ID)
			return id.String(), nil
		case dynamo.FailedAt(err, 1): // allocated meanwhile: read it
			again, err := c.store.Account(ctx, acc.ID)
			if err != nil {
				return "", err
			}
			return again.PartnerID, nil
		case !dynamo.FailedAt(err, 0):
			return "", err
		}
	}
	return "", fmt.Errorf("partner id for %s: %d collisions in a row", acc.ID, PartnerIDAttempts)
}
