package dynamo

// Writes of link tokens (activation, membership, reset): TOKEN#<id> items, on the expiry index until their
// deadline so the sweep's token expirer handles them.

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/table"
)

// UseToken adds the write that consumes a pending link token of purpose before its deadline: status used, off
// the expiry index (the statuses of package onboarding's Token). Its condition is the single use: of many requests with one token, at most one commits;
// onFail is what it means for the others (and for a token that is no longer pending or past its deadline).
func (t *Tx) UseToken(tokenID, purpose string, now time.Time, onFail error) *Tx {
	return t.Add(types.TransactWriteItem{Update: &types.Update{
		TableName:           aws.String(t.table),
		Key:                 table.TokenKey(tokenID).AV(),
		UpdateExpression:    aws.String("SET #status = :used, closedAt = :now, #version = #version + :one REMOVE #xpk, #xsk"),
		ConditionExpression: aws.String("#status = :pending AND purpose = :purpose AND expiresAt > :nowUnix"),
		ExpressionAttributeNames: map[string]string{
			"#status": "status", "#version": table.AttrVersion, "#xpk": table.AttrXPK, "#xsk": table.AttrXSK,
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":used": S("used"), ":pending": S("pending"), ":purpose": S(purpose),
			":now": S(now.UTC().Format(time.RFC3339Nano)), ":nowUnix": N(now.Unix()), ":one": N(1),
		},
	}}, onFail)
}
