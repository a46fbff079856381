package app

// Why a request could hang for 30 seconds, and what bounds every AWS call now.
//
// The clients were built with the SDK's defaults: an HTTP client with no timeout on a request or on its
// response (only a 30-second dial timeout and a 10-second TLS handshake timeout), and the standard retryer
// (3 attempts, exponential backoff of up to 20 seconds between them). Nothing but the caller's context ended a
// call, and the only deadline was the invocation's: the local gateway's 30 seconds (API Gateway's integration
// timeout), or in Lambda the function's own 10, which Lambda enforces by killing the function before it can
// answer. So an attempt that reached a busy or stalled DynamoDB (the emulator while it seeded, a half-open
// connection after Lambda thawed the process) waited, with no second attempt, until that deadline: the local
// gateway then answered 503 after 30 seconds, and in AWS the caller would have got API Gateway's bare error
// after 10.
//
// Now every client built from the App's configuration (aws.Config: DynamoDB, DynamoDB Streams, SES v2, SNS, and
// Secrets Manager's one signed request) is bounded by the figures of serviceBounds (stretched by emulatorSlack
// for the local emulators):
//
//   - each attempt has its own timeout (attemptBounds), far below the invocation's time and capped by the time
//     the caller has left; a timed-out attempt is retried, on a new connection, while the caller's deadline can
//     still fit a whole attempt after the backoff, and not after that;
//   - the retryer makes few attempts with a small, capped, jittered backoff;
//   - the HTTP transport bounds dialling, the TLS handshake and the wait for response headers, even for a call
//     made without a deadline;
//   - each handler works within a budget (Budget): the invocation's deadline (Lambda's, or the local gateway's,
//     which mirrors it) less answerReserve.
//
// A call that runs out of attempts or of time fails with an error that is a timeout (errors.Is
// context.DeadlineExceeded); package problem answers it as a 503 problem with Retry-After, within seconds.

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddle "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"
)

// Service ids of the clients the functions build (the SDK's <service>.ServiceID constants, spelled out here so
// that a function which does not send email does not link the SES or SNS client to name them).
const (
	ServiceDynamoDB = "DynamoDB"
	ServiceStreams  = "DynamoDB Streams"
	ServiceSES      = "SESv2"
	ServiceSNS      = "SNS"
	ServiceSecrets  = secretsServiceID
	// ServiceEventBridge is eventbridge.ServiceID.
	ServiceEventBridge = "EventBridge"
)

// Bounds are how long one call to a service may take: how long each attempt may wait for its answer, how many
// attempts it makes, and the longest backoff between two of them (each backoff is jittered below it).
type Bounds struct {
	Attempt    time.Duration
	Attempts   int
	MaxBackoff time.Duration
}

// serviceBounds are the bounds of each service's calls.
//
//   - DynamoDB answers in single-digit milliseconds at p99 (a transaction of 100 items in tens), so an attempt
//     with no answer after 1 s is stuck (a lost connection, an overloaded partition, a process thawed with a
//     dead keep-alive connection) and the next one, on a new connection, is the better bet. 3 attempts and backoffs of at most 200 ms make a
//     stalled table a failure in about 3.4 s: a 503 well inside the 10 s of an HTTP function, even for the few
//     requests that make a second call after the first one failed.
//   - DynamoDB Streams' GetRecords reads up to 1 MB: 2 s.
//   - SES and SNS answer in tens to hundreds of milliseconds; 3 s leaves room for a large email. The mailer makes
//     5 attempts with backoffs of up to 2 s, to ride out throttling within one delivery: at most 23 s per send,
//     so a batch (two rounds of concurrent sends) gives up within the mailer's 60 s.
//   - Secrets Manager is read once per cold start, within Lambda's 10 s init phase: 3 attempts of 2 s.
//   - EventBridge's PutEvents takes ten small entries: 3 attempts of 2 s, backoffs of at most 500 ms.
var serviceBounds = map[string]Bounds{
	ServiceDynamoDB: {Attempt: time.Second, Attempts: 3, MaxBackoff: 200 * time.Millisecond},
	ServiceStreams:  {Attempt: 2 * time.Second, Attempts: 3, MaxBackoff: 200 * time.Millisecond},
	ServiceSES:      {Attempt: 3 * time.Second, Attempts: 5, MaxBackoff: 2 * time.Second},
	ServiceSNS:      {Attempt: 3 * time.Second, Attempts: 5, MaxBackoff: 2 * time.Second},
	ServiceSecrets:  {Attempt: 2 * time.Second, Attempts: 3, MaxBackoff: 200 * time.Millisecond},
	// EventBridge's PutEvents answers in tens of milliseconds; the lifecycle-events function also resends the
	// entries an answer reports as failed, within the same bounds (package eventbus).
	ServiceEventBridge: {Attempt: 2 * time.Second, Attempts: 3, MaxBackoff: 500 * time.Millisecond},
}

