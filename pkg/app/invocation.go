package app

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

// invocation is the logger's outer handler: every record logged with an invocation's context carries the X-Ray
// trace id (traceId) and the Lambda request id (awsRequestId), wherever it is logged — the API adapter, a use
// case, the mailer, the sweep — so that one invocation's lines can be found from its trace, and its trace from any
// of them. It reads them at the one place every line passes, rather than each handler adding them: aws-lambda-go
// puts both in the context of each invocation (lambdacontext, and the "x-amzn-trace-id" value).
//
// awsRequestId is not requestId: that one is API Gateway's request id, which the API adapter adds and the access
// log and every problem document carry; an HTTP line has both.
type invocation struct {
	slog.Handler
}

var _ slog.Handler = invocation{}

// traceKey is the context key under which aws-lambda-go puts each invocation's Lambda-Runtime-Trace-Id header.
const traceKey = "x-amzn-trace-id"

// Handle adds the invocation's ids, when ctx is an invocation's, and passes the record on.
func (h invocation) Handle(ctx context.Context, r slog.Record) error {
	lc, ok := lambdacontext.FromContext(ctx)
	if !ok {
		return h.Handler.Handle(ctx, r)
	}
	r = r.Clone()
	if id := traceID(ctx); id != "" {
		r.AddAttrs(slog.String("traceId", id))
	}
	if lc.AwsRequestID != "" {
		r.AddAttrs(slog.String("awsRequestId", lc.AwsRequestID))
	}
	return h.Handler.Handle(ctx, r)
}

// WithAttrs keeps the wrapper around the derived handler.
func (h invocation) WithAttrs(attrs []slog.Attr) slog.Handler {
	return invocation{h.Handler.WithAttrs(attrs)}
}

// WithGroup keeps the wrapper around the derived handler.
func (h invocation) WithGroup(name string) slog.Handler { return invocation{h.Handler.WithGroup(name)} }

// traceID is the X-Ray trace id of the invocation of ctx: the Root of its trace header
// ("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1" gives "1-5759e988-..."), the form
// the X-Ray and CloudWatch consoles search by. The context holds it on every invocation; _X_AMZN_TRACE_ID, which
// the runtime also sets when the process serves one invocation at a time, is the fallback.
func traceID(ctx context.Context) string {
	header, _ := ctx.Value(traceKey).(string)
	if header == "" {
		header = os.Getenv("_X_AMZN_TRACE_ID")
	}
	for part := range strings.SplitSeq(header, ";") {
		if root, ok := strings.CutPrefix(strings.TrimSpace(part), "Root="); ok {
			return root
		}
	}
	return header
}

// metricsOutput is where the metric lines go by default: standard output in Lambda, where CloudWatch Logs reads
// them, and nowhere in a process that is not a function (phctl's and the benchmarks' output is theirs, and tests
// capture the lines with WithMetrics).
func metricsOutput() io.Writer {
	if os.Getenv("AWS_LAMBDA_FUNCTION_NAME") != "" {
		return os.Stdout
	}
	return io.Discard
}

// functionName is the value of the metrics' Function dimension: the deployed function's name, which differs per
// stage, or "local" in the local stack and tests.
func functionName() string {
	if name := os.Getenv("AWS_LAMBDA_FUNCTION_NAME"); name != "" {
		return name
	}
	return "local"
}
