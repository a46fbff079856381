// Package lifecycle is what PartnerHub tells integrators: the lifecycle events it publishes on its EventBridge
// bus (an account created, a user removed, a partner access revoked...), the pure mapping from the audit records
// they are derived from, and the JSON schema of each.
//
// Why from the audit records: every change worth telling already writes one in the change's own transaction
// (the store's tx.Audit), so the table's stream carries it if and only if the change committed. The publishing
// function reads those inserts from the stream (the outbox discipline): no event without its change, and none
// lost, since the stream redelivers what failed. Delivery is at least once; an event's id is its audit record's
// id, so a redelivered event carries the same id and subscribers drop what they have seen.
package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Event is one lifecycle event, ready to publish.
type Event struct {
	// Source is the event's source: "partnerhub", or "partnerhub.<stage>" outside production (Source).
	Source string
	// Type is the event's detail-type.
	Type Type
	// Time is when the change happened.
	Time time.Time
	// Detail is the event's detail, the part a subscriber reads.
	Detail Detail
}

// ID is the event's id, the audit record's: the same on every delivery of the same change.
func (e Event) ID() string { return e.Detail.ID }

// Detail is an event's detail. It never holds a secret, a token, a password or a code: only the fields the
// event's type lists are copied from the audit record's details (catalog).
type Detail struct {
	// ID is the audit record's id, for subscribers to drop a redelivered event.
	ID         string    `json:"id"`
	OccurredAt time.Time `json:"occurredAt"`
	// AccountID is the account the change happened in (a partner access event is published once on each side's
	// account, the customer's and the partner's, each with its own id).
	AccountID string `json:"accountId"`
	// ActorID is the user who acted; empty for the system (the expiry sweep).
	ActorID    string `json:"actorId,omitempty"`
	TargetType string `json:"targetType"`
	TargetID   string `json:"targetId"`
	// Change says what changed, for a type that stands for several changes (Two-Factor Changed).
	Change string `json:"change,omitempty"`
	// Details are the safe facts the type lists.
	Details map[string]string `json:"details,omitempty"`
}

// BaseSource is the source of every event in production.
const BaseSource = "partnerhub"

// prodStage is the stage whose events carry BaseSource alone.
const prodStage = "prod"

// Source is the source of a stage's events: "partnerhub" for production (or no stage), "partnerhub.<stage>"
// otherwise, so a rule on one account's default bus or an archive can never mix up staging and production.
func Source(stage string) string {
	stage = strings.ToLower(strings.TrimSpace(stage))
	if stage == "" || stage == prodStage {
		return BaseSource
	}
	return BaseSource + "." + stage
}

// Publisher puts events on the bus: EventBridge in AWS, an in-memory log in the local stack. Publish puts them
// all or reports which failed: a *PublishError lists the ids that did not make it (the others did); any other
// error means none is known to have made it.
type Publisher interface {
	Publish(ctx context.Context, events []Event) error
}

// PublishError is a publish of which some events failed.
type PublishError struct {
	// Failed are the ids of the events that were not put.
	Failed []string
	// Reason is the first failure's code and message, for the log.
	Reason string
}

func (e *PublishError) Error() string {
	return fmt.Sprintf("%d events not published: %s", len(e.Failed), e.Reason)
}

// Failed lists the ids of the events of a publish that failed with err: none for nil, those listed by a
// *PublishError, or all of them.
func Failed(events []Event, err error) map[string]bool {
	out := map[string]bool{}
	if err == nil {
		return out
	}
	var pe *PublishError
	if errors.As(err, &pe) {
		for _, id := range pe.Failed {
			out[id] = true
		}
		return out
	}
	for _, e := range events {
		out[e.ID()] = true
	}
	return out
}
