package dynamo

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// undeliverableKept is how long a mark outlives its report: long after anyone needs it on a home page, and
// short enough that marks whose user changed address (the mark is not removed then) do not pile up.
const undeliverableKept = 90 * 24 * time.Hour

// undeliverableMark is the item of table.UndeliverableKey: who, and what the email service said when.
type undeliverableMark struct {
	UserID string    `dynamodbav:"userId"`
	State  string    `dynamodbav:"state"`
	At     time.Time `dynamodbav:"at"`
}

// MarkEmailState adds, to the transaction that records a user's new email state, the mark the attention summary
// lists the user's home account by: written when the address bounced or complained, removed otherwise (a
// delivery cleared it). A mark is a pointer, not the truth: readers check the user item, whose state may have
// moved on since (a new address clears it without touching the mark, which then expires).
func (t *Tx) MarkEmailState(u user.User, st user.EmailState) *Tx {
	key := table.UndeliverableKey(u.HomeAccountID, u.ID)
	if st.State != user.EmailBounced && st.State != user.EmailComplained {
		return t.Delete(key)
	}
	item, err := Record(undeliverableMark{UserID: u.ID, State: st.State, At: st.At}, table.TypeUndeliverable, key)
	if err != nil {
		t.Fail(err)
		return t
	}
	return t.Replace(WithTTL(item, st.At.Add(undeliverableKept))) // a later report replaces the mark
}

// UndeliverableUsers lists the ids of up to limit users marked undeliverable in an account, and whether more
// marks exist.
func (s Store) UndeliverableUsers(ctx context.Context, accountID string, limit int) (ids []string, more bool, err error) {
	items, last, err := s.QueryPage(ctx, &dynamodb.QueryInput{
		KeyConditionExpression: aws.String("pk = :pk AND begins_with(sk, :prefix)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk":     S(table.AccountKey(accountID).PK),
			":prefix": S(table.UndeliverablePrefix),
		},
		ConsistentRead: aws.Bool(true),
	}, limit)
	if err != nil {
		return nil, false, err
	}
	var marks []undeliverableMark
	if err := attributevalue.UnmarshalListOfMaps(items, &marks); err != nil {
		return nil, false, fmt.Errorf("decode undeliverable marks: %w", err)
	}
	for _, m := range marks {
		ids = append(ids, m.UserID)
	}
	return ids, last != nil, nil
}
