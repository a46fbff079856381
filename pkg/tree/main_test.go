package tree_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
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
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/testenv"
	"github.com/partnerhub/partnerhub/pkg/tree"
)

// TestMain starts the emulators for the tests and the benchmarks alike.
func TestMain(m *testing.M) { os.Exit(testenv.Run(m)) }

// start is the fake clock's first reading.
var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// fixture is one bootstrapped platform on its own table. The accounts, revoke and signup handlers resolve
// sessions with a fake Authenticator (the cookie value names the actor); the real handlers, which resolve real
// sessions, come from f.app.
type fixture struct {
	t     testing.TB
	env   *testenv.Env
	table string
	clock *clock.Fake
	app   *app.App
	onb   *onboarding.Service
	tree  *tree.Service
	keys  *secret.Keyring
	store dynamo.Store

	accounts, revoke, signup httpapi.Handler
	auth                     *fakeAuth

	providerID, adminID string
	super               string // session of the super administrator
}

// fakeAuth stands in for the session store: the cookie value names the actor.
type fakeAuth struct {
	mu     sync.Mutex
	actors map[string]actor.Actor
}

func (f *fakeAuth) Authenticate(_ context.Context, token string) (actor.Actor, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if a, ok := f.actors[token]; ok {
		return a, nil
	}
	return actor.Actor{}, fault.ErrUnauthorized
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	return newFixtureOn(t, testenv.Get(t).Dynamo)
}

// newFixtureOn builds the fixture's services on db (a wrapper of the emulator's client, or the client itself).
func newFixtureOn(t testing.TB, db dynamo.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	env := testenv.Get(t)
	f := &fixture{t: t, env: env, table: env.NewTable(t), clock: clock.NewFake(start), auth: &fakeAuth{actors: map[string]actor.Actor{}}}
	cfg := env.Config(f.table)
	var err error
	if f.app, err = app.New(ctx, cfg, app.WithClock(f.clock)); err != nil {
		t.Fatal(err)
	}
	if f.keys, err = secret.NewKeyring(cfg.Key); err != nil {
		t.Fatal(err)
	}
	if f.onb, err = onboarding.New(onboarding.Deps{DB: env.Dynamo, Table: f.table, Keys: f.keys, Clock: f.clock}); err != nil {
		t.Fatal(err)
	}
	if f.tree, err = tree.New(tree.Deps{DB: db, Table: f.table, Clock: f.clock}); err != nil {
		t.Fatal(err)
	}
	f.store = dynamo.Store{DB: env.Dynamo, Table: f.table}
	handler := func(function string, mux httpapi.Mux) httpapi.Handler {
		return httpapi.New(httpapi.Config{Function: function, Mux: mux, Auth: f.auth, Origins: cfg.Origins, Log: f.app.Log})
	}
	f.accounts = handler(route.Accounts, f.tree.AccountsMux())
	f.revoke = handler(route.Revoke, f.tree.RevokeMux())
	f.signup = handler(route.Signup, f.onb.SignupMux())

	res, err := f.onb.Bootstrap(ctx, onboarding.BootstrapInput{})
	if err != nil || !res.Created {
		t.Fatalf("bootstrap: %+v, %v", res, err)
	}
	f.providerID, f.adminID = res.AccountID, res.AdminUserID
	f.super = f.as(f.providerID, role.SuperAdmin)
	return f
}

// as registers a session of a made-up user acting in an account with roles, and returns its cookie value.
func (f *fixture) as(accountID string, roles ...role.Name) string {
	return f.asUser(secret.NewID(), accountID, roles...)
}

func (f *fixture) asUser(userID, accountID string, roles ...role.Name) string {
	cookie := "session-" + secret.NewID()
	f.auth.mu.Lock()
	defer f.auth.mu.Unlock()
	f.auth.actors[cookie] = actor.Actor{UserID: userID, AccountID: accountID, Roles: roles}
	return cookie
}

