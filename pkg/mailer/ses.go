package mailer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	sestypes "github.com/aws/aws-sdk-go-v2/service/sesv2/types"
	"github.com/aws/smithy-go"

	"github.com/partnerhub/partnerhub/pkg/outbox"
)

// SESRetryer is the retry policy of the mailer's SES client: the SDK's standard retryer (exponential backoff
// with jitter on throttling — TooManyRequestsException, LimitExceededException — on 5xx answers and on network
// errors) with more attempts than the default, and without the client-side retry quota, which would turn a burst
// of throttling into errors instead of waiting. Whatever still fails after maxAttempts counts as one attempt of
// the message and is retried by the stream.
func SESRetryer(maxAttempts int, maxBackoff time.Duration) aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = maxAttempts
		o.MaxBackoff = maxBackoff
		o.RateLimiter = ratelimit.None
	})
}

// permanentSES reports whether SES refused the message itself, so that sending it again cannot succeed.
func permanentSES(err error) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	switch ae.ErrorCode() {
	case "MessageRejected", "BadRequestException":
		return true
	}
	return false
}

// sesSummary is what the item's lastError keeps of an SES error: the error code, the HTTP status and SES's own
// message. None of these can contain the email's body or secret, which only ever travel in the request.
func sesSummary(err error) string {
	status := ""
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		status = fmt.Sprintf(" (HTTP %d)", re.HTTPStatusCode())
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return truncate(fmt.Sprintf("ses %s%s: %s", ae.ErrorCode(), status, ae.ErrorMessage()), 300)
	}
	return truncate("ses"+status+": "+err.Error(), 300)
}

// send calls SES and returns its message id.
func (m *Mailer) send(ctx context.Context, msg outbox.Message, c Content) (string, error) {
	utf8 := aws.String("UTF-8")
	in := &sesv2.SendEmailInput{
		FromEmailAddress: aws.String(c.From),
		Destination:      &sestypes.Destination{ToAddresses: []string{msg.To}},
		Content: &sestypes.EmailContent{Simple: &sestypes.Message{
			Subject: &sestypes.Content{Data: aws.String(c.Subject), Charset: utf8},
			Body: &sestypes.Body{
				Html: &sestypes.Content{Data: aws.String(c.HTML), Charset: utf8},
				Text: &sestypes.Content{Data: aws.String(c.Text), Charset: utf8},
			},
		}},
		EmailTags: tags(msg),
	}
	if m.c.ConfigurationSet != "" {
		in.ConfigurationSetName = aws.String(m.c.ConfigurationSet)
	}
	out, err := m.c.SES.SendEmail(ctx, in)
	if err != nil {
		return "", err
	}
	return aws.ToString(out.MessageId), nil
}

// tags are the email's SES tags, which SES repeats in every bounce, complaint and delivery event about it: the
// template, and the outbox message and the user it was sent to (package feedback's TagMessage and TagUser), so
// that the feedback names the user without a lookup by address. Names match feedback's constants; this package
// does not import a use case.
func tags(msg outbox.Message) []sestypes.MessageTag {
	out := []sestypes.MessageTag{{Name: aws.String("template"), Value: aws.String(tagValue(msg.Template))}}
	if msg.ID != "" {
		out = append(out, sestypes.MessageTag{Name: aws.String("messageId"), Value: aws.String(tagValue(msg.ID))})
	}
	if msg.UserID != "" {
		out = append(out, sestypes.MessageTag{Name: aws.String("userId"), Value: aws.String(tagValue(msg.UserID))})
	}
	return out
}

// tagValue keeps an SES tag value to the characters SES accepts.
func tagValue(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || r == '.' || r == '@' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9') {
			return r
		}
		return '_'
	}, s)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
