package app

import (
	"context"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/partnerhub/partnerhub/pkg/xray"
)

// traced adds the X-Ray recorder to every client built from cfg — DynamoDB, DynamoDB Streams, SES, SNS — when
// the process runs in Lambda with active tracing, which gives it the daemon's address in
// AWS_XRAY_DAEMON_ADDRESS. Elsewhere (tests, the local stack, phctl) the variable is unset and the clients are
// unchanged. Only calls made within a sampled invocation are recorded (see xray.Recorder).
func traced(cfg aws.Config) aws.Config {
	address := os.Getenv("AWS_XRAY_DAEMON_ADDRESS")
	if address == "" {
		return cfg
	}
	r := xray.Recorder{Daemon: xray.NewDaemon(address), Header: invocationTraceHeader}
	cfg.APIOptions = append(cfg.APIOptions, r.Register)
	return cfg
}

// invocationTraceHeader is the trace header aws-lambda-go puts in each invocation's context, "" outside one. The
// _X_AMZN_TRACE_ID variable is not a fallback here: a call outside an invocation (at cold start) belongs to no
// invocation's segment.
func invocationTraceHeader(ctx context.Context) string {
	header, _ := ctx.Value(traceKey).(string)
	return header
}
