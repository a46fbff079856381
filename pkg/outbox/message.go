// Package outbox is the transactional outbox: a change that must send an email writes a Message into the
// table in the same transaction as the change; the table's stream hands new messages to the mailer.
package outbox

import (
	"time"
)

// Status of a message. A message starts pending; the mailer claims it (sending) while it calls SES, then
// records sent, or pending again to be retried, or failed once it gives up. Sent and failed are final.
const (
	StatusPending = "pending"
	StatusSending = "sending"
	StatusSent    = "sent"
	StatusFailed  = "failed"
)

// Channels of a message.
const (
	ChannelEmail = "email"
	ChannelSMS   = "sms"
)

// Message is one email to send. It holds no secret: a link's token or a sign-in code is derived by the mailer
// from SecretRef with the HMAC key (see package secret), so the table never stores anything usable.
type Message struct {
	ID       string `dynamodbav:"id"`
	Template string `dynamodbav:"template"` // name of the embedded template, e.g. "activation"
	// Channel is how the message travels: ChannelEmail (the default, also when empty) or ChannelSMS, when To
	// is a mobile number in E.164 and the template is templates/<name>.sms.tmpl.
	Channel string `dynamodbav:"channel,omitempty"`
	To      string `dynamodbav:"to"`
	// UserID and AccountID say whom the message concerns, for the user status check.
	UserID    string `dynamodbav:"userId,omitempty"`
	AccountID string `dynamodbav:"accountId,omitempty"`
	// Data fills the template (names, roles, expiry, ...). Never a secret.
	Data map[string]string `dynamodbav:"data,omitempty"`
	// SecretRef names what the mailer derives a secret from, e.g. "activation:<tokenId>" or "otp:<challengeId>:<n>".
	SecretRef string `dynamodbav:"secretRef,omitempty"`
	// BrandAccountID is the account whose effective branding the email carries.
	BrandAccountID string    `dynamodbav:"brandAccountId,omitempty"`
	Status         string    `dynamodbav:"status"`
	Attempts       int       `dynamodbav:"attempts"`
	CreatedAt      time.Time `dynamodbav:"createdAt"`
	SentAt         time.Time `dynamodbav:"sentAt,omitempty"`
	SESMessageID   string    `dynamodbav:"sesMessageId,omitempty"`
	LastError      string    `dynamodbav:"lastError,omitempty"`
	// ClaimID and ClaimUntil are set while a mailer invocation holds the message (status sending), so that a
	// concurrent delivery of the same stream record does not send it again. ClaimUntil is a table.Timestamp.
	ClaimID    string `dynamodbav:"claimId,omitempty"`
	ClaimUntil string `dynamodbav:"claimUntil,omitempty"`
}

// Retention is how long a message stays in the table after it was written (for the user status check).
const Retention = 30 * 24 * time.Hour
