// Package eventbus publishes PartnerHub's lifecycle events (package lifecycle): Relay turns the audit records the
// table's stream delivers into events and hands them to a lifecycle.Publisher, and EventBridge is the publisher
// in AWS, PutEvents on the stack's bus. The local stack's publisher is an in-memory log (package local).
package eventbus

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"

	"github.com/partnerhub/partnerhub/pkg/lifecycle"
)

// API is the part of the EventBridge client the publisher uses.
type API interface {
	PutEvents(ctx context.Context, in *eventbridge.PutEventsInput, opts ...func(*eventbridge.Options)) (*eventbridge.PutEventsOutput, error)
}

var _ API = (*eventbridge.Client)(nil)

// putEventsMax is the most entries one PutEvents call takes.
const putEventsMax = 10

// EventBridge puts events on a bus with PutEvents. A call that fails as a whole has been retried by the client
// (its retryer, within the process's bounds: see pkg/app); entries that PutEvents reports as failed in an answer
// that succeeded (throttled or an internal failure of one entry) are sent again here, up to Attempts times,
// after a jittered backoff. What still fails is reported (lifecycle.PublishError), so the stream delivers those
// records again.
type EventBridge struct {
	Client API
	// Bus is the event bus's name or ARN.
	Bus string
	// Attempts bounds the sends of one entry; 0 means 3.
	Attempts int
	// MaxBackoff caps the wait before a resend; 0 means 500 ms.
	MaxBackoff time.Duration
}

var _ lifecycle.Publisher = EventBridge{}

// Publish puts the events on the bus, ten per call.
func (b EventBridge) Publish(ctx context.Context, events []lifecycle.Event) error {
	if b.Client == nil || b.Bus == "" {
		return errors.New("eventbridge publisher: Client and Bus are required")
	}
	attempts, ceiling := b.Attempts, b.MaxBackoff
	if attempts <= 0 {
		attempts = 3
	}
	if ceiling <= 0 {
		ceiling = 500 * time.Millisecond
	}
	pending, reason := events, ""
	for attempt := 1; len(pending) > 0 && attempt <= attempts; attempt++ {
		if attempt > 1 {
			if err := sleep(ctx, backoff(attempt, ceiling)); err != nil {
				return &lifecycle.PublishError{Failed: ids(pending), Reason: err.Error()}
			}
		}
		var again []lifecycle.Event
		for start := 0; start < len(pending); start += putEventsMax {
			chunk := pending[start:min(start+putEventsMax, len(pending))]
			failed, why, err := b.put(ctx, chunk)
			if err != nil {
				// The client gave up on the call after its own retries: this chunk and the rest are not sent.
				return &lifecycle.PublishError{Failed: ids(append(again, pending[start:]...)), Reason: err.Error()}
			}
			if reason == "" {
				reason = why
			}
			again = append(again, failed...)
		}
		pending = again
	}
	if len(pending) > 0 {
		return &lifecycle.PublishError{Failed: ids(pending), Reason: reason}
	}
	return nil
}

// put sends one PutEvents call and returns the events whose entries failed, with the first failure's reason.
func (b EventBridge) put(ctx context.Context, events []lifecycle.Event) ([]lifecycle.Event, string, error) {
	entries := make([]types.PutEventsRequestEntry, len(events))
	for i, e := range events {
		detail, err := e.DetailJSON()
		if err != nil {
			return nil, "", fmt.Errorf("encode event %s: %w", e.ID(), err)
		}
		entries[i] = types.PutEventsRequestEntry{
			EventBusName: aws.String(b.Bus),
			Source:       aws.String(e.Source),
			DetailType:   aws.String(string(e.Type)),
			Detail:       aws.String(detail),
			Time:         aws.Time(e.Time),
		}
	}
	out, err := b.Client.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: entries})
	if err != nil {
		return nil, "", fmt.Errorf("PutEvents: %w", err)
	}
	if out.FailedEntryCount == 0 {
		return nil, "", nil
	}
	if len(out.Entries) != len(events) {
		// The answer does not say which failed: send them all again (subscribers drop the duplicates by id).
		return events, fmt.Sprintf("PutEvents: %d entries failed, answer of %d entries for %d", out.FailedEntryCount, len(out.Entries), len(events)), nil
	}
	var failed []lifecycle.Event
	reason := ""
	for i, r := range out.Entries {
		if aws.ToString(r.ErrorCode) == "" {
			continue
		}
		failed = append(failed, events[i])
		if reason == "" {
			reason = aws.ToString(r.ErrorCode) + ": " + aws.ToString(r.ErrorMessage)
		}
	}
	return failed, reason, nil
}

// backoffBase is the backoff ceiling before the second send; it doubles for each later one, up to the cap.
const backoffBase = 50 * time.Millisecond

// backoff is a random wait below min(ceiling, backoffBase·2^(attempt-2)) before send number attempt.
func backoff(attempt int, ceiling time.Duration) time.Duration {
	limit := ceiling
	if attempt >= 2 && attempt < 30 {
		limit = min(limit, backoffBase<<(attempt-2))
	}
	return rand.N(limit) + time.Millisecond
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func ids(events []lifecycle.Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.ID()
	}
	return out
}
