// Command invoke runs one function once against the running local stack, like `sam local invoke -e`:
//
//	make invoke FN=health EVENT=events/health.json
//
// The event comes from the file and must fit the function's trigger (API Gateway v2, DynamoDB Streams,
// EventBridge, or an operator function's own payload). The function's result goes to standard output as indented
// JSON; its logs go to standard error.
// A function error is printed as Lambda reports it, {"errorMessage", "errorType"}, with exit status 1.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"reflect"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/all"
	"github.com/partnerhub/partnerhub/pkg/app/keyrotation"
	"github.com/partnerhub/partnerhub/pkg/emulator"
	"github.com/partnerhub/partnerhub/pkg/local"
	"github.com/partnerhub/partnerhub/pkg/route"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// Exit statuses: the function failed, or the invocation could not be set up.
const (
	exitFunctionError = 1
	exitSetupError    = 2
)

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("invoke", flag.ContinueOnError)
	flags.SetOutput(stderr)
	s, err := local.FlagSettings(flags, getenv)
	if err != nil {
		fmt.Fprintln(stderr, "invoke:", err)
		return exitSetupError
	}
	fn := flags.String("fn", "", "the function to run, e.g. health")
	eventPath := flags.String("event", "", "the event file, e.g. events/health.json")
	if err := flags.Parse(args); err != nil {
		return exitSetupError
	}
	a, raw, err := setup(ctx, s, *fn, *eventPath, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "invoke:", err)
		return exitSetupError
	}
	out, err := invoke(ctx, a, *fn, raw)
	if err != nil {
		out = lambdaError(err)
	}
	b, jerr := json.MarshalIndent(out, "", "  ")
	if jerr != nil {
		fmt.Fprintln(stderr, "invoke: encode the result:", jerr)
		return exitSetupError
	}
	fmt.Fprintln(stdout, string(b))
	if err != nil {
		return exitFunctionError
	}
	return 0
}

// setup reads the event and builds the App against the running stack, with a clear error if it is not running.
func setup(ctx context.Context, s *local.Settings, fn, eventPath string, logTo io.Writer) (*all.App, []byte, error) {
	if fn == "" || eventPath == "" {
		return nil, nil, errors.New("usage: make invoke FN=<function> EVENT=events/<file>.json")
	}
	if _, err := route.Lookup(fn); err != nil {
		return nil, nil, err
	}
	raw, err := os.ReadFile(eventPath)
	if err != nil {
		return nil, nil, fmt.Errorf("read the event: %w", err)
	}
	if root, err := emulator.Root(); err == nil {
		s.Resolve(root)
	}
	if err := stackRunning(ctx, s); err != nil {
		return nil, nil, err
	}
	key, err := s.ReadKey()
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("no HMAC key in %s: start the local stack with `make dev` first", s.DataDir)
	}
	if err != nil {
		return nil, nil, err
	}
	cfg := s.AppConfig(key)
	logger := slog.New(slog.NewTextHandler(logTo, nil))
	// The lifecycle events an invocation publishes are logged here: they reach no bus and no running stack.
	a, err := all.New(ctx, cfg, app.WithLogger(logger), app.WithEvents(local.NewEventLog(cfg.Region, logger)))
	if err != nil {
		return nil, nil, err
	}
	tctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, err = a.Dynamo().DescribeTable(tctx, &dynamodb.DescribeTableInput{TableName: aws.String(cfg.Table)})
	var missing *types.ResourceNotFoundException
	if errors.As(err, &missing) {
		return nil, nil, fmt.Errorf("table %s does not exist on %s: is `make dev` running with the same -table?", cfg.Table, cfg.DynamoEndpoint)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("the DynamoDB emulator on %s does not answer: %w", cfg.DynamoEndpoint, err)
	}
	return a, raw, nil
}

// stackRunning checks that something listens where the stack's DynamoDB emulator should.
func stackRunning(ctx context.Context, s *local.Settings) error {
	addr := fmt.Sprintf("127.0.0.1:%d", s.DynamoPort)
	d := net.Dialer{Timeout: time.Second}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("the local stack is not running (nothing answers on %s): start it with `make dev` in another terminal", addr)
	}
	return conn.Close()
}

