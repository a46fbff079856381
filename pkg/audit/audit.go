// Package audit records who did what, when, on which account and target. An event is written in the same
// transaction as the change it describes, so the log and the data never disagree.
package audit

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// Event is one audit record.
type Event struct {
	ID        string    `json:"id" dynamodbav:"id"`
	AccountID string    `json:"accountId" dynamodbav:"accountId"`
	At        time.Time `json:"at" dynamodbav:"at"`
	// ActorID is the user who acted; empty for the system (the sweep, the bootstrap).
	ActorID string `json:"actorId,omitempty" dynamodbav:"actorId,omitempty"`
	// Action is a stable verb, e.g. "account.created", "user.activated".
	Action string `json:"action" dynamodbav:"action"`
	// TargetType and TargetID name what the action was done to.
	TargetType string `json:"targetType" dynamodbav:"targetType"`
	TargetID   string `json:"targetId" dynamodbav:"targetId"`
	// Details are safe, non-secret facts about the change.
	Details map[string]string `json:"details,omitempty" dynamodbav:"details,omitempty"`
}

// Put is the transaction item that writes the event. Put it in the transaction of the change.
func Put(tableName string, e Event) (types.TransactWriteItem, error) {
	item, err := dynamo.Record(e, table.TypeAudit, table.AuditKey(e.AccountID, e.At, e.ID))
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	return dynamo.PutNew(tableName, item), nil
}
