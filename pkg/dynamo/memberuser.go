package dynamo

// A user's memberships as a whole: which accounts they belong to, and the sign-in time copied onto each.

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/table"
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
