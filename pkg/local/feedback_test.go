package local_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	sestypes "github.com/aws/aws-sdk-go-v2/service/sesv2/types"

	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/feedback"
	"github.com/partnerhub/partnerhub/pkg/local"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// acceptingSES accepts every email, as the SES emulator does.
type acceptingSES struct{}

func (acceptingSES) SendEmail(context.Context, *sesv2.SendEmailInput, ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error) {
	return &sesv2.SendEmailOutput{MessageId: aws.String("ses-1")}, nil
}

// TestFeedbackSES: a recipient at the bounce domain gets a hard bounce, one at the complaint domain a complaint,
// anyone else nothing; each event is the EventBridge event SES publishes, which feedback.Parse reads back with
// the email's tags.
func TestFeedbackSES(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	var fed []events.EventBridgeEvent
	ses := local.FeedbackSES{SES: acceptingSES{}, Clock: clock.NewFake(at), Region: "us-east-1", Account: "000000000000",
		Feed: func(_ context.Context, ev events.EventBridgeEvent) error { fed = append(fed, ev); return nil }}
	want := map[string]string{
		"ada@" + local.BounceDomain:      user.FeedbackBounce,
		"Grace@" + local.ComplaintDomain: user.FeedbackComplaint,
		"linus@example.com":              "",
		"bounce.test@example.com":        "",
	}
	for to, kind := range want {
		fed = nil
		in := &sesv2.SendEmailInput{
			FromEmailAddress: aws.String("PartnerHub <no-reply@partnerhub.test>"), ConfigurationSetName: aws.String("local-set"),
			Destination: &sestypes.Destination{ToAddresses: []string{to}},
			EmailTags:   []sestypes.MessageTag{{Name: aws.String(feedback.TagUser), Value: aws.String("user-1")}, {Name: aws.String(feedback.TagMessage), Value: aws.String("msg-1")}},
		}
		if _, err := ses.SendEmail(context.Background(), in); err != nil {
			t.Fatal(err)
		}
		if kind == "" {
			if len(fed) != 0 {
				t.Errorf("%s: fed %d events, want none", to, len(fed))
			}
			continue
		}
		if len(fed) != 1 {
			t.Fatalf("%s: fed %d events, want 1", to, len(fed))
		}
		ev := fed[0]
		if ev.Source != feedback.Source || ev.DetailType == "" || len(ev.Resources) != 1 {
			t.Errorf("%s: envelope %+v", to, ev)
		}
		r, err := feedback.Parse(ev.Detail)
		if err != nil {
			t.Fatal(err)
		}
		if r.UserID != "user-1" || r.MessageID != "msg-1" || r.SESMessageID != "ses-1" || len(r.Feedback) != 1 ||
			r.Feedback[0].Kind != kind || r.Feedback[0].Address != to || !r.Feedback[0].At.Equal(at) {
			t.Errorf("%s: report %+v", to, r)
		}
	}
}
