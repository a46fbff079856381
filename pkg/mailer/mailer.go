// Package mailer is the invitation-email function's side of the outbox: it turns the outbox inserts the
// table's stream hands it into emails (SES v2) and texts (an SMSSender: SNS in AWS), rendered from embedded
// templates. Use cases write messages with package outbox and never import this one, so only the mailer
// function links SES, SNS and the template engines.
package mailer

// The mailer turns outbox inserts from the table's stream into emails.
//
// Delivery is at least once (the stream redelivers a batch after any error), so the mailer makes sending
// idempotent on the item itself:
//
//  1. It re-reads the item with a consistent GetItem rather than trusting the stream image: the read sees the
//     current status, so a redelivered record of a message that is already sent or failed does nothing.
//  2. Before calling SES it claims the message with a conditional update (pending → sending, a claim id, a
//     claim expiry, attempts+1). Two deliveries of one record racing each other cannot both win the claim, so
//     at most one of them sends; the loser reports the record as failed, and its retry finds the message sent.
//  3. After SES answers it records sent (with sentAt and the SES message id), or pending again with lastError,
//     or failed once MaxAttempts sends were attempted — each conditional on still holding the claim.
//
// A claim expires so that a delivery that died mid-send (timeout, crash) does not block the message for good.
// It lasts until the invocation's deadline (plus a margin) or ClaimFor, whichever is sooner; after it, another
// delivery may take the message over. Only if a mailer dies after SES accepted the email but before it recorded
// sent can the email go out twice: SES has no idempotency key, and that window is the smallest the design allows.
//
// Retry policy: throttling and transient SES errors are retried inside the call by the SDK retryer (see
// SESRetryer). A send that still fails counts as one attempt: the record is reported in BatchItemFailures so the
// event source mapping redelivers it, until MaxAttempts attempts, when the message is marked failed and no longer
// reported. Errors no retry can fix — an unknown template, missing data, an undecodable item, a message SES
// rejects — mark the message failed at once.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/tally"
)

// SES is the part of the SES v2 client the mailer uses.
type SES interface {
	SendEmail(ctx context.Context, in *sesv2.SendEmailInput, opts ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error)
}

var _ SES = (*sesv2.Client)(nil)

// Keyring derives the secret an email carries from a message's SecretRef.
type Keyring interface {
	Derive(ctx context.Context, ref string) (string, error)
}

var _ Keyring = (*secret.Keyring)(nil)

// Defaults of Config.
const (
	MaxAttempts     = 5
	DefaultClaimFor = 2 * time.Minute
	// claimMargin keeps a claim alive a little past the invocation's deadline, for clock skew between
	// invocations.
	claimMargin = 5 * time.Second
)

// Config is what a Mailer needs.
type Config struct {
	DB    DB
	SES   SES
	Table string
	Clock clock.Clock
	Keys  Keyring
	// Brands finds each message's branding; nil means DefaultBrand for everyone.
	Brands outbox.Brander
	// SMS sends the messages of ChannelSMS; nil fails them (see sms.go).
	SMS outbox.SMSSender
	// Templates renders emails; nil means the embedded templates.
	Templates *Renderer
	// PortalURL is the origin of links in emails; From is the sender address.
	PortalURL string
	From      string
	// ConfigurationSet is the SES configuration set, if any.
	ConfigurationSet string
	Log              *slog.Logger
	// Count counts messages sent and failed (see package tally); nil counts nothing.
	Count tally.Counter
	// MaxAttempts is how many sends are attempted before a message is failed; 0 means MaxAttempts.
	MaxAttempts int
	// ClaimFor bounds how long a delivery holds a message; 0 means DefaultClaimFor. It should exceed the
	// function's timeout; an invocation's own deadline shortens it.
	ClaimFor time.Duration
	// Concurrency is how many records of a batch are handled at once; 0 means 8.
	Concurrency int
	// MinTimeLeft is the time an invocation must have left to start delivering another record (one send with
	// its SDK retries); 0 means 15 seconds.
	MinTimeLeft time.Duration
}

// Mailer sends outbox messages. It is safe for concurrent use.
type Mailer struct {
	c Config
	// from is Config.From parsed: its address is the sender of every email, whatever name it goes under.
	from *mail.Address
}

