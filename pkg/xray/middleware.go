package xray

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddle "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Recorder is the SDK middleware that turns each call of a client into a subsegment sent to the daemon.
type Recorder struct {
	Daemon *Daemon
	// Header is the trace header of the invocation ctx belongs to, "" outside one: a call made at cold start
	// (reading a secret) or by a process that is not a function records nothing.
	Header func(ctx context.Context) string
}

// ID names the middleware in the stack.
func (Recorder) ID() string { return "PartnerHubXRay" }

// Register adds the recorder to a client's stack (aws.Config.APIOptions): last in the initialize step, so it
// times the whole call with its retries and backoffs, and does not see a read that the read set answered without
// calling DynamoDB (dynamo.ReadOnce runs before it).
func (r Recorder) Register(stack *middleware.Stack) error {
	return stack.Initialize.Add(r, middleware.After)
}

// HandleInitialize makes the call and, when the invocation is sampled, sends its subsegment.
func (r Recorder) HandleInitialize(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
	middleware.InitializeOutput, middleware.Metadata, error,
) {
	trace, ok := ParseHeader(r.Header(ctx))
	if !ok || !trace.Sampled {
		return next.HandleInitialize(ctx, in)
	}
	start := time.Now()
	out, md, err := next.HandleInitialize(ctx, in)
	s := Subsegment{
		Name: awsmiddle.GetServiceID(ctx), ID: NewID(), Trace: trace, Start: start, End: time.Now(),
		AWS: AWS{Operation: awsmiddle.GetOperationName(ctx), Region: awsmiddle.GetRegion(ctx), TableName: tableName(in.Parameters)},
	}
	s.AWS.RequestID, _ = awsmiddle.GetRequestIDMetadata(md)
	if attempts, ok := retry.GetAttemptResults(md); ok && len(attempts.Results) > 0 {
		s.AWS.Retries = len(attempts.Results) - 1
	}
	s.Status = status(md, err)
	s.classify(err)
	r.Daemon.Send(s)
	return out, md, err
}

// classify sets the outcome flags of a call that ended with err, as X-Ray's SDKs do: 429 and throttling
// exceptions are a throttle and an error, other 4xx an error, anything else (5xx, no answer) a fault.
func (s *Subsegment) classify(err error) {
	if err == nil {
		return
	}
	switch {
	case s.Status == http.StatusTooManyRequests || throttles.IsErrorThrottle(err) == aws.TrueTernary:
		s.Throttle, s.Error = true, true
	case s.Status >= 400 && s.Status < 500:
		s.Error = true
	default:
		s.Fault = true
	}
}

// throttles recognises the throttling errors the SDK's retryer does (ThrottlingException,
// ProvisionedThroughputExceededException, ...).
var throttles = retry.IsErrorThrottles(retry.DefaultThrottles)

// status is the HTTP status of the call's last answer: from the raw response, or from the error of a call whose
// answer was an error.
func status(md middleware.Metadata, err error) int {
	if resp, ok := awsmiddle.GetRawResponse(md).(*smithyhttp.Response); ok && resp != nil && resp.Response != nil {
		return resp.StatusCode
	}
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// tableName is the TableName of an operation's input, where it has one (DynamoDB's single-table operations):
// the SDK's input types share the field but no method to read it.
func tableName(params any) string {
	v := reflect.ValueOf(params)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return ""
	}
	f := v.Elem().FieldByName("TableName")
	if !f.IsValid() || f.Type() != reflect.TypeFor[*string]() {
		return ""
	}
	return aws.ToString(f.Interface().(*string))
}
