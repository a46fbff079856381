package grant

import (
	"context"
	"errors"
	"fmt"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/partnerid"
)

// What a failed allocation of a Partner ID means.
var (
	errPartnerIDTaken     = errors.New("partner id taken")
	errPartnerIDAllocated = errors.New("partner id allocated meanwhile")
)

// ensurePartnerID gives an MSP or partner created before Partner IDs existed its Partner ID: the guard and the
// account's attribute in one transaction, drawing again on a collision. If another request allocated one first,
// that one is kept. It answers the account's Partner ID as shown.
func (c *core) ensurePartnerID(ctx context.Context, acc account.Account) (string, error) {
	if acc.PartnerID != "" || !partnerid.Has(acc.Kind) {
		return acc.PartnerID, nil
	}
	for range partnerid.Attempts {
		id, err := partnerid.New(c.random)
		if err != nil {
			return "", err
		}
		// The account's update comes first: if both fail, the account has its ID already and that one is kept.
		tx := c.store.Tx().SetPartnerID(acc.ID, id, errPartnerIDAllocated).ReservePartnerID(id, acc.ID, errPartnerIDTaken)
		err = c.store.Commit(ctx, tx)
		switch {
		case err == nil:
			c.log.InfoContext(ctx, "partner id allocated", "accountId", acc.ID)
			return id.String(), nil
		case errors.Is(err, errPartnerIDAllocated):
			again, err := c.store.Account(ctx, acc.ID)
			if err != nil {
				return "", err
			}
			return again.PartnerID, nil
		case !errors.Is(err, errPartnerIDTaken):
			return "", err
		}
	}
	return "", fmt.Errorf("partner id for %s: %d collisions in a row", acc.ID, partnerid.Attempts)
}
