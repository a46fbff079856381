package sweep

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/table"
)

// ByID adapts the expirer of a use case that names its records by id (their "id" attribute), such as
// grant.Expirer.Expire: the sweep reads the id off the due item, so the use case never sees a table item.
type ByID func(ctx context.Context, id string, now time.Time) error

var _ Expirer = ByID(nil)

// Expire hands the item's id to f; an item without an id is an error (it is not a record of f's type).
func (f ByID) Expire(ctx context.Context, item map[string]types.AttributeValue, now time.Time) error {
	id := str(item["id"])
	if id == "" {
		return fmt.Errorf("expire %s item %s: no id", str(item[table.AttrType]), str(item[table.AttrPK]))
	}
	return f(ctx, id, now)
}
