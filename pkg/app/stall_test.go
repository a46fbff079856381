package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	sestypes "github.com/aws/aws-sdk-go-v2/service/sesv2/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/all"
	mailerfn "github.com/partnerhub/partnerhub/pkg/app/mailer"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/logctx"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/problem"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

// hangBound is how long a request may take when its dependency stalls: an answer, not a hang. It is a
// correctness bound ("does not wait for the 10 s Lambda timeout, let alone API Gateway's 30"), far above the
// ~3.2 s that three bounded DynamoDB attempts take.
const hangBound = 5 * time.Second

// stalled is a TCP listener on 127.0.0.1 that accepts every connection and never answers: a DynamoDB, SES or
// SNS endpoint that stalled (a lost connection, an overloaded host, the emulator busy seeding).
type stalled struct {
	ln       net.Listener
	accepted atomic.Int64
}

func newStalled(t *testing.T) *stalled {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &stalled{ln: ln}
	var (
		mu    sync.Mutex
		conns []net.Conn
		done  = make(chan struct{})
	)
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.accepted.Add(1)
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		<-done
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return s
}

func (s *stalled) URL() string { return "http://" + s.ln.Addr().String() }

// connections is how many connections the client opened, once at least want have arrived (or a second
// passed): a call that returned has made all its attempts, but the last one's accept may trail its dial.
func (s *stalled) connections(want int64) int64 {
	for end := time.Now().Add(time.Second); s.accepted.Load() < want && time.Now().Before(end); {
		time.Sleep(5 * time.Millisecond)
	}
	return s.accepted.Load()
}

// slowDynamo answers every request with an empty JSON object ({}: no item, no error) after delay, or not at
// all if the client gives up first.
func slowDynamo(t *testing.T, delay time.Duration) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // and so the server notices when the client gives up
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		_, _ = w.Write([]byte(`{}`))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// stackApp builds every function as its functions/<name>/main.go does in AWS (Env "aws": the bounds of AWS, not
// the emulators' stretched ones), with its DynamoDB and SES at those URLs and no other way out of the machine:
// texts go to a sender that refuses them, not to SNS.
func stackApp(t *testing.T, dynamoURL, sesURL string, log *testenv.Buffer) *all.App {
	t.Helper()
	cfg := app.Config{
		Env: "aws", Table: "partnerhub", Region: "us-east-1", DynamoEndpoint: dynamoURL, SESEndpoint: sesURL,
		Key: bytes.Repeat([]byte{7}, 32), MailFrom: "PartnerHub <no-reply@partnerhub.test>",
		PortalURL: "http://localhost:3000", Origins: []string{"http://localhost:3000"}, LogLevel: "info",
	}
	a, err := all.New(t.Context(), cfg, app.WithSMS(noSMS{}),
		app.WithLogger(slog.New(logctx.Handler{Handler: slog.NewJSONHandler(log, nil)})))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// noSMS refuses every text.
type noSMS struct{}

func (noSMS) SendSMS(context.Context, outbox.SMS) (string, error) { return "", outbox.ErrSMSRejected }

// sample reads a sample event of events/ into v.
func sample(t *testing.T, name string, v any) {
	t.Helper()
	raw, err := os.ReadFile("../../events/" + name)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatal(err)
	}
}

// apiRequests are real API Gateway v2 requests, from the sample events: two authenticated routes (with the
// sample's session cookie) and two public ones.
func apiRequests(t *testing.T) map[string]events.APIGatewayV2HTTPRequest {
	t.Helper()
	var signIn, account, health events.APIGatewayV2HTTPRequest
	sample(t, "otp.json", &signIn)
	sample(t, "accounts.json", &account)
	sample(t, "health.json", &health)
	me := account
	me.RouteKey, me.RawPath, me.PathParameters = "GET /v1/me", "/v1/me", nil
	me.RequestContext.RouteKey, me.RequestContext.HTTP.Path = me.RouteKey, me.RawPath
	return map[string]events.APIGatewayV2HTTPRequest{
		"GET /v1/me": me, "GET /v1/accounts/{id}": account, "POST /v1/sessions": signIn, "GET /v1/health": health,
	}
}

