package app

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
)

// StreamHandler handles a batch of stream records and reports the ones that failed, so only those are retried.
type StreamHandler func(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error)

// ScheduleHandler handles a scheduled event.
type ScheduleHandler func(ctx context.Context, ev events.EventBridgeEvent) error
