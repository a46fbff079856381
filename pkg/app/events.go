package app

import (
	"context"
	"errors"

	"github.com/aws/aws-lambda-go/events"
)

// StreamHandler handles a batch of stream records and reports the ones that failed, so only those are retried.
type StreamHandler func(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error)

// ScheduleHandler handles a scheduled event.
type ScheduleHandler func(ctx context.Context, ev events.EventBridgeEvent) error

// Mailer builds the handler of the mailer function (invitation-email).
// TODO(mailer): build the outbox mailer here.
func (a *App) Mailer() (StreamHandler, error) { return nil, errors.New("mailer not built yet") }

// Sweep builds the handler of the expiry-sweep function.
// TODO(sweep): build the sweeper here.
func (a *App) Sweep() (ScheduleHandler, error) { return nil, errors.New("sweep not built yet") }
