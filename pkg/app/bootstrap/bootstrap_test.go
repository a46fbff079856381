package bootstrap_test

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"

	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/all"
	"github.com/partnerhub/partnerhub/pkg/app/bootstrap"
	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/invitation"
	"github.com/partnerhub/partnerhub/pkg/onboarding"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/problem"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/testenv"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// The tests run the function's real handler against the DynamoDB and SES emulators.
func TestMain(m *testing.M) { os.Exit(testenv.Run(m)) }

// fixture is a fresh table and the bootstrap handler built as the function builds it in AWS: with no HMAC key
// (route.Functions says it needs none), and a record of the IAM actions its DynamoDB calls need.
type fixture struct {
	platformtest.Table
	env     *testenv.Env
	name    string
	handler bootstrap.Func
	actions *actions
	clock   *clock.Fake
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	env := testenv.Get(t)
	name := env.NewTable(t)
	cfg := env.Config(name)
	cfg.Key = nil
	acts := &actions{}
	a, err := app.New(t.Context(), cfg, app.WithAWS(aws.Config{APIOptions: []func(*middleware.Stack) error{acts.register}}))
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(platformtest.Start)
	a.Clock = clk
	h, err := bootstrap.Handler(a)
	if err != nil {
		t.Fatalf("the handler does not build without the HMAC key: %v", err)
	}
	return &fixture{Table: platformtest.TableOf(t, env, name), env: env, name: name, handler: h, actions: acts, clock: clk}
}

// invoke hands the handler a payload as Lambda would.
func (f *fixture) invoke(payload string) (bootstrap.Result, error) {
	f.T.Helper()
	return f.handler(f.T.Context(), json.RawMessage(payload))
}

func TestBootstrap(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	to := testenv.UniqueEmail(t, "first-admin")

	res, err := f.invoke(`{"email": "` + to + `", "adminName": "Ada Admin", "name": "Contoso Cloud"}`)
	if err != nil || !res.Created || res.Problem != nil || res.AccountID == "" || res.UserID == "" {
		t.Fatalf("first invoke: %+v %v", res, err)
	}
	if acc := f.Account(res.AccountID); acc.Company.Name != "Contoso Cloud" || acc.ContactUserID != res.UserID {
		t.Fatalf("provider %+v", acc)
	}
	u := f.User(res.UserID)
	if u.Email != to || u.Name != "Ada Admin" || u.Status != user.Invited {
		t.Fatalf("administrator %+v", u)
	}
	msgs := f.Messages()
	if len(msgs) != 1 || msgs[0].ID != u.ActivationMessageID || msgs[0].To != to || msgs[0].Template != "activation" {
		t.Fatalf("outbox %+v", msgs)
	}
	raw, _ := json.Marshal(res)
	if strings.Contains(string(raw), msgs[0].SecretRef) || strings.Contains(string(raw), "#") {
		t.Fatalf("the answer names the link: %s", raw)
	}

	// The mailer, which holds the key, sends the activation email from the outbox as it does in AWS.
	keyed, err := all.New(t.Context(), f.env.Config(f.name))
	if err != nil {
		t.Fatal(err)
	}
	mailer, err := keyed.Mailer()
	if err != nil {
		t.Fatal(err)
	}
	f.env.Stream(t, f.name, table.StreamFilters[route.Mailer], mailer).Flush()
	if mails := f.env.Emails(t, to); len(mails) != 1 {
		t.Fatalf("%d activation emails to %s, want 1", len(mails), to)
	}

	t.Run("case=repeated", func(t *testing.T) {
		before := f.Snapshot()
		again, err := f.invoke(`{"email": "someone.else@example.com", "name": "Another Name"}`)
		if err != nil || again.Created || again.Problem != nil || again.AccountID != res.AccountID || again.UserID != res.UserID {
			t.Fatalf("second invoke: %+v %v", again, err)
		}
		f.Unchanged(before, "a repeated bootstrap")
	})

	t.Run("case=resend-activation", func(t *testing.T) {
		resend := `{"action": "resend-activation", "email": "` + to + `"}`
		before := f.Snapshot()
		if got, err := f.invoke(resend); err != nil || got.Status != onboarding.ResendRateLimited || got.UserID != res.UserID {
			t.Fatalf("resend at once: %+v %v", got, err)
		}
		f.Unchanged(before, "a rate-limited resend")
		f.clock.Advance(invitation.ResendInterval)
		got, err := f.invoke(resend)
		if err != nil || got.Status != onboarding.ResendSent || got.UserID != res.UserID || got.Problem != nil {
			t.Fatalf("resend: %+v %v", got, err)
		}
		if u := f.User(res.UserID); u.ActivationMessageID == msgs[0].ID {
			t.Fatalf("the administrator still points at the first email: %+v", u)
		}
		if got, err := f.invoke(`{"action": "resend-activation", "email": "nobody@example.com"}`); err != nil || got.Status != onboarding.ResendNotFound {
			t.Fatalf("resend to nobody: %+v %v", got, err)
		}
	})

	t.Run("case=least privilege", func(t *testing.T) {
		fn, err := route.Lookup(route.Bootstrap)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range f.actions.list() {
			if !slices.Contains(fn.TableActions, a) {
				t.Errorf("the handler called DynamoDB as %s, which route.Functions does not grant it (%v)", a, fn.TableActions)
			}
		}
	})
}

