package dynamo

import (
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// Send adds a new pending outbox message to the transaction of the change that needs it: the stream hands it
// to the mailer once the change commits, and never if it does not.
func (t *Tx) Send(m outbox.Message) *Tx {
	item, err := MessageItem(m)
	if err != nil {
		t.Fail(err)
		return t
	}
	return t.PutItem(item, nil) // a fresh random id: a failure is an id collision, not a meaning
}

// MessageItem encodes an outbox message as a table item: pending unless it says otherwise, collected by TTL
// outbox.Retention after it was written.
func MessageItem(m outbox.Message) (map[string]types.AttributeValue, error) {
	if m.Status == "" {
		m.Status = outbox.StatusPending
	}
	item, err := Record(m, table.TypeOutbox, table.OutboxKey(m.ID))
	if err != nil {
		return nil, err
	}
	return WithTTL(item, m.CreatedAt.Add(outbox.Retention)), nil
}

// MessageFromItem decodes an outbox message from a table item (or a stream image converted to one).
func MessageFromItem(item map[string]types.AttributeValue) (outbox.Message, error) {
	var m outbox.Message
	err := attributevalue.UnmarshalMap(item, &m)
	return m, err
}