// adminOf is a session of an account's contact, acting as its administrator.
func (f *fixture) adminOf(accountID string) string {
	f.t.Helper()
	acc := f.account(accountID)
	return f.asUser(acc.ContactUserID, acc.ID, role.AdminFor(string(acc.Kind)))
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

// fieldErrors lists "field:code" of a validation problem, sorted.
func (r reply) fieldErrors() []string {
	var out []string
	list, _ := r.Body["errors"].([]any)
	for _, e := range list {
		m, _ := e.(map[string]any)
		out = append(out, fmt.Sprintf("%s:%s", m["field"], m["code"]))
	}
	slices.Sort(out)
	return out
}

// num reads a number at a dotted path of the body, e.g. "counts.customers".
func (r reply) num(path string) int {
	var v any = r.Body
	for _, k := range strings.Split(path, ".") {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	n, _ := v.(float64)
	return int(n)
}

// request is one API call.
type request struct {
	route  string            // route key
	id     string            // the {id} path parameter
	query  map[string]string // query-string parameters
	cookie string
	body   any // encoded as JSON unless a string; nil sends no body
}

// call sends one API Gateway event to a handler.
func (f *fixture) call(h httpapi.Handler, r request) reply {
	f.t.Helper()
	method, path, _ := strings.Cut(r.route, " ")
	params := map[string]string{}
	if r.id != "" {
		params["id"] = r.id
		path = strings.ReplaceAll(path, "{id}", url.PathEscape(r.id))
	}
	ev := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: r.route, RawPath: path, PathParameters: params, QueryStringParameters: r.query,
		Headers: map[string]string{"origin": "http://localhost:3000", "content-type": "application/json"},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RequestID: secret.NewID(),
			HTTP:      events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method, Path: path, SourceIP: "203.0.113.7"},
		},
	}
	switch b := r.body.(type) {
	case nil:
	case string:
		ev.Body = b
	default:
		ev.Body = mustJSON(b)
	}
	if method != "GET" {
		// Each change happens a second after the one before, so audit events (ordered by time) have one order.
		f.clock.Advance(time.Second)
	}
	if r.cookie != "" {
		ev.Cookies = []string{httpapi.SessionCookie + "=" + r.cookie}
	}
	out, err := h(context.Background(), ev)
	if err != nil {
		f.t.Fatalf("%s: handler error %v", r.route, err)
	}
	rep := reply{Status: out.StatusCode, Raw: out.Body}
	if out.Body != "" {
		if err := json.Unmarshal([]byte(out.Body), &rep.Body); err != nil {
			f.t.Fatalf("%s: answer is not JSON: %s", r.route, out.Body)
		}
	}
	return rep
}

// get is GET /v1/accounts/{id} through the accounts handler.
func (f *fixture) get(cookie, id string) reply {
	return f.call(f.accounts, request{route: tree.RouteGetAccount, id: id, cookie: cookie})
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
		"contact": map[string]any{"name": "Contact of " + name, "email": email},
	}
}

// createAs sends POST /v1/accounts through the signup handler.
func (f *fixture) createAs(cookie string, kind account.Kind, parentID, name string) reply {
	f.t.Helper()
	return f.call(f.signup, request{route: onboarding.RouteCreateAccount, cookie: cookie,
		body: accountBody(kind, parentID, name, testenv.UniqueEmail(f.t, "contact"))})
}

// create creates an account as the super administrator and returns its id.
func (f *fixture) create(kind account.Kind, parentID, name string) string {
	f.t.Helper()
	r := f.createAs(f.super, kind, parentID, name)
	if r.Status != 201 {
		f.t.Fatalf("create %s %q under %s: %d %s", kind, name, parentID, r.Status, r.Raw)
	}
	return r.str("id")
}

func (f *fixture) account(id string) account.Account {
	f.t.Helper()
	acc, err := f.store.Account(context.Background(), id)
	if err != nil {
		f.t.Fatalf("account %s: %v", id, err)
	}
	return acc
}

// scan lists every item of the test's table, sorted, as comparable text. Scan is for tests only.
func (f *fixture) scan() []string {
	f.t.Helper()
	var out []string
	var from map[string]types.AttributeValue
	for {
		page, err := f.env.Dynamo.Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(f.table), ExclusiveStartKey: from, ConsistentRead: aws.Bool(true)})
		if err != nil {
			f.t.Fatal(err)
		}
		for _, item := range page.Items {
			out = append(out, render(item))
		}
		if from = page.LastEvaluatedKey; len(from) == 0 {
			break
		}
	}
	slices.Sort(out)
	return out
}

// unchanged fails the test if the table differs from before.
func (f *fixture) unchanged(before []string, what string) {
	f.t.Helper()
	if after := f.scan(); !slices.Equal(before, after) {
		f.t.Fatalf("%s changed the table: %d items before, %d after", what, len(before), len(after))
	}
}

// render prints an item deterministically.
func render(item map[string]types.AttributeValue) string {
	return renderValue(&types.AttributeValueMemberM{Value: item})
}

func renderValue(v types.AttributeValue) string {
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
			parts[i] = renderValue(x)
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
			parts[i] = k + ":" + renderValue(v.Value[k])
		}
		return "{" + strings.Join(parts, ",") + "}"
	}
	return fmt.Sprintf("%T", v)
}

// auditActions lists the actions of an account's audit events, newest first, read straight from the table.
func (f *fixture) auditActions(accountID string) []string {
	f.t.Helper()
	out, err := f.env.Dynamo.Query(context.Background(), &dynamodb.QueryInput{
		TableName:              aws.String(f.table),
		KeyConditionExpression: aws.String("pk = :pk AND begins_with(sk, :a)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": dynamo.S(table.AccountKey(accountID).PK), ":a": dynamo.S(table.AuditPrefix),
		},
		ScanIndexForward: aws.Bool(false),
		ConsistentRead:   aws.Bool(true),
	})
	if err != nil {
		f.t.Fatal(err)
	}
	var actions []string
	for _, item := range out.Items {
		actions = append(actions, item["action"].(*types.AttributeValueMemberS).Value)
	}
	return actions
}

// wantStatus fails the test unless the reply has the status (and, for a problem, the slug).
func wantStatus(t testing.TB, r reply, status int, slug ...string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Raw)
	}
	if len(slug) > 0 && r.problemType() != slug[0] {
		t.Fatalf("problem %q, want %q: %s", r.problemType(), slug[0], r.Raw)
	}
}