// invoke runs the function's handler once with the event, decoded for the function's trigger.
func invoke(ctx context.Context, a *all.App, fn string, raw []byte) (any, error) {
	f, err := route.Lookup(fn)
	if err != nil {
		return nil, err
	}
	ctx = lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{AwsRequestID: "local-invoke"})
	switch f.Trigger {
	case route.HTTP:
		var ev events.APIGatewayV2HTTPRequest
		if err := decode(raw, &ev, func() bool { return ev.Version == "2.0" && ev.RouteKey != "" }, "an API Gateway HTTP API event (version 2.0, with a routeKey)"); err != nil {
			return nil, err
		}
		h, err := a.HTTP(fn)
		if err != nil {
			return nil, err
		}
		return h(ctx, ev)
	case route.Stream:
		var ev events.DynamoDBEvent
		if err := decode(raw, &ev, func() bool { return len(ev.Records) > 0 && ev.Records[0].EventSource == "aws:dynamodb" }, "a DynamoDB Streams event (Records from aws:dynamodb)"); err != nil {
			return nil, err
		}
		h, err := streamHandler(a, fn)
		if err != nil {
			return nil, err
		}
		return h(ctx, ev)
	case route.Schedule:
		var ev events.EventBridgeEvent
		if err := decode(raw, &ev, func() bool { return ev.DetailType != "" && ev.Source != "" }, "an EventBridge event (with detail-type and source)"); err != nil {
			return nil, err
		}
		h, err := scheduleHandler(a, fn)
		if err != nil {
			return nil, err
		}
		return nil, h(ctx, ev) // a scheduled function returns nothing: Lambda reports null
	case route.Operator:
		if fn != route.Bootstrap {
			return nil, fmt.Errorf("no operator handler for %s", fn)
		}
		h, err := a.BootstrapHandler()
		if err != nil {
			return nil, err
		}
		return h(ctx, raw) // the payload as the operator sent it: the handler decodes it strictly
	case route.MailEvents:
		var ev events.EventBridgeEvent
		if err := decode(raw, &ev, func() bool { return ev.Source == "aws.ses" && len(ev.Detail) > 0 }, "an SES event from EventBridge (source aws.ses, with its detail)"); err != nil {
			return nil, err
		}
		h, err := a.MailFeedback()
		if err != nil {
			return nil, err
		}
		return nil, h(ctx, ev) // an asynchronous function returns nothing: Lambda reports null
	case route.Rotation:
		// Secrets Manager's steps against the secret the event names: locally, wherever the SDK's settings point.
		var ev events.SecretsManagerSecretRotationEvent
		if err := decode(raw, &ev, func() bool { return ev.Step != "" && ev.SecretID != "" }, "a Secrets Manager rotation event (Step, SecretId)"); err != nil {
			return nil, err
		}
		h, err := keyrotation.Handler(a.App)
		if err != nil {
			return nil, err
		}
		return nil, h(ctx, ev)
	}
	return nil, fmt.Errorf("function %s has no trigger invoke knows", fn)
}

// decode reads the event into ev and checks, with fits, that it is the kind of event the trigger sends, so a
// file meant for another function fails here rather than deep inside the handler.
func decode(raw []byte, ev any, fits func() bool, want string) error {
	if err := json.Unmarshal(raw, ev); err != nil || !fits() {
		return fmt.Errorf("the event file does not hold %s", want)
	}
	return nil
}

func streamHandler(a *all.App, fn string) (app.StreamHandler, error) {
	switch fn {
	case route.Mailer:
		return a.Mailer()
	case route.Events:
		return a.LifecycleEvents()
	}
	return nil, fmt.Errorf("no stream handler for %s", fn)
}

func scheduleHandler(a *all.App, fn string) (app.ScheduleHandler, error) {
	if fn == route.Sweep {
		return a.Sweep()
	}
	return nil, fmt.Errorf("no schedule handler for %s", fn)
}

// lambdaError is how Lambda reports a function error to the caller; like the Go runtime, errorType is the
// error's type name.
func lambdaError(err error) map[string]string {
	t := reflect.TypeOf(err)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return map[string]string{"errorMessage": err.Error(), "errorType": t.Name()}
}
