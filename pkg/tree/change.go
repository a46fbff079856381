package tree

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/secret"
)

// attempts bounds how often a change re-reads an account that another change moved on between its read and its
// version-checked write.
const attempts = 8

// errMoved answers a change that kept losing races with others on the same account.
var errMoved = fault.New(fault.ErrConflict, "conflict", "The account kept changing while this change was being made; try again.")

// commit writes a change's transaction: the items, then one audit event on the account and, so that the log of
// the account above shows what happened below it, one on its parent. The account's version-checked update must
// be items[0]. It reports moved when that update found the account changed since it was read: the caller reads
// it again and decides again.
func (s *Service) commit(ctx context.Context, a actor.Actor, acc account.Account, items []types.TransactWriteItem, action audit.Action, details map[string]string, now time.Time) (moved bool, err error) {
	on := []string{acc.ID}
	if acc.ParentID != "" {
		on = append(on, acc.ParentID)
	}
	for _, accountID := range on {
		item, err := dynamo.AuditPut(s.table, audit.Event{
			ID: secret.NewID(), AccountID: accountID, At: now, ActorID: a.UserID, Action: action,
			TargetType: "account", TargetID: acc.ID, Details: details,
		})
		if err != nil {
			return false, err
		}
		items = append(items, item)
	}
	err = s.store.Transact(ctx, items)
	switch {
	case err == nil:
		return false, nil
	case dynamo.FailedAt(err, 0):
		return true, nil
	case dynamo.ConditionFailed(err):
		return false, err // the caller says which other condition failed
	}
	return false, err
}
