package app

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
)

// StreamHandler handles a batch of stream records and reports the ones that failed, so only those are retried.
type StreamHandler func(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error)

// ScheduleHandler handles a scheduled event.
type ScheduleHandler func(ctx context.Context, ev events.EventBridgeEvent) error

// EventHandler handles one event from EventBridge other than a schedule (the email service's events). An error
// asks Lambda to retry it; past the retries it goes to the failure queue.
type EventHandler func(ctx context.Context, ev events.EventBridgeEvent) error
