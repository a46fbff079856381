package dynamo

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// Why a session could not move to another account.
var (
	// ErrSessionMoved: the session ended, or moved to another account, since it was read.
	ErrSessionMoved = fmt.Errorf("session ended or moved: %w", fault.ErrUnauthorized)
	// ErrNotMember: the user has no membership in the account (any more).
	ErrNotMember = fmt.Errorf("no membership in the account: %w", fault.ErrNotFound)
	// ErrAccountOff: the account does not exist or is disabled.
	ErrAccountOff = fmt.Errorf("account missing or disabled: %w", fault.ErrConflict)
)

// SessionSwitch moves a session from one account to another.
type SessionSwitch struct {
	Hash, UserID, From, To string
}

// SwitchSession makes a session act in another account, in one transaction that holds only while the session
// is still the user's and still acts in sw.From, the user's membership in sw.To exists and that account is not
// disabled. Accounts above sw.To are the caller's to check (Store.AccountUsable) before.
func (s Store) SwitchSession(ctx context.Context, sw SessionSwitch) error {
	items := []types.TransactWriteItem{
		{Update: &types.Update{
			TableName:                 aws.String(s.Table),
			Key:                       table.SessionKey(sw.Hash).AV(),
			UpdateExpression:          aws.String("SET accountId = :to"),
			ConditionExpression:       aws.String("attribute_exists(pk) AND userId = :user AND accountId = :from"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":to": S(sw.To), ":from": S(sw.From), ":user": S(sw.UserID)},
		}},
		MemberCheck(s.Table, sw.UserID, sw.To),
		{ConditionCheck: &types.ConditionCheck{
			TableName:                 aws.String(s.Table),
			Key:                       table.AccountKey(sw.To).AV(),
			ConditionExpression:       aws.String("attribute_exists(pk) AND #status <> :disabled"),
			ExpressionAttributeNames:  map[string]string{"#status": "status"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":disabled": S(string(account.Disabled))},
		}},
	}
	err := s.Transact(ctx, items)
	switch {
	case err == nil:
		return nil
	case FailedAt(err, 0):
		return ErrSessionMoved
	case FailedAt(err, 1):
		return ErrNotMember
	case FailedAt(err, 2):
		return ErrAccountOff
	}
	return err
}
