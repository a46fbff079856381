package app

import (
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/partnerhub/partnerhub/pkg/outbox"
)

// WithSMS makes the mailer send texts through s: the local stack passes its SMS sink, tests theirs.
func WithSMS(s outbox.SMSSender) Option { return func(a *App) { a.SMS = s } }

// smsSender is what the mailer sends texts with: the one given by WithSMS; in AWS, SNS (which delivers through
// AWS End User Messaging SMS) with the function's role; locally without a sink, none, so texts fail and say so
// on their outbox item rather than leave the machine.
func (a *App) smsSender() outbox.SMSSender {
	switch {
	case a.SMS != nil:
		return a.SMS
	case a.Config.Local():
		return nil
	}
	// The SES client was built from the function's AWS configuration; SNS takes the same region and
	// credentials (the Lambda role), so the process loads that configuration once.
	o := a.Clients.SES.Options()
	return outbox.SNSSender{Client: sns.New(sns.Options{
		Region: o.Region, Credentials: o.Credentials, HTTPClient: o.HTTPClient, Logger: o.Logger,
		Retryer: outbox.SESRetryer(sesAttempts, sesMaxBackoff),
	})}
}
