package mailer

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/smithy-go"

	"github.com/partnerhub/partnerhub/pkg/outbox"
)

// SNS is the part of the SNS client that SNSSender uses.
type SNS interface {
	Publish(ctx context.Context, in *sns.PublishInput, opts ...func(*sns.Options)) (*sns.PublishOutput, error)
}

var _ SNS = (*sns.Client)(nil)

// SNSSender sends texts in AWS with SNS Publish to a phone number, which delivers through AWS End User
// Messaging SMS. Messages are transactional: a sign-in code must not wait behind marketing traffic.
type SNSSender struct {
	Client SNS
	// SenderID is the alphanumeric sender id shown where countries allow one; empty leaves SNS's default.
	SenderID string
}

var _ outbox.SMSSender = SNSSender{}

// SendSMS publishes one text. Errors no retry can fix wrap ErrSMSRejected; throttling and 5xx answers are
// retried by the SDK's retryer before they get here.
func (s SNSSender) SendSMS(ctx context.Context, m outbox.SMS) (string, error) {
	str := func(v string) snstypes.MessageAttributeValue {
		return snstypes.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
	}
	attrs := map[string]snstypes.MessageAttributeValue{"AWS.SNS.SMS.SMSType": str("Transactional")}
	if s.SenderID != "" {
		attrs["AWS.SNS.SMS.SenderID"] = str(s.SenderID)
	}
	out, err := s.Client.Publish(ctx, &sns.PublishInput{
		PhoneNumber:       aws.String(m.To),
		Message:           aws.String(m.Body),
		MessageAttributes: attrs,
	})
	if err != nil {
		var ae smithy.APIError
		if errors.As(err, &ae) {
			summary := fmt.Errorf("sns %s: %s", ae.ErrorCode(), ae.ErrorMessage())
			if rejectedBySNS(err) {
				return "", fmt.Errorf("%w: %w", outbox.ErrSMSRejected, summary)
			}
			return "", summary
		}
		return "", fmt.Errorf("sns: %w", err)
	}
	return aws.ToString(out.MessageId), nil
}

// rejectedBySNS reports whether SNS refused the text itself: a bad number or parameter, a number that opted
// out, or a publish this role may not make.
func rejectedBySNS(err error) bool {
	var (
		invalid  *snstypes.InvalidParameterException
		value    *snstypes.InvalidParameterValueException
		auth     *snstypes.AuthorizationErrorException
		optedOut *snstypes.OptedOutException
		disabled *snstypes.EndpointDisabledException
	)
	return errors.As(err, &invalid) || errors.As(err, &value) || errors.As(err, &auth) ||
		errors.As(err, &optedOut) || errors.As(err, &disabled)
}
