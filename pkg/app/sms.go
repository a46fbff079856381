package app

import (
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/partnerhub/partnerhub/pkg/mailer"
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
	// SNS is built from the AWS configuration the process loaded once for the other clients: the same region
	// and credentials (the Lambda role), and the SDK's endpoint settings (AWS_ENDPOINT_URL_SNS) like every client.
	return mailer.SNSSender{Client: sns.NewFromConfig(a.Clients.aws, func(o *sns.Options) {
		o.Retryer = mailer.SESRetryer(sesAttempts, sesMaxBackoff)
	})}
}
