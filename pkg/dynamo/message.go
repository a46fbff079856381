package dynamo

import (
	"context"

	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// Message reads an outbox message by id (consistently), for what the user status check shows of an email's
// delivery; found is false once the outbox no longer holds it.
func (s Store) Message(ctx context.Context, id string) (m outbox.Message, found bool, err error) {
	found, err = Get(ctx, s.DB, s.Table, table.OutboxKey(id), &m)
	return m, found, err
}
