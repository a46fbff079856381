package dynamo

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/session"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// MoveSession adds the write that makes a session act in another account (the account switcher). It holds only
// while the session is still the user's and still acts in from; onFail is what it means when the session ended
// or moved since it was read; reach is what its requests will read there (session.Reach). The account switched
// to is the caller's to check: RequireMembership, RequireOpenAccount, and Store.AccountUsable for the accounts
// above it.
func (t *Tx) MoveSession(hash, userID, from, to string, reach session.Reach, onFail error) *Tx {
	r, err := attributevalue.Marshal(reachRecordOf(reach))
	if err != nil {
		t.Fail(fmt.Errorf("encode session reach: %w", err))
		return t
	}
	return t.Add(types.TransactWriteItem{Update: &types.Update{
		TableName:                 aws.String(t.table),
		Key:                       table.SessionKey(hash).AV(),
		UpdateExpression:          aws.String("SET accountId = :to, reach = :reach"),
		ConditionExpression:       aws.String("attribute_exists(pk) AND userId = :user AND accountId = :from"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":to": S(to), ":from": S(from), ":user": S(userID), ":reach": r},
	}}, onFail)
}

// RequireMembership adds the check that userID is a member of accountID when the transaction commits; onFail is
// what it means if not.
func (t *Tx) RequireMembership(userID, accountID string, onFail error) *Tx {
	return t.Add(MemberCheck(t.table, userID, accountID), onFail)
}

// RequireOpenAccount adds the check that an account exists and is not disabled when the transaction commits;
// onFail is what it means if not. Accounts above it are not checked (Store.AccountUsable reads them).
func (t *Tx) RequireOpenAccount(accountID string, onFail error) *Tx {
	return t.Add(types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName:                 aws.String(t.table),
		Key:                       table.AccountKey(accountID).AV(),
		ConditionExpression:       aws.String("attribute_exists(pk) AND #status <> :disabled"),
		ExpressionAttributeNames:  map[string]string{"#status": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":disabled": S(string(account.Disabled))},
	}}, onFail)
}
