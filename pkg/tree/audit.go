package tree

import (
	"context"

	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
)

// AuditList is the answer of GET /v1/accounts/{id}/audit: one page of the account's audit events, newest first.
type AuditList struct {
	Items []audit.Event `json:"items"`
	// Next is the cursor of the next (older) page, null on the last one.
	Next *string `json:"next"`
}

// AuditLog lists one page of an account's audit events, newest first, for a caller with role.AuditView in the
// account or above it.
func (s *Service) AuditLog(ctx context.Context, a actor.Actor, id string, p PageRequest) (AuditList, error) {
	v := &fault.ValidationError{}
	limit := pageLimit(v, p.Limit)
	start, ok := dynamo.ParseAuditCursor(p.Cursor, id)
	if !ok {
		badCursor(v)
	}
	if err := v.Err(); err != nil {
		return AuditList{}, err
	}
	acc, err := s.authorize(ctx, a, id, Audit)
	if err != nil {
		return AuditList{}, err
	}
	events, next, err := s.store.AuditPage(ctx, acc.ID, limit, start)
	if err != nil {
		return AuditList{}, err
	}
	if events == nil {
		events = []audit.Event{}
	}
	return AuditList{Items: events, Next: next.Next()}, nil
}
