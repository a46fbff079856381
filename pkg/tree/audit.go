package tree

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/secret"
)

// AuditRequest is the query of GET /v1/accounts/{id}/audit, as sent: the page and the filters, each optional.
//
//	actor   a user id, or an email address (the user it belongs to; any case): the events that user did
//	action  one action of the audit catalog (audit.Actions)
//	target  the id of what the events were done to (an account, a user, a grant, a share link)
//	from    RFC 3339 date-time, or a date (from the start of that day, UTC): events at or after it
//	to      RFC 3339 date-time, or a date (to the end of that day, UTC): events at or before it
//
// The dates narrow the read itself (they are the key condition); actor, action and target are a filter over
// that range, so a filtered page may come back short, even empty, with a cursor: the client keeps following
// next until it is null.
type AuditRequest struct {
	Actor, Action, Target, From, To string
	Cursor, Limit                   string
}

// AuditList is the answer of GET /v1/accounts/{id}/audit: one page of the account's audit events, newest first.
type AuditList struct {
	Items []audit.Event `json:"items"`
	// Actors names the users who did the page's events, by id: their name now (a user without a name, or no
	// longer there, is missing; an event without an actor was done by the system).
	Actors map[string]string `json:"actors"`
	// Next is the cursor of the next (older) page, null on the last one. With a filter, a page may hold fewer
	// events than asked for, or none, and still have a next page.
	Next *string `json:"next"`
}

// AuditLog lists one page of an account's audit events, newest first, narrowed by the request's filters, for a
// caller with role.AuditView in the account or above it. Bad filters are a validation error listing each; an
// email address that belongs to nobody lists nothing.
func (s *Service) AuditLog(ctx context.Context, a actor.Actor, id string, r AuditRequest) (AuditList, error) {
	v := &fault.ValidationError{}
	q := dynamo.AuditQuery{Limit: pageLimit(v, r.Limit), Action: r.Action, TargetID: r.Target}
	byEmail := strings.Contains(r.Actor, "@")
	if r.Actor != "" {
		if !byEmail {
			q.ActorID = r.Actor
		}
		if byEmail && len(r.Actor) > maxEmail || !byEmail && !secret.WellFormedID(r.Actor) {
			v.Add("actor", codeInvalid, "Use a user id or an email address.")
		}
	}
	if r.Action != "" && !slices.Contains(audit.Actions(), audit.Action(r.Action)) {
		v.Add("action", codeUnknown, "Use one of the actions of the audit catalog.")
	}
	if r.Target != "" && !secret.WellFormedID(r.Target) {
		v.Add("target", codeInvalid, "Use the id of an account, a user or a partner access.")
	}
	q.From = auditTime(v, "from", r.From, false)
	q.To = auditTime(v, "to", r.To, true)
	if !q.From.IsZero() && !q.To.IsZero() && q.From.After(q.To) {
		v.Add("to", codeBeforeFrom, "The end of the range comes before its start.")
	}
	if !v.Has("from") && !v.Has("to") {
		start, ok := dynamo.ParseAuditCursor(r.Cursor, id, q.From, q.To)
		if !ok {
			badCursor(v)
		}
		q.Start = start
	}
	if err := v.Err(); err != nil {
		return AuditList{}, err
	}
	acc, err := s.authorize(ctx, a, id, Audit)
	if err != nil {
		return AuditList{}, err
	}
	q.AccountID = acc.ID
	if byEmail {
		u, err := s.store.UserByEmail(ctx, r.Actor)
		if errors.Is(err, fault.ErrNotFound) {
			return AuditList{Items: []audit.Event{}, Actors: map[string]string{}}, nil
		}
		if err != nil {
			return AuditList{}, err
		}
		q.ActorID = u.ID
	}
	events, next, err := s.store.AuditPage(ctx, q)
	if err != nil {
		return AuditList{}, err
	}
	if events == nil {
		events = []audit.Event{}
	}
	actors, err := s.actorNames(ctx, events)
	if err != nil {
		return AuditList{}, err
	}
	return AuditList{Items: events, Actors: actors, Next: next.Next()}, nil
}

// actorNames reads the names of the users who did events, in one batch of at most a page's users.
func (s *Service) actorNames(ctx context.Context, events []audit.Event) (map[string]string, error) {
	names := map[string]string{}
	var ids []string
	for _, e := range events {
		if e.ActorID != "" && !slices.Contains(ids, e.ActorID) {
			ids = append(ids, e.ActorID)
		}
	}
	if len(ids) == 0 {
		return names, nil
	}
	users, err := s.store.UsersByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	for id, u := range users {
		if u.Name != "" {
			names[id] = u.Name
		}
	}
	return names, nil
}

// maxEmail is the longest email address there is (RFC 5321's path limit, as sign-up takes them).
const maxEmail = 254

// codeBeforeFrom says a range ends before it starts.
const codeBeforeFrom = "before_from"

// auditTime reads a bound of the audit log's range: an RFC 3339 date-time, or a date, which means the start of
// that day (UTC), or its last instant for the range's end. An empty text is no bound (the zero time).
func auditTime(v *fault.ValidationError, field, raw string, end bool) time.Time {
	if raw == "" {
		return time.Time{}
	}
	if t, err := time.Parse(time.RFC3339Nano, raw); err == nil {
		return t.UTC()
	}
	if d, err := time.Parse(time.DateOnly, raw); err == nil {
		if end {
			return d.AddDate(0, 0, 1).Add(-time.Nanosecond)
		}
		return d
	}
	v.Add(field, codeInvalid, "Use a date (2026-01-31) or an RFC 3339 date and time (2026-01-31T09:30:00Z).")
	return time.Time{}
}
