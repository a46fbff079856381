package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/logctx"
)

// invocationContext is the context aws-lambda-go hands a handler: the Lambda context and the trace header.
func invocationContext(requestID, traceHeader string) context.Context {
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: requestID})
	if traceHeader != "" {
		ctx = context.WithValue(ctx, "x-amzn-trace-id", traceHeader) //nolint:staticcheck // aws-lambda-go's own key
	}
	return ctx
}

// lines decodes the JSON lines of a log.
func lines(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, raw := range bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n")) {
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		out = append(out, m)
	}
	return out
}

func TestLinesOfAnInvocationCarryItsTraceAndRequestIDs(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := app.NewLoggerTo(&buf, "info").With("function", "otp")
	ctx := invocationContext("lambda-req-1", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1")
	ctx = logctx.With(ctx, slog.String("requestId", "api-req-1")) // as the API adapter adds API Gateway's id
	other := invocationContext("lambda-req-2", "Root=1-00000000-000000000000000000000002")

	log.InfoContext(ctx, "first")
	log.InfoContext(other, "second")
	log.InfoContext(context.Background(), "outside an invocation")
	log.Info("no context")

	got := lines(t, &buf)
	if len(got) != 4 {
		t.Fatalf("%d lines: %v", len(got), got)
	}
	want := []map[string]any{
		{"traceId": "1-5759e988-bd862e3fe1be46a994272793", "awsRequestId": "lambda-req-1", "requestId": "api-req-1", "function": "otp"},
		{"traceId": "1-00000000-000000000000000000000002", "awsRequestId": "lambda-req-2", "requestId": nil},
		{"traceId": nil, "awsRequestId": nil},
		{"traceId": nil, "awsRequestId": nil},
	}
	for i, fields := range want {
		for k, v := range fields {
			if got[i][k] != v {
				t.Errorf("line %d (%v): %s = %v, want %v", i, got[i]["msg"], k, got[i][k], v)
			}
		}
	}
}

func TestTraceIDFallsBackOnTheEnvironment(t *testing.T) {
	// Not parallel: it sets the process's environment, as the runtime does for one invocation at a time.
	t.Setenv("_X_AMZN_TRACE_ID", "Root=1-abc-def;Parent=1;Sampled=0")
	var buf bytes.Buffer
	log := app.NewLoggerTo(&buf, "debug")
	log.DebugContext(invocationContext("r", ""), "x")
	if got := lines(t, &buf)[0]; got["traceId"] != "1-abc-def" || got["awsRequestId"] != "r" {
		t.Fatalf("line %v", got)
	}
}

func TestLevelIsHeld(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := app.NewLoggerTo(&buf, "warn")
	log.InfoContext(invocationContext("r", "Root=1-a-b"), "dropped")
	if buf.Len() != 0 {
		t.Fatalf("an info line at level warn: %s", buf.String())
	}
}