// NewMailer checks the configuration and fills in defaults.
func NewMailer(c Config) (*Mailer, error) {
	var missing []string
	for name, ok := range map[string]bool{
		"DB": c.DB != nil, "SES": c.SES != nil, "Table": c.Table != "", "Clock": c.Clock != nil,
		"Keys": c.Keys != nil, "PortalURL": c.PortalURL != "", "From": c.From != "",
	} {
		if !ok {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return nil, fmt.Errorf("mailer: missing %s", strings.Join(missing, ", "))
	}
	from, err := mail.ParseAddress(c.From)
	if err != nil {
		return nil, fmt.Errorf("mailer: From %q is not an email address: %w", c.From, err)
	}
	if c.Brands == nil {
		c.Brands = outbox.Static(outbox.DefaultBrand)
	}
	if c.Templates == nil {
		t, err := Templates()
		if err != nil {
			return nil, err
		}
		c.Templates = t
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = MaxAttempts
	}
	if c.ClaimFor <= 0 {
		c.ClaimFor = DefaultClaimFor
	}
	if c.Concurrency <= 0 {
		c.Concurrency = 8
	}
	if c.MinTimeLeft <= 0 {
		c.MinTimeLeft = 15 * time.Second
	}
	return &Mailer{c: c, from: from}, nil
}

// Outcome is what became of one delivery of a message.
type Outcome int

// Outcomes. Only Retry asks for the record to be delivered again.
const (
	// Sent: this delivery sent the email.
	Sent Outcome = iota
	// Done: nothing to do (already sent or failed, gone, or not an outbox insert).
	Done
	// Failed: the message is now failed for good.
	Failed
	// Retry: deliver the record again later (a failed attempt, a busy claim, an unavailable table).
	Retry
)

// String names the outcome for logs.
func (o Outcome) String() string {
	return [...]string{"sent", "done", "failed", "retry"}[o]
}

// Handle is the Lambda handler: it delivers every outbox insert of the batch and reports the records to retry.
func (m *Mailer) Handle(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	retry := make([]bool, len(ev.Records))
	sem := make(chan struct{}, m.c.Concurrency)
	var wg sync.WaitGroup
	for i, r := range ev.Records {
		if m.outOfTime(ctx) {
			// Leave the rest to the redelivery rather than start a send that Lambda would cut short.
			retry[i] = true
			continue
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			retry[i] = m.record(ctx, r) == Retry
		})
	}
	wg.Wait()
	var resp events.DynamoDBEventResponse
	for i, r := range ev.Records {
		if retry[i] {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: r.Change.SequenceNumber})
		}
	}
	return resp, nil
}

// outOfTime reports whether the invocation has too little time left to start another delivery.
func (m *Mailer) outOfTime(ctx context.Context) bool {
	if ctx.Err() != nil {
		return true
	}
	deadline, ok := ctx.Deadline()
	return ok && time.Until(deadline) < m.c.MinTimeLeft
}

// record delivers the message of one stream record.
func (m *Mailer) record(ctx context.Context, r events.DynamoDBEventRecord) Outcome {
	if !table.OutboxInserts.Match(r) {
		m.c.Log.DebugContext(ctx, "skip stream record", "eventName", r.EventName, "eventId", r.EventID)
		return Done
	}
	sk, ok := r.Change.Keys[table.AttrSK]
	if !ok || sk.DataType() != events.DataTypeString {
		m.c.Log.ErrorContext(ctx, "outbox record without a sort key", "eventId", r.EventID)
		return Done
	}
	return m.Deliver(ctx, table.Key{PK: r.Change.Keys[table.AttrPK].String(), SK: sk.String()})
}

// Deliver sends the outbox message stored under key unless that is already done. It is what the stream
// handler does for each record, and it is safe to call any number of times, concurrently too.
func (m *Mailer) Deliver(ctx context.Context, key table.Key) Outcome {
	log := m.c.Log.With("messageId", strings.TrimPrefix(key.PK, table.OutboxPrefix))
	out, err := m.deliver(ctx, key, log)
	if err != nil {
		log.ErrorContext(ctx, "outbox delivery", "outcome", out.String(), "error", err.Error())
	}
	return out
}

