package onboarding_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/all"
	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/onboarding"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/problem"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.Run(m)) }

// start is the fake clock's first reading.
var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// fixture is one bootstrapped platform on its own table, with the real handlers. The table's direct reads
// (Account, User, Message, ItemsOf, Snapshot, Unchanged...) come from platformtest.Table.
type fixture struct {
	platformtest.Table
	t     *testing.T
	env   *testenv.Env
	table string
	clock *clock.Fake
	app   *all.App
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
	f.Table = platformtest.TableOf(t, env, f.table)
	cfg := env.Config(f.table)
	var err error
	if f.app, err = all.New(ctx, cfg, app.WithClock(f.clock)); err != nil {
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
	acc := f.Account(accountID)
	return f.as(actor.Actor{UserID: acc.ContactUserID, AccountID: acc.ID, Roles: []role.Name{role.AdminFor(string(acc.Kind))}})
}

// call sends one API Gateway event to a handler.
func (f *fixture) call(h httpapi.Handler, routeKey string, params map[string]string, cookie, body string) platformtest.Reply {
	f.t.Helper()
	ev, err := platformtest.Event(platformtest.Request{Route: routeKey, Params: params, Cookie: cookie, Body: body, IP: "203.0.113.7"})
	if err != nil {
		f.t.Fatal(err)
	}
	r, err := platformtest.Invoke(h, ev)
	if err != nil {
		f.t.Fatal(err)
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
	if r.StatusCode != 201 {
		f.t.Fatalf("create %s %q under %s: %d %s", kind, name, parentID, r.StatusCode, r.Body)
	}
	return onboarding.Created{ID: r.Str("id"), Status: account.Status(r.Str("status")), ContactUserID: r.Str("contactUserId")}
}

// linkToken is the token of a user's latest activation email, derived from the outbox message exactly as the
// mailer derives it.
func (f *fixture) linkToken(userID string) string {
	f.t.Helper()
	m := f.Message(f.User(userID).ActivationMessageID)
	tok, err := f.keys.Derive(context.Background(), m.SecretRef)
	if err != nil {
		f.t.Fatal(err)
	}
	return tok
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
