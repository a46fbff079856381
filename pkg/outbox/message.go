// Package outbox is the transactional outbox: a change that must send an email writes a Message into the
// table in the same transaction as the change; the table's stream hands new messages to the mailer.
package outbox

import (
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/table"
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

// retention is how long a message stays in the table after it was written (for the user status check).
const retention = 30 * 24 * time.Hour

// Put is the transaction item that writes a new pending message. Put it in the same TransactWriteItems as the
// change that needs the email.
func Put(tableName string, m Message) (types.TransactWriteItem, error) {
	item, err := Item(m)
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	return types.TransactWriteItem{Put: &types.Put{
		TableName:           aws.String(tableName),
		Item:                item,
		ConditionExpression: aws.String("attribute_not_exists(pk)"),
	}}, nil
}

// Item encodes a message as a table item.
func Item(m Message) (map[string]types.AttributeValue, error) {
	if m.Status == "" {
		m.Status = StatusPending
	}
	item, err := attributevalue.MarshalMap(m)
	if err != nil {
		return nil, err
	}
	key := table.OutboxKey(m.ID)
	item[table.AttrPK] = &types.AttributeValueMemberS{Value: key.PK}
	item[table.AttrSK] = &types.AttributeValueMemberS{Value: key.SK}
	item[table.AttrType] = &types.AttributeValueMemberS{Value: table.TypeOutbox}
	item[table.AttrTTL] = &types.AttributeValueMemberN{Value: strconv.FormatInt(m.CreatedAt.Add(retention).Unix(), 10)}
	return item, nil
}

// FromItem decodes a table item (or a stream image converted to one).
func FromItem(item map[string]types.AttributeValue) (Message, error) {
	var m Message
	err := attributevalue.UnmarshalMap(item, &m)
	return m, err
}
