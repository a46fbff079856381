package dynamo

// Invitations of existing logins into more accounts.

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// Invitation is a pending invitation of an existing login into an account: the roles it grants, who sent it,
// and the current link token. There is at most one per user and account.
type Invitation struct {
	UserID           string      `dynamodbav:"userId"`
	AccountID        string      `dynamodbav:"accountId"`
	Roles            []role.Name `dynamodbav:"roles"`
	TokenID          string      `dynamodbav:"tokenId"`
	InvitedBy        string      `dynamodbav:"invitedBy"`
	InviterAccountID string      `dynamodbav:"inviterAccountId"`
	SentAt           time.Time   `dynamodbav:"sentAt"`
	ExpiresAt        time.Time   `dynamodbav:"expiresAt"`
	MessageID        string      `dynamodbav:"messageId"`
}

// invitationRetention keeps a lapsed invitation a while for the late click, like tokens; TTL then collects it.
const invitationRetention = 30 * 24 * time.Hour

// Invitation reads a user's invitation into an account; found is false if there is none.
func (s Store) Invitation(ctx context.Context, userID, accountID string) (inv Invitation, found bool, err error) {
	found, err = Get(ctx, s.DB, s.Table, table.InvitationKey(userID, accountID), &inv)
	return inv, found, err
}

// PutInvitation is the transaction item that writes an invitation. A first invitation needs no other; one that
// replaces prev holds only if prev is still the current one (a concurrent re-invitation makes it fail).
func PutInvitation(tableName string, inv Invitation, prev *Invitation) (types.TransactWriteItem, error) {
	item, err := Record(inv, table.TypeInvitation, table.InvitationKey(inv.UserID, inv.AccountID))
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	put := &types.Put{TableName: aws.String(tableName), Item: WithTTL(item, inv.ExpiresAt.Add(invitationRetention))}
	if prev == nil {
		put.ConditionExpression = aws.String("attribute_not_exists(pk)")
	} else {
		sent, err := attributevalue.Marshal(prev.SentAt)
		if err != nil {
			return types.TransactWriteItem{}, err
		}
		put.ConditionExpression = aws.String("tokenId = :tid AND sentAt = :sent")
		put.ExpressionAttributeValues = map[string]types.AttributeValue{":tid": S(prev.TokenID), ":sent": sent}
	}
	return types.TransactWriteItem{Put: put}, nil
}

// TakeInvitation is the transaction item that deletes an invitation while it still names tokenID: accepting
// it consumes it.
func TakeInvitation(tableName, userID, accountID, tokenID string) types.TransactWriteItem {
	return types.TransactWriteItem{Delete: &types.Delete{
		TableName:                 aws.String(tableName),
		Key:                       table.InvitationKey(userID, accountID).AV(),
		ConditionExpression:       aws.String("tokenId = :tid"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":tid": S(tokenID)},
	}}
}