// emulatorSlack stretches every attempt bound where the clients talk to the local emulators (Config.Local: the
// local stack and the tests). An emulator is not DynamoDB: one process sharing a two-core machine with the test
// suite, which blocks every request for seconds while a test seeds thousands of items (measured: single
// GetItems of 1.7 s, and three 1 s attempts all timing out, in the partner tree's search tests). With the AWS
// figures the suite would fail on a busy emulator; with these it waits for one, and a stalled one still fails
// an HTTP request with a 503 after one 5 s attempt (the next cannot fit the request's budget), not after 30 s.
const emulatorSlack = 5

// slackOf is the stretch of the bounds of a process with that configuration.
func slackOf(c Config) int {
	if c.Local() {
		return emulatorSlack
	}
	return 1
}

// Bounds are the bounds of this process's calls to the service with that SDK service id: BoundsOf's, stretched
// for the emulators locally.
func (a *App) Bounds(service string) Bounds { return BoundsOf(service).stretched(slackOf(a.Config)) }

// stretched are the bounds with each attempt given slack times as long.
func (b Bounds) stretched(slack int) Bounds {
	b.Attempt *= time.Duration(slack)
	return b
}

// defaultBounds bound a client of a service serviceBounds does not name yet: a few seconds per attempt, which
// no AWS API PartnerHub calls needs, and DynamoDB's retries.
var defaultBounds = Bounds{Attempt: 3 * time.Second, Attempts: 3, MaxBackoff: 200 * time.Millisecond}

// BoundsOf are the bounds of the service with that SDK service id.
func BoundsOf(service string) Bounds {
	if b, ok := serviceBounds[service]; ok {
		return b
	}
	return defaultBounds
}

// Worst is the longest a call can take when every attempt times out: its attempts and the backoffs between them.
func (b Bounds) Worst() time.Duration {
	return time.Duration(b.Attempts)*b.Attempt + time.Duration(b.Attempts-1)*b.MaxBackoff
}

// Retryer is the SDK's standard retryer (it retries throttling, 5xx answers, connection errors and timed-out
// attempts, and keeps its retry quota, which stops retries altogether while most of them fail) with these
// bounds' attempts and a full-jitter backoff capped at MaxBackoff. (The SDK's own backoff, given a cap below a
// second, always waits exactly the cap.)
func (b Bounds) Retryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = b.Attempts
		o.MaxBackoff = b.MaxBackoff
		o.Backoff = b
	})
}

// backoffBase is the backoff before jitter ahead of the second attempt; it doubles for each later one, up to
// MaxBackoff.
const backoffBase = 50 * time.Millisecond

// BackoffDelay is the wait before attempt+1: a random duration below min(MaxBackoff, backoffBase·2^(attempt-1)).
func (b Bounds) BackoffDelay(attempt int, _ error) (time.Duration, error) {
	ceiling := b.MaxBackoff
	if attempt >= 1 && attempt < 30 {
		ceiling = min(ceiling, backoffBase<<(attempt-1))
	}
	if ceiling <= 0 {
		return 0, nil
	}
	return rand.N(ceiling), nil
}

// dynamoBounds gives the DynamoDB client its retries (App.Dynamo).
func dynamoBounds(o *dynamodb.Options) { o.Retryer = BoundsOf(ServiceDynamoDB).Retryer() }

// Transport bounds every attempt of every client, whatever its context: connecting to an AWS endpoint in the
// region takes milliseconds (a SYN unanswered for a second is lost), a TLS handshake a few round trips, and no
// service may take longer to start answering than the longest attempt bound of serviceBounds, plus
// headerMargin: a backstop behind attemptBounds, which fires first and knows the caller's deadline.
const (
	dialTimeout         = time.Second
	tlsHandshakeTimeout = 2 * time.Second
	headerMargin        = time.Second
)

// httpClient is the HTTP client every AWS client of the process shares, for bounds stretched by slack.
func httpClient(slack int) *awshttp.BuildableClient {
	longest := defaultBounds.Attempt
	for _, b := range serviceBounds {
		longest = max(longest, b.Attempt)
	}
	longest *= time.Duration(slack)
	return awshttp.NewBuildableClient().
		WithDialerOptions(func(d *net.Dialer) { d.Timeout = dialTimeout }).
		WithTransportOptions(func(tr *http.Transport) {
			tr.TLSHandshakeTimeout = tlsHandshakeTimeout
			tr.ResponseHeaderTimeout = longest + headerMargin
		})
}

