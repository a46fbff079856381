// Package mailer is the wiring of the mailer function (invitation-email): the table's stream hands it outbox
// inserts, and it sends each message through SES v2, or SNS for a text. It is the only function that links SES,
// SNS and the template engines.
package mailer

import (
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/brand"
	"github.com/partnerhub/partnerhub/pkg/branding"
	"github.com/partnerhub/partnerhub/pkg/mailer"
)

// SES retry policy of the mailer: throttling and 5xx answers are retried inside one delivery with jittered
// exponential backoff capped at sesMaxBackoff (at most 8 s of waiting in all, well inside the mailer's
// 60-second timeout); past sesAttempts the delivery counts as one failed attempt and the stream retries the
// record. Texts through SNS follow the same policy.
const (
	sesAttempts   = 5
	sesMaxBackoff = 2 * time.Second
)

// Handler builds the function's handler.
func Handler(a *app.App) (app.StreamHandler, error) {
	m, err := New(a)
	if err != nil {
		return nil, err
	}
	return m.Handle, nil
}

// New builds the mailer itself. It sends texts through a.SMS (app.WithSMS: the local stack's sink, a test's);
// without one, through SNS in AWS (which delivers through AWS End User Messaging SMS, with the function's role)
// and none locally, so that texts fail and say so on their outbox item rather than leave the machine.
func New(a *app.App) (*mailer.Mailer, error) {
	// mailer.Config.Keys is an interface: a nil *secret.Keyring in it is not nil, and NewMailer would accept it.
	keys, err := a.Keyring()
	if err != nil {
		return nil, fmt.Errorf("build the mailer: %w", err)
	}
	sms := a.SMS
	if sms == nil && !a.Config.Local() {
		sms = mailer.SNSSender{Client: sns.NewFromConfig(a.AWS(), func(o *sns.Options) {
			o.Retryer = mailer.SESRetryer(sesAttempts, sesMaxBackoff)
		})}
	}
	return mailer.NewMailer(mailer.Config{
		DB: a.Dynamo(),
		SES: sesv2.NewFromConfig(a.AWS(), func(o *sesv2.Options) {
			o.Retryer = mailer.SESRetryer(sesAttempts, sesMaxBackoff)
		}),
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
	})
}
