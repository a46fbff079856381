package eventbus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/lifecycle"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// Relay is the lifecycle-events function: the table's stream hands it every audit record inserted
// (table.AuditInserts), in the transaction of the change it describes; it publishes those of the catalog
// (lifecycle.FromAudit) and reports the records whose events were not published, so the stream delivers them
// again (and, after its bounded retries, sends them to the failure queue). A redelivered record's event has the
// same id, the audit record's.
type Relay struct {
	publisher lifecycle.Publisher
	source    string
	log       *slog.Logger
}

// RelayConfig is what a Relay needs.
type RelayConfig struct {
	Publisher lifecycle.Publisher
	// Source is the events' source (lifecycle.Source of the stage).
	Source string
	Log    *slog.Logger
}

// NewRelay checks the configuration.
func NewRelay(c RelayConfig) (*Relay, error) {
	if c.Publisher == nil || c.Source == "" {
		return nil, errors.New("relay: Publisher and Source are required")
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	return &Relay{publisher: c.Publisher, source: c.Source, log: c.Log}, nil
}

// Handle publishes the batch's events and reports the records to deliver again.
func (r *Relay) Handle(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	var (
		batch []lifecycle.Event
		seq   = map[string]string{} // event id → its record's sequence number
	)
	for _, rec := range ev.Records {
		if !table.AuditInserts.Match(rec) {
			continue
		}
		a, err := auditOf(rec.Change.NewImage)
		if err != nil {
			// A record no retry can read: redelivering it would block the shard for nothing.
			r.log.ErrorContext(ctx, "lifecycle events: stream record skipped", "eventId", rec.EventID, "error", err.Error())
			continue
		}
		e, ok := lifecycle.FromAudit(a, r.source)
		if !ok {
			continue
		}
		if _, dup := seq[e.ID()]; dup {
			continue
		}
		seq[e.ID()] = rec.Change.SequenceNumber
		batch = append(batch, e)
	}
	var resp events.DynamoDBEventResponse
	if len(batch) == 0 {
		return resp, nil
	}
	err := r.publisher.Publish(ctx, batch)
	failed := lifecycle.Failed(batch, err)
	for _, e := range batch {
		if failed[e.ID()] {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: seq[e.ID()]})
		}
	}
	if err != nil {
		r.log.WarnContext(ctx, "lifecycle events not published; the stream delivers them again", "events", len(batch),
			"failed", len(failed), "error", err.Error())
	}
	r.log.DebugContext(ctx, "lifecycle events published", "records", len(ev.Records), "events", len(batch), "failed", len(failed))
	return resp, nil
}

// auditOf reads the audit record an INSERT's new image shows: its string attributes and its details.
func auditOf(image map[string]events.DynamoDBAttributeValue) (audit.Event, error) {
	str := func(name string) string {
		v, ok := image[name]
		if !ok || v.DataType() != events.DataTypeString {
			return ""
		}
		return v.String()
	}
	e := audit.Event{
		ID: str("id"), AccountID: str("accountId"), ActorID: str("actorId"), Action: audit.Action(str("action")),
		TargetType: audit.Target(str("targetType")), TargetID: str("targetId"),
	}
	if e.ID == "" || e.AccountID == "" || e.Action == "" {
		return e, errors.New("not an audit record: no id, accountId or action")
	}
	at, err := time.Parse(time.RFC3339Nano, str("at"))
	if err != nil {
		return e, fmt.Errorf("audit record %s: at: %w", e.ID, err)
	}
	e.At = at
	if d, ok := image["details"]; ok && d.DataType() == events.DataTypeMap {
		e.Details = map[string]string{}
		for k, v := range d.Map() {
			if v.DataType() == events.DataTypeString {
				e.Details[k] = v.String()
			}
		}
	}
	return e, nil
}