func TestBootstrapRefusesBadInput(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	before := f.Snapshot()
	for name, tc := range map[string]struct {
		payload, field, code string
	}{
		"case=no email":         {`{"name": "Contoso Cloud"}`, "email", "required"},
		"case=empty email":      {`{"email": ""}`, "email", "required"},
		"case=bad address":      {`{"email": "not-an-email"}`, "email", "invalid_email"},
		"case=unknown field":    {`{"email": "a@example.com", "mail": "b@example.com"}`, "mail", "unknown_field"},
		"case=wrong type":       {`{"email": 42}`, "email", "wrong_type"},
		"case=not an object":    {`["a@example.com"]`, "event", "wrong_type"},
		"case=two objects":      {`{"email": "a@example.com"} {}`, "event", "invalid_json"},
		"case=null":             {`null`, "email", "required"},
		"case=long name":        {`{"email": "a@example.com", "adminName": "` + strings.Repeat("x", 500) + `"}`, "adminName", "too_long"},
		"case=blank provider":   {`{"email": "a@example.com", "name": "   "}`, "name", "required"},
		"case=unknown action":   {`{"action": "delete-everything", "email": "a@example.com"}`, "action", "unknown_action"},
		"case=resend, no email": {`{"action": "resend-activation"}`, "email", "required"},
		"case=resend, a name":   {`{"action": "resend-activation", "email": "a@example.com", "name": "x"}`, "name", "unknown_field"},
	} {
		t.Run(name, func(t *testing.T) {
			res, err := f.invoke(tc.payload)
			if err != nil {
				t.Fatalf("a bad request is the function's error: %v", err)
			}
			p := res.Problem
			if p == nil || res.Created || res.AccountID != "" || p.Status != 400 || p.Type != problem.TypeBase+"validation" {
				t.Fatalf("answer %+v, problem %+v", res, p)
			}
			if !slices.ContainsFunc(p.Errors, func(e fault.FieldError) bool { return e.Field == tc.field && e.Code == tc.code }) {
				t.Fatalf("errors %+v, want %s: %s", p.Errors, tc.field, tc.code)
			}
		})
	}
	f.Unchanged(before, "a refused bootstrap")
}

// TestBootstrapFailureSaysNothingOfItsCause: a table that does not answer is the function's error (counted by
// the errors alarm), whose message names the request but not the cause.
func TestBootstrapFailureSaysNothingOfItsCause(t *testing.T) {
	t.Parallel()
	cfg := testenv.Get(t).Config("no-table")
	cfg.Key, cfg.DynamoEndpoint = nil, "http://127.0.0.1:1"
	a, err := app.New(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(platformtest.Start)
	a.Clock = clk
	h, err := bootstrap.Handler(a)
	if err != nil {
		t.Fatal(err)
	}
	res, err := h(t.Context(), json.RawMessage(`{"email": "a@example.com"}`))
	if err == nil || res.Created || res.Problem != nil {
		t.Fatalf("answer %+v %v, want the function's error", res, err)
	}
	if msg := err.Error(); strings.Contains(msg, "127.0.0.1") || strings.Contains(msg, "connect") || strings.Contains(msg, "dynamodb") {
		t.Fatalf("the error tells its cause: %q", msg)
	}
}

// actions records the IAM action of every DynamoDB call a client makes, as IAM authorises it: a
// TransactWriteItems by each of its items' actions.
type actions struct {
	mu   sync.Mutex
	seen []string
}

func (a *actions) register(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("RecordActions", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
		if awsmiddleware.GetServiceID(ctx) == dynamodb.ServiceID {
			a.record(awsmiddleware.GetOperationName(ctx), in.Parameters)
		}
		return next.HandleInitialize(ctx, in)
	}), middleware.After)
}

func (a *actions) record(op string, params any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	tx, ok := params.(*dynamodb.TransactWriteItemsInput)
	if !ok {
		a.seen = append(a.seen, "dynamodb:"+op)
		return
	}
	for _, it := range tx.TransactItems {
		switch {
		case it.Put != nil:
			a.seen = append(a.seen, route.PutItem)
		case it.Update != nil:
			a.seen = append(a.seen, route.UpdateItem)
		case it.Delete != nil:
			a.seen = append(a.seen, route.DeleteItem)
		case it.ConditionCheck != nil:
			a.seen = append(a.seen, route.ConditionItem)
		}
	}
}

func (a *actions) list() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.seen) == 0 {
		return []string{"(none recorded)"}
	}
	return slices.Clone(a.seen)
}