func (m *Mailer) deliver(ctx context.Context, key table.Key, log *slog.Logger) (Outcome, error) {
	st := store{db: m.c.DB, table: m.c.Table, key: key}
	item, err := st.get(ctx)
	if err != nil {
		return Retry, err
	}
	if item == nil {
		log.WarnContext(ctx, "outbox message not found")
		return Done, nil
	}
	msg, err := dynamo.MessageFromItem(item)
	if err != nil {
		log.ErrorContext(ctx, "outbox message undecodable", "error", err.Error())
		return m.fail(ctx, st, "undecodable item", log)
	}
	log = log.With("template", msg.Template)
	now := m.c.Clock.Now()
	switch {
	case msg.Status == outbox.StatusSent || msg.Status == outbox.StatusFailed:
		log.InfoContext(ctx, "outbox message already handled", "status", msg.Status)
		return Done, nil
	case msg.Status == outbox.StatusSending && msg.ClaimUntil >= table.Timestamp(now):
		log.InfoContext(ctx, "outbox message claimed by another delivery", "status", msg.Status)
		return Retry, nil
	case msg.Status != outbox.StatusPending && msg.Status != outbox.StatusSending:
		log.ErrorContext(ctx, "outbox message in an unknown status", "status", msg.Status)
		return Done, nil
	}

	content, err := m.renderMessage(ctx, msg)
	var final *finalError
	switch {
	case errors.As(err, &final):
		log.ErrorContext(ctx, "outbox message cannot be rendered", "error", final.Error())
		return m.fail(ctx, st, final.Error(), log)
	case err != nil:
		return Retry, err
	}

	claim, attempts, err := st.claim(ctx, now, m.claimFor(ctx))
	if errors.Is(err, errNotClaimable) {
		// Another delivery got there first, between the read and the claim.
		log.InfoContext(ctx, "outbox message taken by another delivery")
		return Retry, nil
	}
	if err != nil {
		return Retry, err
	}
	log = log.With("attempt", attempts)
	if attempts > m.c.MaxAttempts {
		// Only a delivery that died while holding the claim lets attempts pass the limit.
		return m.settle(ctx, st, claim, outbox.StatusFailed, "gave up after too many attempts", log)
	}

	sesID, err := m.sendMessage(ctx, msg, content)
	if err != nil {
		summary := sendSummary(msg, err)
		if permanent(msg, err) || attempts >= m.c.MaxAttempts {
			return m.settle(ctx, st, claim, outbox.StatusFailed, summary, log)
		}
		return m.settle(ctx, st, claim, outbox.StatusPending, summary, log)
	}
	log = log.With("sesMessageId", sesID)
	// Record the send even if the invocation is out of time: an unrecorded send is the one way to send twice.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := st.sent(rctx, claim, m.c.Clock.Now(), sesID); err != nil {
		// SES accepted the email; retrying would send it again. Keep the message claimed and say so loudly.
		log.ErrorContext(ctx, "outbox message sent but not recorded", "status", outbox.StatusSending, "error", err.Error())
		m.c.Count.Count(ctx, tally.EmailsSent)
		return Sent, nil
	}
	log.InfoContext(ctx, "outbox message sent", "status", outbox.StatusSent)
	m.c.Count.Count(ctx, tally.EmailsSent)
	return Sent, nil
}

// claimFor is how long this delivery may hold a message: until the invocation's deadline (a dead invocation
// holds nothing) plus a margin, and never more than ClaimFor.
func (m *Mailer) claimFor(ctx context.Context) time.Duration {
	d := m.c.ClaimFor
	if deadline, ok := ctx.Deadline(); ok {
		if left := time.Until(deadline) + claimMargin; left < d {
			d = left
		}
	}
	return d
}

// fail marks a message failed before it was claimed, for errors no retry can fix.
func (m *Mailer) fail(ctx context.Context, st store, reason string, log *slog.Logger) (Outcome, error) {
	if err := st.failUnclaimed(ctx, m.c.Clock.Now(), reason); err != nil {
		if errors.Is(err, errNotClaimable) {
			return Done, nil
		}
		return Retry, err
	}
	log.WarnContext(ctx, "outbox message failed", "status", outbox.StatusFailed, "lastError", reason)
	m.c.Count.Count(ctx, tally.EmailsFailed)
	return Failed, nil
}

// settle records the result of a failed send and releases the claim.
func (m *Mailer) settle(ctx context.Context, st store, claim, status, reason string, log *slog.Logger) (Outcome, error) {
	// Release even if the invocation is out of time, so the retry does not wait for the claim to lapse.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := st.release(ctx, claim, status, reason); err != nil {
		return Retry, err
	}
	if status == outbox.StatusFailed {
		log.WarnContext(ctx, "outbox message failed", "status", status, "lastError", reason)
		m.c.Count.Count(ctx, tally.EmailsFailed)
		return Failed, nil
	}
	log.WarnContext(ctx, "outbox message send failed, will retry", "status", status, "lastError", reason)
	return Retry, nil
}

// finalError is a rendering failure that no retry can fix.
type finalError struct{ reason string }

func (e *finalError) Error() string { return e.reason }

// render derives the secret and renders the message. Errors are *finalError except a failed branding lookup.
func (m *Mailer) render(ctx context.Context, msg outbox.Message) (Content, error) {
	if !m.c.Templates.Has(msg.Template) {
		return Content{}, &finalError{fmt.Sprintf("%s %q", ErrUnknownTemplate, msg.Template)}
	}
	if msg.To == "" {
		return Content{}, &finalError{"no recipient"}
	}
	var value string
	if msg.SecretRef != "" {
		v, err := m.c.Keys.Derive(ctx, msg.SecretRef)
		if errors.Is(err, secret.ErrUnknownVersion) {
			// A key newer than this process's: a retry finds it once the keyring has read the secret again.
			return Content{}, fmt.Errorf("derive the secret: %w", err)
		}
		if err != nil {
			return Content{}, &finalError{"bad secret reference"} // the ref's text stays out of the item and the log
		}
		value = v
	}
	account := msg.BrandAccountID
	if account == "" {
		account = msg.AccountID
	}
	brand, err := m.c.Brands.Branding(ctx, account)
	if err != nil {
		return Content{}, fmt.Errorf("branding of %s: %w", account, err)
	}
	view := NewView(msg, brand, m.c.PortalURL, value)
	c, err := m.c.Templates.Render(msg.Template, view)
	if err != nil {
		return Content{}, &finalError{truncate(err.Error(), 300)}
	}
	c.From = sender(m.c.From, m.from, view.Brand)
	return c, nil
}
