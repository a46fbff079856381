package onboarding_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/onboarding"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/problem"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/testenv"
	"github.com/partnerhub/partnerhub/pkg/user"
)

func TestMain(m *testing.M) { os.Exit(testenv.Run(m)) }

// start is the fake clock's first reading.
var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// fixture is one bootstrapped platform on its own table, with the real handlers.
type fixture struct {
	t     *testing.T
	env   *testenv.Env
	table string
	clock *clock.Fake
	app   *app.App
	svc   *onboarding.Service
	keys  *secret.Keyring
	store dynamo.Store
	// signup and resend serve session routes with a fake Authenticator; activation is the function's real
	// handler (its routes are public).
	signup, resend, activation httpapi.Handler
	auth                       fakeAuth

	providerID, adminID string
	super               string // session cookie value of the super administrator
}

// fakeAuth stands in for the session store: the cookie value names the actor.
type fakeAuth map[string]actor.Actor

func (f fakeAuth) Authenticate(_ context.Context, token string) (actor.Actor, error) {
	if a, ok := f[token]; ok {
		return a, nil
	}
	return actor.Actor{}, fault.ErrUnauthorized
}

// newFixture is a platform bootstrapped with the defaults, and a session of its super administrator.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := newBareFixture(t)
	res, err := f.svc.Bootstrap(context.Background(), onboarding.BootstrapInput{})
	if err != nil || !res.Created {
		t.Fatalf("bootstrap: %+v, %v", res, err)
	}
	f.providerID, f.adminID = res.AccountID, res.AdminUserID
	f.super = f.as(actor.Actor{UserID: f.adminID, AccountID: f.providerID, Roles: []role.Name{role.SuperAdmin}})
	return f
}

// newBareFixture is an empty table with the handlers, not bootstrapped.
func newBareFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	env := testenv.Get(t)
	f := &fixture{t: t, env: env, table: env.NewTable(t), clock: clock.NewFake(start), auth: fakeAuth{}}
	cfg := env.Config(f.table)
	var err error
	if f.app, err = app.New(ctx, cfg, app.WithClock(f.clock)); err != nil {
		t.Fatal(err)
	}
	if f.svc, err = f.app.Onboarding(); err != nil {
		t.Fatal(err)
	}
	if f.keys, err = secret.NewKeyring(cfg.Key); err != nil {
		t.Fatal(err)
	}
	f.store = dynamo.Store{DB: env.Dynamo, Table: f.table}
	if f.activation, err = f.app.HTTP(route.Activation); err != nil {
		t.Fatal(err)
	}
	f.signup = httpapi.New(httpapi.Config{Function: route.Signup, Mux: f.svc.SignupMux(), Auth: f.auth, Origins: cfg.Origins, Log: f.app.Log})
	f.resend = httpapi.New(httpapi.Config{Function: route.Activation, Mux: f.svc.ActivationMux(), Auth: f.auth, Origins: cfg.Origins, Log: f.app.Log})
	return f
}

// as registers a session for an actor and returns its cookie value.
func (f *fixture) as(a actor.Actor) string {
	cookie := "session-" + secret.NewID()
	f.auth[cookie] = a
	return cookie
}

// adminOf is a session of an account's contact acting as its administrator.
func (f *fixture) adminOf(accountID string) string {
	f.t.Helper()
	acc := f.account(accountID)
	return f.as(actor.Actor{UserID: acc.ContactUserID, AccountID: acc.ID, Roles: []role.Name{role.AdminFor(string(acc.Kind))}})
}

// reply is a decoded answer.
type reply struct {
	Status int
	Body   map[string]any
	Raw    string
}

func (r reply) str(key string) string { s, _ := r.Body[key].(string); return s }

// problemType is the slug of a problem document.
func (r reply) problemType() string {
	return strings.TrimPrefix(r.str("type"), "https://partnerhub.dev/problems/")
}

// fieldErrors lists "field:code" of a validation problem.
func (r reply) fieldErrors() []string {
	var out []string
	list, _ := r.Body["errors"].([]any)
	for _, e := range list {
		m, _ := e.(map[string]any)
		out = append(out, fmt.Sprintf("%s:%s", m["field"], m["code"]))
	}
	return out
}

// call sends one API Gateway event to a handler.
func (f *fixture) call(h httpapi.Handler, routeKey string, params map[string]string, cookie, body string) reply {
	f.t.Helper()
	method, path, _ := strings.Cut(routeKey, " ")
	for k, v := range params {
		path = strings.ReplaceAll(path, "{"+k+"}", v)
	}
	ev := events.APIGatewayV2HTTPRequest{
		Version:        "2.0",
		RouteKey:       routeKey,
		RawPath:        path,
		PathParameters: params,
		Headers:        map[string]string{"origin": "http://localhost:3000", "content-type": "application/json"},
		Body:           body,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RequestID: secret.NewID(),
			HTTP:      events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method, Path: path, SourceIP: "203.0.113.7"},
		},
	}
	if cookie != "" {
		ev.Cookies = []string{httpapi.SessionCookie + "=" + cookie}
	}
	out, err := h(context.Background(), ev)
	if err != nil {
		f.t.Fatalf("%s: handler error %v", routeKey, err)
	}
	r := reply{Status: out.StatusCode, Raw: out.Body}
	if out.Body != "" {
		if err := json.Unmarshal([]byte(out.Body), &r.Body); err != nil {
			f.t.Fatalf("%s: answer is not JSON: %s", routeKey, out.Body)
		}
	}
	return r
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// accountBody is a valid POST /v1/accounts body.
func accountBody(kind account.Kind, parentID, name, email string) map[string]any {
	return map[string]any{
		"kind":     kind,
		"parentId": parentID,
		"company": map[string]any{"name": name, "address": "1 Main Street", "country": "US", "state": "WA",
			"city": "Seattle", "zipCode": "98101"},
		"contact": map[string]any{"name": "Contact of " + name, "email": email, "mobile": "+1 206 555 0100"},
	}
}

