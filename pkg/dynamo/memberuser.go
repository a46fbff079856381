package dynamo

// A user's memberships as a whole: which accounts they belong to, the sign-in time copied onto each, and the
// user-level writes that removing access needs.

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// MemberAccounts lists the ids of the accounts a user is a member of (consistently).
func (s Store) MemberAccounts(ctx context.Context, userID string) ([]string, error) {
	out, err := s.DB.Query(ctx, &dynamodb.QueryInput{
		TableName:              aws.String(s.Table),
		KeyConditionExpression: aws.String("pk = :pk AND begins_with(sk, :sk)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": S(table.UserKey(userID).PK),
			":sk": S(table.MembershipPrefix),
		},
		ProjectionExpression: aws.String("accountId"),
		ConsistentRead:       aws.Bool(true),
	})
	if err != nil {
		return nil, Unavailable("member accounts", err)
	}
	ids := make([]string, 0, len(out.Items))
	for _, item := range out.Items {
		if s, ok := item["accountId"].(*types.AttributeValueMemberS); ok {
			ids = append(ids, s.Value)
		}
	}
	return ids, nil
}

// maxLoginCopies bounds how many other memberships a sign-in copies its time to in its transaction (which holds
// at most 100 items); a user with more memberships than that has the rest copied at their next sign-ins.
const maxLoginCopies = 50

// loginCopies are the transaction items of a sign-in that copy its time onto the user's memberships other than
// the one of the session's account, which the sign-in updates anyway. They are read consistently just before.
func (s Store) loginCopies(ctx context.Context, userID, sessionAccountID string, at types.AttributeValue) ([]types.TransactWriteItem, error) {
	ids, err := s.MemberAccounts(ctx, userID)
	if err != nil {
		return nil, err
	}
	var items []types.TransactWriteItem
	for _, id := range ids {
		if id != sessionAccountID && len(items) < maxLoginCopies {
			items = append(items, MemberLogin(s.Table, userID, id, at))
		}
	}
	return items, nil
}

// onlyCopiesFailed reports whether a cancelled transaction failed only on items from index from on: the
// copies to other memberships, one of which was removed meanwhile.
func onlyCopiesFailed(err error, from int) bool {
	reasons := Reasons(err)
	failed := false
	for i, r := range reasons {
		if r == "None" {
			continue
		}
		if i < from {
			return false
		}
		failed = true
	}
	return failed
}

// UserAt is the transaction item that holds only while a user is still at the version read.
func UserAt(tableName string, u user.User) types.TransactWriteItem {
	return types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName:                 aws.String(tableName),
		Key:                       table.UserKey(u.ID).AV(),
		ConditionExpression:       aws.String("#version = :v"),
		ExpressionAttributeNames:  map[string]string{"#version": table.AttrVersion},
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": N(int64(u.Version))},
	}}
}

// RehomeUser is the transaction item that moves a user, read at u.Version, to another home account (where
// their sessions start) and moves the version on. A removal includes it, with the same home when that stays,
// so that two removals decided on the same reading of the user's memberships cannot both commit.
func RehomeUser(tableName string, u user.User, home string) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{
		TableName:                 aws.String(tableName),
		Key:                       table.UserKey(u.ID).AV(),
		UpdateExpression:          aws.String("SET homeAccountId = :home, #version = #version + :one"),
		ConditionExpression:       aws.String("#version = :v"),
		ExpressionAttributeNames:  map[string]string{"#version": table.AttrVersion},
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": N(int64(u.Version)), ":one": N(1), ":home": S(home)},
	}}
}
