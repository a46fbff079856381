package dynamo

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// Message reads an outbox message by id (consistently), for what the user status check shows of an email's
// delivery; found is false once the outbox no longer holds it.
func (s Store) Message(ctx context.Context, id string) (m outbox.Message, found bool, err error) {
	found, err = Get(ctx, s.DB, s.Table, table.OutboxKey(id), &m)
	return m, found, err
}

// MessagesByID reads outbox messages by id, up to 100 per request (eventually consistent: the delivery of the
// activation emails of a page of users). Messages the outbox no longer holds are missing from the answer. The
// store's client must also be a BatchGetter, as the DynamoDB client is.
func (s Store) MessagesByID(ctx context.Context, ids []string) (map[string]outbox.Message, error) {
	db, ok := s.DB.(BatchGetter)
	if !ok {
		return nil, errors.New("messages by id: the store's client cannot read in batches")
	}
	out := make(map[string]outbox.Message, len(ids))
	keys := make([]table.Key, len(ids))
	for i, id := range ids {
		keys[i] = table.OutboxKey(id)
	}
	err := batchGet(ctx, db, s.Table, keys, false, func(item map[string]types.AttributeValue) error {
		var m outbox.Message
		if err := attributevalue.UnmarshalMap(item, &m); err != nil {
			return fmt.Errorf("decode outbox message: %w", err)
		}
		out[m.ID] = m
		return nil
	})
	return out, err
}
