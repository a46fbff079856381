package dynamo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// MaxTxItems is the most items DynamoDB takes in one TransactWriteItems.
const MaxTxItems = 100

// Tx is one write transaction being built. Every item is added with the error its condition's failure means
// (nil for an item without a condition), so Commit can answer a cancellation with the meaning of the item that
// failed, not with its position. Use cases build a Tx through the store's methods (tx.UseToken(...),
// tx.Audit(...), ...), never from SDK types.
type Tx struct {
	table string
	items []types.TransactWriteItem
	fails []error
	err   error
	// emailTo is the address MoveEmailGuard moved a guard to: the one change of a user's address UpdateUser writes.
	emailTo string
}

// Tx starts a transaction on the store's table.
func (s Store) Tx() *Tx { return &Tx{table: s.Table} }

// Len is the number of items so far.
func (t *Tx) Len() int { return len(t.items) }

// Add appends an item built by store code with the error its failed condition means. It is the one way items
// enter a transaction.
func (t *Tx) Add(item types.TransactWriteItem, onFail error) *Tx {
	t.items = append(t.items, item)
	t.fails = append(t.fails, onFail)
	return t
}

// Fail records an error met while building an item (an item that could not be encoded, say): Commit returns it
// and writes nothing.
func (t *Tx) Fail(err error) {
	if err != nil && t.err == nil {
		t.err = err
	}
}

// PutItem adds a put of a whole item that must not exist yet; onFail is what it means if it does.
func (t *Tx) PutItem(item map[string]types.AttributeValue, onFail error) *Tx {
	return t.Add(PutNew(t.table, item), onFail)
}

// Replace adds a put of a whole item with no condition: it creates or replaces it.
func (t *Tx) Replace(item map[string]types.AttributeValue) *Tx {
	return t.Add(types.TransactWriteItem{Put: &types.Put{TableName: aws.String(t.table), Item: item}}, nil)
}

// Delete adds a delete of the item at key, with no condition: deleting what is gone is not an error.
func (t *Tx) Delete(key table.Key) *Tx {
	return t.Add(types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(t.table), Key: key.AV()}}, nil)
}

// ErrTxTooLarge is a transaction of more than MaxTxItems items: a bug in the use case's bounds.
var ErrTxTooLarge = errors.New("transaction has too many items")

// txAttempts bounds the retries of a transaction that lost a race (TransactionConflict).
const txAttempts = 4

// Commit runs the transaction. It retries a few times with a short backoff while the transaction loses races
// with others on the same items. A cancellation for a failed condition answers the error of the first item
// whose condition failed (items without a meaning answer fault.ErrConflict); any other failure is
// fault.ErrUnavailable.
func (s Store) Commit(ctx context.Context, tx *Tx) error {
	if tx.err != nil {
		return tx.err
	}
	switch n := len(tx.items); {
	case n == 0:
		return nil
	case n > MaxTxItems:
		return fmt.Errorf("%w: %d", ErrTxTooLarge, n)
	}
	var err error
	for attempt := range txAttempts {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return Unavailable("transaction", ctx.Err())
			case <-time.After(time.Duration(attempt*attempt) * 15 * time.Millisecond):
			}
		}
		_, err = s.DB.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: tx.items})
		switch {
		case err == nil:
			return nil
		case ConditionFailed(err):
			return tx.meaning(err)
		case !Contended(err):
			return Unavailable("transaction", err)
		}
	}
	return Unavailable("transaction (contended)", err)
}

// meaning is the error of the first item whose condition failed.
func (t *Tx) meaning(err error) error {
	for i, r := range Reasons(err) {
		if r != "ConditionalCheckFailed" || i >= len(t.fails) {
			continue
		}
		if t.fails[i] != nil {
			return t.fails[i]
		}
		return fmt.Errorf("transaction item %d: condition failed: %w", i, fault.ErrConflict)
	}
	return fmt.Errorf("transaction: condition failed: %w", fault.ErrConflict)
}
