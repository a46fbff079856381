package tree

import (
	"context"
	"sync"
	"time"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
)

// ChildList is the answer of GET /v1/accounts/{id}/children: one page of the account's children, by name.
type ChildList struct {
	Items []Child `json:"items"`
	// Next is the cursor of the next page, null on the last one.
	Next *string `json:"next"`
}

// Child is one account of a children page, with the counts of its own subtree.
type Child struct {
	ID     string         `json:"id"`
	Kind   account.Kind   `json:"kind"`
	Name   string         `json:"name"`
	Status account.Status `json:"status"`
	// Stage is a customer's stage, "prospect" or "customer"; absent for other kinds.
	Stage string `json:"stage,omitempty"`
	// Blocked is true while an account above the child is disabled.
	Blocked     bool           `json:"blocked"`
	Counts      account.Counts `json:"counts"`
	Endpoints   *int           `json:"endpoints,omitempty"` // customers only
	CreatedAt   time.Time      `json:"createdAt"`
	Permissions Permissions    `json:"permissions"`
}

// PageRequest is a list's query parameters, as sent.
type PageRequest struct {
	Cursor string
	Limit  string
}

// Children lists one page of an account's children, ordered by name, each with its own counts and status. A
// page costs the same whatever the size of the tree: the account, the accounts above it and one query of
// limit+1 index entries.
func (s *Service) Children(ctx context.Context, a actor.Actor, id string, p PageRequest) (ChildList, error) {
	v := &fault.ValidationError{}
	limit := pageLimit(v, p.Limit)
	start, ok := dynamo.ParseChildrenCursor(p.Cursor, id)
	if !ok {
		badCursor(v)
	}
	if err := v.Err(); err != nil {
		return ChildList{}, err
	}
	parent, err := s.authorize(ctx, a, id, View)
	if err != nil {
		return ChildList{}, err
	}

	var (
		wg              sync.WaitGroup
		above           []account.Account
		kids            []account.Account
		next            dynamo.Cursor
		aboveErr, qyErr error
	)
	wg.Go(func() { above, aboveErr = s.store.AccountAncestors(ctx, parent) })
	wg.Go(func() { kids, next, qyErr = s.store.ChildrenPage(ctx, parent.ID, limit, start) })
	wg.Wait()
	if aboveErr != nil {
		return ChildList{}, aboveErr
	}
	if qyErr != nil {
		return ChildList{}, qyErr
	}
	blocked := !account.Usable(parent, above)
	out := ChildList{Items: make([]Child, 0, len(kids)), Next: next.Next()}
	for _, k := range kids {
		c := Child{
			ID: k.ID, Kind: k.Kind, Name: k.Company.Name, Status: k.Status, Blocked: blocked, Counts: k.Counts,
			CreatedAt: k.CreatedAt, Permissions: PermissionsOn(a, k),
		}
		if k.Kind == account.Customer {
			n := k.Endpoints
			c.Endpoints = &n
			c.Stage = k.Stage.String()
		}
		out.Items = append(out.Items, c)
	}
	return out, nil
}

// badCursor reports a cursor that is not one the list handed out: made up, damaged or of another list.
func badCursor(v *fault.ValidationError) {
	v.Add("cursor", codeInvalid, "This cursor is not one this list handed out; start again from the first page.")
}