// create creates an account through the API and fails the test unless it is created.
func (f *fixture) create(cookie string, kind account.Kind, parentID, name string) onboarding.Created {
	f.t.Helper()
	r := f.call(f.signup, onboarding.RouteCreateAccount, nil, cookie, mustJSON(accountBody(kind, parentID, name, testenv.UniqueEmail(f.t, "contact"))))
	if r.Status != 201 {
		f.t.Fatalf("create %s %q under %s: %d %s", kind, name, parentID, r.Status, r.Raw)
	}
	return onboarding.Created{ID: r.str("id"), Status: account.Status(r.str("status")), ContactUserID: r.str("contactUserId")}
}

func (f *fixture) account(id string) account.Account {
	f.t.Helper()
	acc, err := f.store.Account(context.Background(), id)
	if err != nil {
		f.t.Fatalf("account %s: %v", id, err)
	}
	return acc
}

func (f *fixture) user(id string) user.User {
	f.t.Helper()
	u, err := f.store.User(context.Background(), id)
	if err != nil {
		f.t.Fatalf("user %s: %v", id, err)
	}
	return u
}

// message reads an outbox message.
func (f *fixture) message(id string) outbox.Message {
	f.t.Helper()
	var m outbox.Message
	found, err := dynamo.Get(context.Background(), f.env.Dynamo, f.table, table.OutboxKey(id), &m)
	if err != nil || !found {
		f.t.Fatalf("outbox message %s: found=%v %v", id, found, err)
	}
	return m
}

// linkToken is the token of a user's latest activation email, derived from the outbox message exactly as the
// mailer derives it.
func (f *fixture) linkToken(userID string) string {
	f.t.Helper()
	m := f.message(f.user(userID).ActivationMessageID)
	tok, err := f.keys.Derive(m.SecretRef)
	if err != nil {
		f.t.Fatal(err)
	}
	return tok
}

// scan lists every item of the test's table, sorted, as comparable text. Scan is for tests only: product code
// never scans.
func (f *fixture) scan() []string {
	f.t.Helper()
	var out []string
	var start map[string]types.AttributeValue
	for {
		page, err := f.env.Dynamo.Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(f.table), ExclusiveStartKey: start, ConsistentRead: aws.Bool(true)})
		if err != nil {
			f.t.Fatal(err)
		}
		for _, item := range page.Items {
			out = append(out, render(&types.AttributeValueMemberM{Value: item}))
		}
		if start = page.LastEvaluatedKey; len(start) == 0 {
			break
		}
	}
	slices.Sort(out)
	return out
}

// items lists the items of one record type.
func (f *fixture) items(typ string) []map[string]types.AttributeValue {
	f.t.Helper()
	var out []map[string]types.AttributeValue
	page, err := f.env.Dynamo.Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(f.table), ConsistentRead: aws.Bool(true)})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, item := range page.Items {
		if s, ok := item[table.AttrType].(*types.AttributeValueMemberS); ok && s.Value == typ {
			out = append(out, item)
		}
	}
	return out
}

// render prints an attribute value deterministically.
func render(v types.AttributeValue) string {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return fmt.Sprintf("%q", v.Value)
	case *types.AttributeValueMemberN:
		return v.Value
	case *types.AttributeValueMemberBOOL:
		return fmt.Sprint(v.Value)
	case *types.AttributeValueMemberNULL:
		return "null"
	case *types.AttributeValueMemberL:
		parts := make([]string, len(v.Value))
		for i, x := range v.Value {
			parts[i] = render(x)
		}
		return "[" + strings.Join(parts, ",") + "]"
	case *types.AttributeValueMemberM:
		keys := make([]string, 0, len(v.Value))
		for k := range v.Value {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ":" + render(v.Value[k])
		}
		return "{" + strings.Join(parts, ",") + "}"
	case *types.AttributeValueMemberSS:
		s := slices.Sorted(slices.Values(v.Value))
		return "SS" + fmt.Sprint(s)
	}
	return fmt.Sprintf("%T", v)
}

// unchanged fails the test if the table differs from before.
func (f *fixture) unchanged(before []string, what string) {
	f.t.Helper()
	after := f.scan()
	if !slices.Equal(before, after) {
		f.t.Fatalf("%s changed the table: %d items before, %d after", what, len(before), len(after))
	}
}

// dueTokens lists the items on the expiry index due at t.
func (f *fixture) due(t time.Time) []map[string]types.AttributeValue {
	f.t.Helper()
	out, err := f.env.Dynamo.Query(context.Background(), &dynamodb.QueryInput{
		TableName:              aws.String(f.table),
		IndexName:              aws.String(table.Expiry),
		KeyConditionExpression: aws.String("xpk = :p AND xsk <= :t"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":p": dynamo.S(table.ExpiryPartition),
			":t": dynamo.S(table.ExpiryUpTo(t)),
		},
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return out.Items
}

// problemOf is the problem slug an error answers with.
func problemOf(err error) string {
	doc := problem.From(err)
	return strings.TrimPrefix(doc.Type, problem.TypeBase)
}
