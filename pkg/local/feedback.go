package local

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/feedback"
)

// The test domains of the local stack's email feedback: the SES emulator delivers every email, so the local
// stack plays the email service's part for these two. Any recipient at BounceDomain gets a hard bounce, any at
// ComplaintDomain a complaint (both are reserved names, RFC 2606's .test, that no real mailbox has).
const (
	BounceDomain    = "bounce.test"
	ComplaintDomain = "complaint.test"
)

// SES is the call the mailer makes.
type SES interface {
	SendEmail(ctx context.Context, in *sesv2.SendEmailInput, opts ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error)
}

// FeedbackSES is the local mailer's SES client: it sends through the SES emulator and then, for each recipient at a
// test domain, builds the EventBridge event SES would publish (FeedbackEvent) and hands it to Feed, the
// mail-feedback function's own handler. Production and the local stack thus record feedback with the same code.
// Feed runs before SendEmail returns: the local stack has no event bus to wait on.
type FeedbackSES struct {
	SES   SES
	Feed  func(ctx context.Context, ev events.EventBridgeEvent) error
	Clock clock.Clock
	// Region and Account fill the event's envelope.
	Region, Account string
	Log             *slog.Logger
}

// SendEmail sends the email, then feeds the feedback of its test-domain recipients. A failed feed is logged: the
// email was sent, as it would have been in AWS.
func (f FeedbackSES) SendEmail(ctx context.Context, in *sesv2.SendEmailInput, opts ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error) {
	out, err := f.SES.SendEmail(ctx, in, opts...)
	if err != nil || in.Destination == nil {
		return out, err
	}
	for _, to := range in.Destination.ToAddresses {
		kind := testDomainEvent(to)
		if kind == "" {
			continue
		}
		ev := FeedbackEvent(kind, to, in, aws.ToString(out.MessageId), f.Clock.Now(), f.Region, f.Account)
		if err := f.Feed(ctx, ev); err != nil && f.Log != nil {
			f.Log.WarnContext(ctx, "the simulated email feedback was not recorded", "detailType", ev.DetailType, "error", err.Error())
		}
	}
	return out, nil
}

// testDomainEvent is the SES event type a recipient's domain asks for, or "".
func testDomainEvent(address string) string {
	_, domain, _ := strings.Cut(strings.ToLower(strings.TrimSpace(address)), "@")
	switch domain {
	case BounceDomain:
		return feedback.TypeBounce
	case ComplaintDomain:
		return feedback.TypeComplaint
	}
	return ""
}

// FeedbackEvent is the EventBridge event SES publishes through a configuration set's event destination about one
// recipient of an email: eventType Bounce (a permanent one), Complaint or Delivery, with the email's tags (and the
// configuration set's, which SES adds), its SES message id and the time of the report.
func FeedbackEvent(eventType, to string, in *sesv2.SendEmailInput, sesMessageID string, at time.Time, region, account string) events.EventBridgeEvent {
	at = at.UTC()
	tags := map[string][]string{}
	for _, t := range in.EmailTags {
		tags[aws.ToString(t.Name)] = []string{aws.ToString(t.Value)}
	}
	if set := aws.ToString(in.ConfigurationSetName); set != "" {
		tags[feedback.TagConfigurationSet] = []string{set}
	}
	var dest []string
	if in.Destination != nil {
		dest = in.Destination.ToAddresses
	}
	rec := feedback.Record{
		EventType: eventType,
		Mail: feedback.Mail{Timestamp: at, MessageID: sesMessageID, Source: aws.ToString(in.FromEmailAddress),
			Destination: dest, Tags: tags},
	}
	feedbackID := newUUID()
	switch eventType {
	case feedback.TypeBounce:
		rec.Bounce = &feedback.Bounce{BounceType: feedback.BouncePermanent, BounceSubType: "General", Timestamp: at,
			FeedbackID: feedbackID, ReportingMTA: "dns; localhost",
			BouncedRecipients: []feedback.Recipient{{EmailAddress: to, Action: "failed", Status: "5.1.1",
				DiagnosticCode: "smtp; 550 5.1.1 user unknown (the local stack bounces every address at " + BounceDomain + ")"}}}
	case feedback.TypeComplaint:
		rec.Complaint = &feedback.Complaint{ComplainedRecipients: []feedback.Recipient{{EmailAddress: to}}, Timestamp: at,
			FeedbackID: feedbackID, ComplaintFeedbackType: "abuse", UserAgent: "PartnerHub local stack"}
	case feedback.TypeDelivery:
		rec.Delivery = &feedback.Delivery{Timestamp: at, Recipients: []string{to}, SMTPResponse: "250 2.6.0 Message received", ReportingMTA: "localhost"}
	}
	detail, _ := json.Marshal(rec) // plain structs: cannot fail
	ev := events.EventBridgeEvent{
		Version: "0", ID: newUUID(), DetailType: feedback.DetailTypes[eventType], Source: feedback.Source,
		AccountID: account, Time: at, Region: region, Resources: []string{}, Detail: detail,
	}
	if set := aws.ToString(in.ConfigurationSetName); set != "" {
		ev.Resources = []string{"arn:aws:ses:" + region + ":" + account + ":configuration-set/" + set}
	}
	return ev
}
