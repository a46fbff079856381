package tree_test

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

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
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/secret"
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
//
// The table's direct reads (Account, ItemsOf, Snapshot, Unchanged, Audit...) come from platformtest.Table.
type fixture struct {
	platformtest.Table
	t     testing.TB
	env   *testenv.Env
	table string
	clock *clock.Fake
	app   *all.App
	onb   *onboarding.Service
	tree  *tree.Service
	keys  *secret.Keyring
	store dynamo.Store

	accounts, revoke, signup httpapi.Handler
	auth                     *fakeAuth

	providerID, adminID string
	super               string // session of the super administrator

	indexOnce sync.Once
	index     *testenv.Stream // the table's stream handed to the search indexer (see indexed)
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
	f.Table = platformtest.TableOf(t, env, f.table)
	cfg := env.Config(f.table)
	var err error
	if f.app, err = all.New(ctx, cfg, app.WithClock(f.clock)); err != nil {
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
	acc := f.Account(accountID)
	return f.asUser(acc.ContactUserID, acc.ID, role.AdminFor(string(acc.Kind)))
}

// num reads a number at a dotted path of the body, e.g. "counts.customers".
func num(r platformtest.Reply, path string) int {
	var v any = r.JSON
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
func (f *fixture) call(h httpapi.Handler, r request) platformtest.Reply {
	f.t.Helper()
	params := map[string]string{}
	if r.id != "" {
		params["id"] = r.id
	}
	ev, err := platformtest.Event(platformtest.Request{Route: r.route, Params: params, Query: r.query, Cookie: r.cookie, Body: r.body, IP: "203.0.113.7"})
	if err != nil {
		f.t.Fatal(err)
	}
	// The path carries the id escaped, as a browser sends it.
	_, path, _ := strings.Cut(r.route, " ")
	ev.RawPath = strings.ReplaceAll(path, "{id}", url.PathEscape(r.id))
	ev.RequestContext.HTTP.Path = ev.RawPath
	if ev.RequestContext.HTTP.Method != "GET" {
		// Each change happens a second after the one before, so audit events (ordered by time) have one order.
		f.clock.Advance(time.Second)
	}
	rep, err := platformtest.Invoke(h, ev)
	if err != nil {
		f.t.Fatal(err)
	}
	return rep
}

// get is GET /v1/accounts/{id} through the accounts handler.
func (f *fixture) get(cookie, id string) platformtest.Reply {
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
func (f *fixture) createAs(cookie string, kind account.Kind, parentID, name string) platformtest.Reply {
	f.t.Helper()
	return f.call(f.signup, request{route: onboarding.RouteCreateAccount, cookie: cookie,
		body: accountBody(kind, parentID, name, testenv.UniqueEmail(f.t, "contact"))})
}

// create creates an account as the super administrator and returns its id.
func (f *fixture) create(kind account.Kind, parentID, name string) string {
	f.t.Helper()
	r := f.createAs(f.super, kind, parentID, name)
	if r.StatusCode != 201 {
		f.t.Fatalf("create %s %q under %s: %d %s", kind, name, parentID, r.StatusCode, r.Body)
	}
	return r.Str("id")
}

// auditActions lists the actions of an account's audit events, newest first, read straight from the table.
func (f *fixture) auditActions(accountID string) []string {
	f.t.Helper()
	actions := f.Audit(accountID)
	slices.Reverse(actions)
	return actions
}