// bounded completes an AWS configuration with the bounds, stretched by slack: the shared HTTP client, the
// default retryer, and the per-attempt timeout, which every client built from the configuration runs after its
// retryer.
func bounded(cfg aws.Config, slack int) aws.Config {
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = httpClient(slack)
	}
	m := attemptBounds{slack: slack}
	cfg.Retryer = func() aws.Retryer { return defaultBounds.Retryer() }
	cfg.APIOptions = append(cfg.APIOptions, func(stack *middleware.Stack) error {
		if _, ok := stack.Finalize.Get("Retry"); !ok {
			return stack.Finalize.Add(m, middleware.Before)
		}
		return stack.Finalize.Insert(m, "Retry", middleware.After)
	})
	return cfg
}

// attemptBounds is a finalize-step middleware that runs once per attempt, inside the retryer: it gives the
// attempt the service's attempt bound (or what the caller has left, if less), and tells the retryer not to try
// again when the caller's deadline cannot fit another whole attempt after the backoff.
//
// The attempt's context ends when the attempt returns, which is right for every operation PartnerHub calls:
// none streams its answer's body past the call.
type attemptBounds struct {
	slack int // see emulatorSlack
}

// ID names the middleware in the stack.
func (attemptBounds) ID() string { return "PartnerHubAttemptBounds" }

// HandleFinalize makes one attempt within its bound.
func (m attemptBounds) HandleFinalize(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (
	middleware.FinalizeOutput, middleware.Metadata, error,
) {
	service := awsmiddle.GetServiceID(ctx)
	b := BoundsOf(service).stretched(m.slack)
	limit := b.Attempt
	deadline, hasDeadline := ctx.Deadline()
	if hasDeadline {
		limit = min(limit, time.Until(deadline))
	}
	attemptCtx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	out, md, err := next.HandleFinalize(attemptCtx, in)
	if err == nil {
		return out, md, nil
	}
	if ctx.Err() == nil && errors.Is(attemptCtx.Err(), context.DeadlineExceeded) {
		// The SDK reports the attempt's own context ending as a cancellation, which its retryer never retries.
		err = &AttemptTimeoutError{Service: service, Operation: awsmiddle.GetOperationName(ctx), After: limit, Err: err}
	}
	if hasDeadline && time.Until(deadline) < b.MaxBackoff+b.Attempt && retryable.IsErrorRetryable(err) == aws.TrueTernary {
		err = &lastAttemptError{err: err}
	}
	return out, md, err
}

// retryable is what the standard retryer would retry.
var retryable = retry.IsErrorRetryables(retry.DefaultRetryables)

// AttemptTimeoutError is an attempt that got no answer within its bound. It is a timeout (errors.Is
// context.DeadlineExceeded, Timeout) and worth retrying.
type AttemptTimeoutError struct {
	Service, Operation string
	After              time.Duration
	// Err is the SDK's error, kept for its message only: it is a cancellation, which would stop the retries.
	Err error
}

func (e *AttemptTimeoutError) Error() string {
	return fmt.Sprintf("%s %s: no answer within %v (%v)", e.Service, e.Operation, e.After, e.Err)
}

// Unwrap is context.DeadlineExceeded, not the SDK's cancellation.
func (e *AttemptTimeoutError) Unwrap() error { return context.DeadlineExceeded }

// Timeout reports that this is a timeout.
func (e *AttemptTimeoutError) Timeout() bool { return true }

// RetryableError tells the SDK's retryer to try again.
func (e *AttemptTimeoutError) RetryableError() bool { return true }

// lastAttemptError is a failed attempt that would be retried, but the caller's deadline cannot fit another one.
type lastAttemptError struct{ err error }

func (e *lastAttemptError) Error() string {
	return e.err.Error() + " (no time left for another attempt)"
}

func (e *lastAttemptError) Unwrap() error { return e.err }

// RetryableError tells the SDK's retryer to stop.
func (e *lastAttemptError) RetryableError() bool { return false }

// answerReserve is the part of an invocation's time that no AWS call may use: what the handler needs, after
// its last call failed, to map the error, log it and hand Lambda the answer (milliseconds; a second leaves
// room for a frozen-and-thawed or CPU-starved process).
const answerReserve = time.Second

// Budget is the context a handler does its work in: it ends answerReserve before the invocation's deadline —
// Lambda's, or the one the local stack sets on every invocation (the gateway's mirrors an HTTP function's
// Lambda timeout) — so every AWS call's attempts are capped by what the handler needs to answer. A
// context without a deadline (a test that calls a handler directly, `make invoke`) gets none: its calls are
// still bounded, attempt by attempt, and a test that makes twenty Argon2id hashes at once on two cores is not
// failed for being slower than one Lambda sandbox.
func Budget(ctx context.Context) (context.Context, context.CancelFunc) {
	deadline, ok := ctx.Deadline()
	if !ok {
		return context.WithCancel(ctx)
	}
	return context.WithDeadline(ctx, deadline.Add(-answerReserve))
}
