package tree

import (
	"context"
	"strings"

	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// AuditList is the answer of GET /v1/accounts/{id}/audit: one page of the account's audit events, newest first.
type AuditList struct {
	Items []audit.Event `json:"items"`
	// Next is the cursor of the next (older) page, null on the last one.
	Next *string `json:"next"`
}

// auditCursorAttrs are the attributes of an audit page's key.
var auditCursorAttrs = []string{table.AttrPK, table.AttrSK}

// AuditLog lists one page of an account's audit events, newest first, for a caller with role.AuditView in the
// account or above it.
func (s *Service) AuditLog(ctx context.Context, a actor.Actor, id string, p PageRequest) (AuditList, error) {
	v := &fault.ValidationError{}
	limit := pageLimit(v, p.Limit)
	start := decodeCursor(v, p.Cursor, auditCursorAttrs, func(k map[string]string) bool {
		return k[table.AttrPK] == table.AccountKey(id).PK && strings.HasPrefix(k[table.AttrSK], table.AuditPrefix)
	})
	if err := v.Err(); err != nil {
		return AuditList{}, err
	}
	acc, err := s.authorize(ctx, a, id, Audit)
	if err != nil {
		return AuditList{}, err
	}
	out := AuditList{Items: []audit.Event{}}
	next, err := s.store.AuditPage(ctx, acc.ID, limit, start, &out.Items)
	if err != nil {
		return AuditList{}, err
	}
	if out.Items == nil {
		out.Items = []audit.Event{}
	}
	out.Next = encodeCursor(next)
	return out, nil
}
