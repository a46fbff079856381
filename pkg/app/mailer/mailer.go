// Package mailer is the wiring of the mailer function (invitation-email): the table's stream hands it outbox
// inserts, and it sends each message through SES v2, or SNS for a text. It is the only function that links SES,
// SNS and the template engines.
package mailer

import (
	"context"
	"fmt"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/brand"
	"github.com/partnerhub/partnerhub/pkg/branding"
	"github.com/partnerhub/partnerhub/pkg/mailer"
)

// Handler builds the function's handler. It delivers a batch within the invocation's Budget, so a stalled SES
// or table fails its records' deliveries, which the answer reports for redelivery, before Lambda's timeout
// would fail the whole batch.
func Handler(a *app.App) (app.StreamHandler, error) { return HandlerWith(a, SES(a)) }

// HandlerWith is Handler sending emails through ses: the local stack's passes SES's feedback for its test domains
// back to the mail-feedback function (package local).
func HandlerWith(a *app.App, ses mailer.SES) (app.StreamHandler, error) {
	m, err := NewWith(a, ses)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
		ctx, cancel := app.Budget(ctx)
		defer cancel()
		return m.Handle(ctx, ev)
	}, nil
}

// SES is the mailer's SES client. Throttling, 5xx answers and attempts that get no answer in time are retried
// inside one delivery within SES's bounds (App.Bounds: in AWS 5 attempts of at most 3 s, jittered
// backoff of at most 2 s: at most 23 s, well inside the mailer's 60-second timeout); past them the delivery
// counts as one failed attempt and the stream retries the record.
func SES(a *app.App) *sesv2.Client {
	b := a.Bounds(app.ServiceSES)
	return sesv2.NewFromConfig(a.AWS(), func(o *sesv2.Options) { o.Retryer = mailer.SESRetryer(b.Attempts, b.MaxBackoff) })
}

// SNS is the client that sends texts in AWS, with the same policy as SES within its own bounds.
func SNS(a *app.App) *sns.Client {
	b := a.Bounds(app.ServiceSNS)
	return sns.NewFromConfig(a.AWS(), func(o *sns.Options) { o.Retryer = mailer.SESRetryer(b.Attempts, b.MaxBackoff) })
}

// New builds the mailer itself. It sends texts through a.SMS (app.WithSMS: the local stack's sink, a test's);
// without one, through SNS in AWS (which delivers through AWS End User Messaging SMS, with the function's role)
// and none locally, so that texts fail and say so on their outbox item rather than leave the machine.
func New(a *app.App) (*mailer.Mailer, error) { return NewWith(a, SES(a)) }

// NewWith is New sending emails through ses.
func NewWith(a *app.App, ses mailer.SES) (*mailer.Mailer, error) {
	// mailer.Config.Keys is an interface: a nil *secret.Keyring in it is not nil, and NewMailer would accept it.
	keys, err := a.Keyring()
	if err != nil {
		return nil, fmt.Errorf("build the mailer: %w", err)
	}
	sms := a.SMS
	if sms == nil && !a.Config.Local() {
		sms = mailer.SNSSender{Client: SNS(a)}
	}
	return mailer.NewMailer(mailer.Config{
		DB:    a.Dynamo(),
		SES:   ses,
		Table: a.Config.Table,
		Clock: a.Clock,
		Keys:  keys,
		// Emails carry the branding of their account's nearest branded partner, with the logo's URL absolute on
		// the portal's origin.
		Brands: brand.Mail{
			Resolver:  branding.Resolver{Store: a.Store()},
			PortalURL: a.Config.PortalURL,
			Fallback:  brand.MailFallback(a.Config.PortalURL),
		},
		SMS:              sms,
		PortalURL:        a.Config.PortalURL,
		From:             a.Config.MailFrom,
		ConfigurationSet: a.Config.ConfigurationSet,
		Log:              a.Log.With("function", "invitation-email"),
		Count:            a.Count,
	})
}
