package dynamo

import (
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// Audit adds the write of an audit event to the transaction of the change it describes.
func (t *Tx) Audit(e audit.Event) *Tx {
	item, err := AuditItem(e)
	if err != nil {
		t.Fail(err)
		return t
	}
	return t.PutItem(item, nil) // a fresh random id: a failure is an id collision, not a meaning
}

// AuditItem encodes an audit event as a table item.
func AuditItem(e audit.Event) (map[string]types.AttributeValue, error) {
	return Record(e, table.TypeAudit, table.AuditKey(e.AccountID, e.At, e.ID))
}
