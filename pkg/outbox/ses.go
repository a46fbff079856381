package outbox

import (
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
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
