package app

import (
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/partnerhub/partnerhub/pkg/mailer"
)

// SES retry policy of the mailer: throttling and 5xx answers are retried inside one delivery with jittered
// exponential backoff capped at sesMaxBackoff (at most 8 s of waiting in all, well inside the mailer's
// 60-second timeout); past sesAttempts the delivery counts as one failed attempt and the stream retries the record.
const (
	sesAttempts   = 5
	sesMaxBackoff = 2 * time.Second
)

// Mailer builds the handler of the mailer function (invitation-email).
func (a *App) Mailer() (StreamHandler, error) {
	m, err := a.OutboxMailer()
	if err != nil {
		return nil, err
	}
	return m.Handle, nil
}

// OutboxMailer builds the mailer service itself, for the local gateway's stream poller and for tests.
func (a *App) OutboxMailer() (*mailer.Mailer, error) {
	// mailer.Config.Keys is an interface: a nil *secret.Keyring in it is not nil, and NewMailer would accept it.
	if a.Keys == nil {
		return nil, fmt.Errorf("build the mailer: %w", ErrNoKey)
	}
	ses := sesv2.New(a.Clients.SES.Options(), func(o *sesv2.Options) {
		o.Retryer = mailer.SESRetryer(sesAttempts, sesMaxBackoff)
	})
	return mailer.NewMailer(mailer.Config{
		DB:               a.Clients.Dynamo,
		SES:              ses,
		Table:            a.Config.Table,
		Clock:            a.Clock,
		Keys:             a.Keys,
		Brands:           a.Brands(),
		SMS:              a.smsSender(),
		PortalURL:        a.Config.PortalURL,
		From:             a.Config.MailFrom,
		ConfigurationSet: a.Config.ConfigurationSet,
		Log:              a.Log.With("function", "invitation-email"),
	})
}
