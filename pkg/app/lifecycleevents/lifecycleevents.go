// Package lifecycleevents is the wiring of the lifecycle-events function: the table's stream hands it every audit
// record inserted (table.AuditInserts), and it publishes the lifecycle events of the catalog (package lifecycle)
// on the stack's EventBridge bus (package eventbus). It links no use case, no key and no mail.
package lifecycleevents

import (
	"context"
	"errors"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"

	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/eventbus"
	"github.com/partnerhub/partnerhub/pkg/lifecycle"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// LocalStage is the stage of the local stack's events: their source is partnerhub.local.
const LocalStage = "local"

// New builds the relay itself, for the local stack's stream poller and for tests. It publishes through a.Events
// (app.WithEvents: the local stack's event log, a test's); without one, through EventBridge on EVENT_BUS_NAME,
// which the stack sets.
func New(a *app.App) (*eventbus.Relay, error) {
	pub := a.Events
	if pub == nil {
		if a.Config.EventBus == "" {
			return nil, errors.New("build lifecycle-events: no event bus (EVENT_BUS_NAME) and no publisher (app.WithEvents)")
		}
		b := a.Bounds(app.ServiceEventBridge)
		pub = eventbus.EventBridge{
			Client:     eventbridge.NewFromConfig(a.AWS(), func(o *eventbridge.Options) { o.Retryer = b.Retryer() }),
			Bus:        a.Config.EventBus,
			Attempts:   b.Attempts,
			MaxBackoff: b.MaxBackoff,
		}
	}
	return eventbus.NewRelay(eventbus.RelayConfig{Publisher: pub, Source: Source(a.Config), Log: a.Log.With("function", route.Events)})
}

// Source is the events' source: EVENT_SOURCE as the stack sets it, else partnerhub.local locally and
// partnerhub in AWS.
func Source(c app.Config) string {
	switch {
	case c.EventSource != "":
		return c.EventSource
	case c.Local():
		return lifecycle.Source(LocalStage)
	}
	return lifecycle.BaseSource
}

// Handler builds the function's handler. It publishes a batch within the invocation's Budget, so a stalled
// EventBridge fails the batch's records, which the answer reports for redelivery, before Lambda's timeout would.
func Handler(a *app.App) (app.StreamHandler, error) {
	r, err := New(a)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
		ctx, cancel := app.Budget(ctx)
		defer cancel()
		return r.Handle(ctx, ev)
	}, nil
}