// inParallel makes the calls at once and returns when all have returned. They wait on timeouts, not on the
// CPU, and t.Parallel would run only GOMAXPROCS of them at a time: the tests below make their slow calls this
// way, then check each one in a subtest.
func inParallel(calls ...func()) {
	var wg sync.WaitGroup
	for _, call := range calls {
		wg.Go(call)
	}
	wg.Wait()
}

// lambdaContext is the context Lambda gives an invocation of a function of that trigger: its deadline.
func lambdaContext(t *testing.T, trigger route.Trigger) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), trigger.Timeout())
	t.Cleanup(cancel)
	return lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{AwsRequestID: "stall-test"})
}

// TestStalledDynamoDBIsAFast503 sends real API Gateway requests to the real handlers of their functions while
// DynamoDB stalls (accepts connections and never answers) or answers slower than any attempt may wait: each
// request answers, in well under 5 s rather than at the Lambda or API Gateway timeout, a 503 problem document
// with Retry-After, logged as an unavailable dependency and not as a failed request (a 500, a bug). A DynamoDB
// that answers within an attempt's bound, however slowly, is waited for: the bounds cut stalls, not slow answers.
func TestStalledDynamoDBIsAFast503(t *testing.T) {
	t.Parallel()
	type invocation struct {
		name string
		dep  string
		h    func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)
		ev   events.APIGatewayV2HTTPRequest
		log  *testenv.Buffer
		resp events.APIGatewayV2HTTPResponse
		err  error
		took time.Duration
	}
	dependencies := map[string]func(t *testing.T) string{
		"stalled":          func(t *testing.T) string { return newStalled(t).URL() },
		"slow":             func(t *testing.T) string { return slowDynamo(t, 3*app.BoundsOf(app.ServiceDynamoDB).Attempt) },
		"slow but in time": func(t *testing.T) string { return slowDynamo(t, app.BoundsOf(app.ServiceDynamoDB).Attempt/3) },
	}
	var cases []*invocation
	for dep, start := range dependencies {
		for key, ev := range apiRequests(t) {
			if dep == "slow but in time" && key != "GET /v1/health" {
				continue // only health makes a call whose answer ({}, no item) is a success
			}
			url := start(t)
			c := &invocation{name: "dynamodb=" + dep + "/route=" + key, dep: dep, ev: ev, log: &testenv.Buffer{}}
			rt, _ := route.ByKey(key)
			h, err := stackApp(t, url, url, c.log).HTTP(rt.Function)
			if err != nil {
				t.Fatal(err)
			}
			c.h = h
			c.ev.RequestContext.RequestID = "req-" + strings.NewReplacer(" ", "-", "/", "-").Replace(dep+key)
			cases = append(cases, c)
		}
	}
	var calls []func()
	for _, c := range cases {
		calls = append(calls, func() {
			begin := time.Now()
			c.resp, c.err = c.h(lambdaContext(t, route.HTTP), c.ev)
			c.took = time.Since(begin)
		})
	}
	inParallel(calls...)

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := c.resp
			if c.err != nil {
				t.Fatalf("the handler failed the invocation: %v", c.err)
			}
			if c.took > hangBound {
				t.Fatalf("answered after %v: a hang, not a fast 503", c.took)
			}
			if c.dep == "slow but in time" {
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("%d, want 200 from a slow but answering table: %s\n%s", resp.StatusCode, resp.Body, c.log.String())
				}
				return
			}
			if resp.StatusCode != http.StatusServiceUnavailable || resp.Headers["Content-Type"] != problem.ContentType {
				t.Fatalf("%d %s, want a 503 problem document: %s", resp.StatusCode, resp.Headers["Content-Type"], resp.Body)
			}
			var doc problem.Document
			if err := json.Unmarshal([]byte(resp.Body), &doc); err != nil || doc.Status != http.StatusServiceUnavailable || doc.Type != problem.TypeBase+"unavailable" {
				t.Fatalf("problem %+v (%v): %s", doc, err, resp.Body)
			}
			if secs, err := strconv.Atoi(resp.Headers["Retry-After"]); err != nil || secs < 1 || secs > 10 {
				t.Fatalf("Retry-After %q, want a few seconds", resp.Headers["Retry-After"])
			}
			logged := c.log.String()
			if strings.Contains(logged, `"msg":"request failed"`) || !strings.Contains(logged, `"msg":"dependency unavailable"`) ||
				!strings.Contains(logged, `"status":503`) || strings.Contains(logged, `"status":500`) {
				t.Fatalf("logged as:\n%s", logged)
			}
			t.Logf("503 after %v", c.took.Round(time.Millisecond))
		})
	}
}

