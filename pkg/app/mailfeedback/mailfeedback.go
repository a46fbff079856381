// Package mailfeedback is the wiring of the mail-feedback function: SES publishes the bounces, complaints and
// deliveries of every email sent through the configuration set to EventBridge, whose rule invokes this function
// with each one, and package feedback records it on the user it concerns. The local stack feeds it the events
// of its simulated bounces (package local) through the same handler.
package mailfeedback

import (
	"context"
	"fmt"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/feedback"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// New builds the feedback service itself.
func New(a *app.App) *feedback.Service {
	return feedback.New(a.Store(), a.Log.With("function", route.MailFeedback), a.Count)
}

// Handler builds the function's handler. An event that is not an SES event record is logged and dropped: no
// retry can make it one. An error of the table is returned, so Lambda retries the event and, past its retries,
// keeps it in the failure queue.
func Handler(a *app.App) (app.EventHandler, error) {
	s := New(a)
	log := a.Log.With("function", route.MailFeedback)
	return func(ctx context.Context, ev events.EventBridgeEvent) error {
		ctx, cancel := app.Budget(ctx)
		defer cancel()
		r, err := feedback.Parse(ev.Detail)
		if err != nil {
			log.ErrorContext(ctx, "email event dropped: not an SES event record", "eventId", ev.ID, "detailType", ev.DetailType, "error", err.Error())
			return nil
		}
		if err := s.Record(ctx, r); err != nil {
			return fmt.Errorf("email event %s: %w", ev.ID, err)
		}
		return nil
	}, nil
}
