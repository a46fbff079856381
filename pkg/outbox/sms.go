package outbox

import (
	"context"
	"errors"
)

// A message of ChannelSMS is a text: the mailer renders it and hands it to an SMSSender.

// SMS is one text message as a sender gets it.
type SMS struct {
	// To is a mobile number in E.164, e.g. +447700900123.
	To   string
	Body string
	// Template and MessageID name the outbox message, for the sender's logs and tags.
	Template  string
	MessageID string
}

// SMSSender sends text messages: the SMS service in AWS (the mailer's SNSSender), an in-process sink in the
// local stack. It returns the service's message id. An error wrapping ErrSMSRejected is final: sending again
// cannot succeed.
type SMSSender interface {
	SendSMS(ctx context.Context, m SMS) (string, error)
}

// ErrSMSRejected marks an SMS the service refused for good (an invalid number, a number that opted out).
var ErrSMSRejected = errors.New("sms rejected")