// TestStalledDependencyFailsEveryCallFast: a stalled DynamoDB fails the mailer's batch (every record reported
// for redelivery) and the sweep's run (unavailable) seconds after their first call, not at their 60 and 120 s
// Lambda timeouts; a DynamoDB call makes its bounded attempts, each on a new connection and each ended by its
// own timeout, and none its caller's deadline cannot fit; the mailer's SES and SNS clients make the mailer's
// attempts, each bounded by its service's attempt timeout.
func TestStalledDependencyFailsEveryCallFast(t *testing.T) {
	t.Parallel()
	type check struct {
		name  string
		call  func()
		check func(t *testing.T)
	}
	var checks []check
	timed := func(took *time.Duration, call func()) func() {
		return func() {
			begin := time.Now()
			call()
			*took = time.Since(begin)
		}
	}

	{ // The mailer's handler.
		dep := newStalled(t)
		h, err := stackApp(t, dep.URL(), dep.URL(), &testenv.Buffer{}).Mailer()
		if err != nil {
			t.Fatal(err)
		}
		var ev events.DynamoDBEvent
		sample(t, "invitation-email.json", &ev)
		var (
			resp events.DynamoDBEventResponse
			err2 error
			took time.Duration
		)
		checks = append(checks, check{"function=mailer", timed(&took, func() { resp, err2 = h(lambdaContext(t, route.Stream), ev) }), func(t *testing.T) {
			if took > hangBound {
				t.Fatalf("gave up after %v", took)
			}
			if err2 != nil || len(resp.BatchItemFailures) != len(ev.Records) {
				t.Fatalf("%v, failures %v: want every record reported for redelivery", err2, resp.BatchItemFailures)
			}
		}})
	}
	{ // The sweep's handler.
		dep := newStalled(t)
		h, err := stackApp(t, dep.URL(), dep.URL(), &testenv.Buffer{}).Sweep()
		if err != nil {
			t.Fatal(err)
		}
		var ev events.EventBridgeEvent
		sample(t, "expiry-sweep.json", &ev)
		var (
			runErr error
			took   time.Duration
		)
		checks = append(checks, check{"function=expiry-sweep", timed(&took, func() { runErr = h(lambdaContext(t, route.Schedule), ev) }), func(t *testing.T) {
			if took > hangBound {
				t.Fatalf("gave up after %v", took)
			}
			if !errors.Is(runErr, fault.ErrUnavailable) {
				t.Fatalf("run error %v, want the table unavailable", runErr)
			}
		}})
	}

	// DynamoDB calls, without a deadline and with one that fits a single attempt.
	dynamo := app.BoundsOf(app.ServiceDynamoDB)
	get := &dynamodb.GetItemInput{TableName: aws.String("t"), Key: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "x"}}}
	for _, c := range []struct {
		name     string
		deadline time.Duration // 0: none
		attempts int64
	}{
		{"call=dynamodb/deadline=none", 0, int64(dynamo.Attempts)},
		{"call=dynamodb/deadline=one attempt", dynamo.Attempt + dynamo.Attempt/2, 1},
	} {
		dep := newStalled(t)
		db := stackApp(t, dep.URL(), dep.URL(), &testenv.Buffer{}).Dynamo()
		var (
			err  error
			took time.Duration
		)
		checks = append(checks, check{c.name, timed(&took, func() {
			ctx := context.Background()
			if c.deadline > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, c.deadline)
				defer cancel()
			}
			_, err = db.GetItem(ctx, get)
		}), func(t *testing.T) {
			if took > hangBound {
				t.Fatalf("returned after %v", took)
			}
			var timeout *app.AttemptTimeoutError
			if !errors.As(err, &timeout) || timeout.Service != app.ServiceDynamoDB || !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("err = %v, want an attempt timeout of DynamoDB", err)
			}
			if n := dep.connections(c.attempts); n != c.attempts {
				t.Fatalf("%d attempts (connections), want %d", n, c.attempts)
			}
		}})
	}

	// The mailer's SES and SNS clients, given room for one attempt and less than a backoff: the call must end
	// with that attempt's own timeout.
	for _, service := range []string{app.ServiceSES, app.ServiceSNS} {
		dep := newStalled(t)
		a := stackApp(t, dep.URL(), dep.URL(), &testenv.Buffer{}).App
		bounds := app.BoundsOf(service)
		var (
			attempts int
			err      error
		)
		send := func(ctx context.Context) {
			c := mailerfn.SES(a)
			attempts = c.Options().Retryer.MaxAttempts()
			_, err = c.SendEmail(ctx, &sesv2.SendEmailInput{
				FromEmailAddress: aws.String("no-reply@partnerhub.test"),
				Destination:      &sestypes.Destination{ToAddresses: []string{"ada@example.com"}},
				Content: &sestypes.EmailContent{Simple: &sestypes.Message{
					Subject: &sestypes.Content{Data: aws.String("s")}, Body: &sestypes.Body{Text: &sestypes.Content{Data: aws.String("b")}}}},
			})
		}
		if service == app.ServiceSNS {
			send = func(ctx context.Context) {
				c := mailerfn.SNS(a)
				attempts = c.Options().Retryer.MaxAttempts()
				_, err = c.Publish(ctx, &sns.PublishInput{PhoneNumber: aws.String("+15555550100"), Message: aws.String("m")},
					func(o *sns.Options) { o.BaseEndpoint = aws.String(dep.URL()) }) // SNS has no local endpoint: keep it on 127.0.0.1
			}
		}
		checks = append(checks, check{"call=" + service, func() {
			ctx, cancel := context.WithTimeout(context.Background(), bounds.Attempt+bounds.MaxBackoff/2)
			defer cancel()
			send(ctx)
		}, func(t *testing.T) {
			if worst := 2 * bounds.Worst(); worst >= route.Stream.Timeout() {
				t.Errorf("two rounds of sends may take %v, not within the mailer's %v", worst, route.Stream.Timeout())
			}
			if attempts != bounds.Attempts {
				t.Errorf("%d attempts, want %d", attempts, bounds.Attempts)
			}
			var timeout *app.AttemptTimeoutError
			if !errors.As(err, &timeout) || timeout.Service != service || timeout.After != bounds.Attempt {
				t.Fatalf("err = %v, want an attempt of %s timed out after %v", err, service, bounds.Attempt)
			}
			if n := dep.connections(1); n != 1 {
				t.Fatalf("%d attempts (connections), want 1", n)
			}
		}})
	}

	var calls []func()
	for _, c := range checks {
		calls = append(calls, c.call)
	}
	inParallel(calls...)
	for _, c := range checks {
		t.Run(c.name, c.check)
	}
}
