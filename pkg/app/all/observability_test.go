package all_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

// capture is a writer the handlers may share.
type capture struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (c *capture) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.Write(p)
}

// lines are the JSON lines written so far.
func (c *capture) lines(t *testing.T) []map[string]any {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []map[string]any
	for _, raw := range bytes.Split(bytes.TrimSpace(c.buf.Bytes()), []byte("\n")) {
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("not a JSON line: %s", raw)
		}
		out = append(out, m)
	}
	return out
}

func (c *capture) String() string { c.mu.Lock(); defer c.mu.Unlock(); return c.buf.String() }

// TestSignInCountsAMetricAndLogsItsTrace drives the otp function's real handler as Lambda invokes it: the sign-in
// writes one EMF line counting SignIns, and every line it logs carries the invocation's trace id and Lambda
// request id beside API Gateway's request id. Neither the metrics nor the logs hold the email or the password.
func TestSignInCountsAMetricAndLogsItsTrace(t *testing.T) {
	t.Parallel()
	var metrics, logs capture
	p := platformtest.New(t, app.WithMetrics(&metrics), app.WithLogger(app.NewLoggerTo(&logs, "info")))
	created := p.Create(p.Super, map[string]any{
		"kind": account.Partner, "parentId": p.ProviderID, "profile": "later",
		"company":   map[string]any{"name": "Observed Partner " + testenv.UniqueEmail(t, "co")},
		"contact":   map[string]any{"email": testenv.UniqueEmail(t, "obs")},
		"twoFactor": map[string]any{"enabled": false},
	})
	email := p.Activate(created.ContactUserID)

	ev := p.Event(platformtest.Request{Function: route.OTP, Route: "POST /v1/sessions",
		Body: map[string]string{"email": email, "password": platformtest.Password}})
	ctx := lambdacontext.NewContext(t.Context(), &lambdacontext.LambdaContext{AwsRequestID: "lambda-req-7"})
	ctx = context.WithValue(ctx, "x-amzn-trace-id", "Root=1-6766e7a0-0123456789abcdef01234567;Parent=1;Sampled=1") //nolint:staticcheck // aws-lambda-go's key
	resp, err := p.Handler(route.OTP)(ctx, ev)                                                                     // ctx carries the invocation's trace
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("sign in: %d %v %s", resp.StatusCode, err, resp.Body)
	}
	if err := platformtest.Conforms(ev, resp); err != nil {
		t.Fatal(err)
	}

	counts := map[string]int{}
	for _, l := range metrics.lines(t) {
		aws, _ := l["_aws"].(map[string]any)
		directives, _ := aws["CloudWatchMetrics"].([]any)
		if len(directives) != 1 || l["Function"] != "local" {
			t.Fatalf("not an EMF line of this function: %v", l)
		}
		d := directives[0].(map[string]any)
		for _, m := range d["Metrics"].([]any) {
			name := m.(map[string]any)["Name"].(string)
			if d["Namespace"] != "PartnerHub" || l[name] != 1.0 {
				t.Fatalf("metric %s in %v", name, l)
			}
			counts[name]++
		}
	}
	if counts["SignIns"] != 1 || counts["AccountsCreated"] != 1 {
		t.Fatalf("counts %v, want one SignIns and one AccountsCreated", counts)
	}

	var signIn int
	for _, l := range logs.lines(t) {
		if l["route"] != "POST /v1/sessions" {
			continue
		}
		signIn++
		if l["traceId"] != "1-6766e7a0-0123456789abcdef01234567" || l["awsRequestId"] != "lambda-req-7" ||
			l["requestId"] != ev.RequestContext.RequestID {
			t.Errorf("sign-in line without its ids: %v", l)
		}
	}
	if signIn == 0 {
		t.Fatalf("no line logged for the sign-in request:\n%s", logs.String())
	}
	for what, out := range map[string]string{"metrics": metrics.String(), "logs": logs.String()} {
		if strings.Contains(out, email) || strings.Contains(out, platformtest.Password) {
			t.Errorf("the %s hold the email or the password:\n%s", what, out)
		}
	}
}
