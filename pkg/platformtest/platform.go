// Package platformtest gives integration tests a bootstrapped platform on the emulators, driven through the
// functions' real handlers with real sessions: the provider and its activated super administrator, accounts
// created through POST /v1/accounts, contacts activated and given sessions. Use it with testenv:
//
//	func TestMain(m *testing.M) { os.Exit(testenv.Run(m)) }
//
//	p := platformtest.New(t)
//	partner := p.CreateAccount(p.Super, account.Partner, p.ProviderID, "Acme")
//	p.Activate(partner.ContactUserID)
//	cookie := p.Session(partner.ContactUserID, partner.ID)
//
// Building a world is cheap: Activate and Session write what the activation and sign-in transactions write,
// with a password hash computed once per test binary, instead of spending Argon2id on every request. Tests of
// those requests use ActivateByLink and SignIn, which go through the real handlers.
package platformtest

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/all"
	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/onboarding"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/testenv"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// Start is the fake clock's first reading.
var Start = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// Password is every activated user's password.
const Password = "correct horse battery staple"

// Platform is one bootstrapped platform on its own table.
type Platform struct {
	T     testing.TB
	Env   *testenv.Env
	Table string
	Clock *clock.Fake
	App   *all.App
	Keys  *secret.Keyring
	Store dynamo.Store

	// ProviderID and AdminID are the provider account and its first super administrator; Super is a session of
	// that administrator (a cookie value).
	ProviderID, AdminID string
	Super               string

	// Measuring leaves answers unchecked against the API description (Conforms), so timings measure the handlers
	// alone: New sets it for a benchmark, and cmd/bench sets it. The tests make the same calls and check them.
	Measuring bool

	mu       sync.Mutex
	handlers map[string]httpapi.Handler
	ips      Addresses
}

// New bootstraps a platform through the real bootstrap, activates its super administrator (see Activate) and
// gives them a session. Options change how the handlers' App is built after the fake clock is set (cmd/bench
// passes app.WithAWS with a testenv.Meter, to count what the real handlers send).
func New(t testing.TB, opts ...app.Option) *Platform {
	t.Helper()
	env := testenv.Get(t)
	p := &Platform{T: t, Env: env, Table: env.NewTable(t), Clock: clock.NewFake(Start), handlers: map[string]httpapi.Handler{}}
	_, p.Measuring = t.(*testing.B)
	cfg := env.Config(p.Table)
	var err error
	if p.App, err = all.New(t.Context(), cfg, append([]app.Option{app.WithClock(p.Clock)}, opts...)...); err != nil {
		t.Fatal(err)
	}
	if p.Keys, err = secret.NewKeyring(cfg.Key); err != nil {
		t.Fatal(err)
	}
	p.Store = dynamo.Store{DB: env.Dynamo, Table: p.Table}
	res, err := p.App.Bootstrap(t.Context(), onboarding.BootstrapInput{AdminEmail: testenv.UniqueEmail(t, "admin")})
	if err != nil || !res.Created {
		t.Fatalf("bootstrap: %+v %v", res, err)
	}
	p.ProviderID, p.AdminID = res.AccountID, res.AdminUserID
	p.Activate(p.AdminID)
	// The super administrator signs in with a code; the session is written as the code step would write it.
	p.Super = p.Session(p.AdminID, p.ProviderID)
	return p
}

// Handler is a function's real handler, built once.
func (p *Platform) Handler(function string) httpapi.Handler {
	p.T.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if h, ok := p.handlers[function]; ok {
		return h
	}
	h, err := p.App.HTTP(function)
	if err != nil {
		p.T.Fatalf("build %s: %v", function, err)
	}
	p.handlers[function] = h
	return h
}

// Event builds the API Gateway event of a request, from a fresh source address unless it names one.
func (p *Platform) Event(r Request) events.APIGatewayV2HTTPRequest {
	p.T.Helper()
	if r.IP == "" {
		r.IP = p.ips.Next()
	}
	ev, err := Event(r)
	if err != nil {
		p.T.Fatal(err)
	}
	return ev
}

// Call sends a request to its function's real handler.
func (p *Platform) Call(r Request) Reply {
	p.T.Helper()
	return p.Send(r.Function, p.Event(r))
}

// Send hands an event to a function's handler and decodes the answer.
func (p *Platform) Send(function string, ev events.APIGatewayV2HTTPRequest) Reply {
	p.T.Helper()
	invoke := Invoke
	if p.Measuring {
		invoke = decode
	}
	reply, err := invoke(p.Handler(function), ev)
	if err != nil {
		p.T.Fatal(err)
	}
	return reply
}

// Created is a new account.
type Created struct {
	ID, ContactUserID, ContactEmail string
}

// CreateAccount creates an account with the full form through POST /v1/accounts, its contact without two-factor
// sign-in (so tests sign in with the password alone), and fails the test unless it is created.
func (p *Platform) CreateAccount(cookie string, kind account.Kind, parentID, name string) Created {
	p.T.Helper()
	email := testenv.UniqueEmail(p.T, "contact")
	return p.Create(cookie, map[string]any{
		"kind": kind, "parentId": parentID,
		"company":   map[string]any{"name": name, "address": "1 Main Street", "country": "US", "state": "WA", "city": "Seattle", "zipCode": "98101"},
		"contact":   map[string]any{"name": "Contact of " + name, "email": email},
		"twoFactor": map[string]any{"enabled": false},
	})
}

// Create posts a POST /v1/accounts body and fails the test unless the account is created.
func (p *Platform) Create(cookie string, body map[string]any) Created {
	p.T.Helper()
	r := p.Call(Request{Function: route.Signup, Route: onboarding.RouteCreateAccount, Cookie: cookie, Body: body})
	if r.StatusCode != 201 {
		p.T.Fatalf("create %v: %d %s", body["company"], r.StatusCode, r.Body)
	}
	contact, _ := body["contact"].(map[string]any)
	email, _ := contact["email"].(string)
	return Created{ID: r.Str("id"), ContactUserID: r.Str("contactUserId"), ContactEmail: email}
}

// LinkToken is the token of a user's latest activation email, derived as the mailer derives it.
func (p *Platform) LinkToken(userID string) string {
	p.T.Helper()
	m := p.Message(p.User(userID).ActivationMessageID)
	tok, err := p.Keys.Derive(p.T.Context(), m.SecretRef)
	if err != nil {
		p.T.Fatal(err)
	}
	return tok
}

// SignIn signs a user without two-factor sign-in in through POST /v1/sessions and returns the session cookie. It
// spends an Argon2id check and counts the attempt against the sign-in rate limits; tests that are not about
// signing in use Session.
func (p *Platform) SignIn(email string) string {
	p.T.Helper()
	r := p.Call(Request{Function: route.OTP, Route: "POST /v1/sessions", Body: map[string]string{"email": email, "password": Password}})
	if r.StatusCode != 201 {
		p.T.Fatalf("sign in %s: %d %s", email, r.StatusCode, r.Body)
	}
	for _, c := range r.Cookies {
		name, rest, _ := strings.Cut(c, "=")
		if value, _, _ := strings.Cut(rest, ";"); name == httpapi.SessionCookie && value != "" {
			return value
		}
	}
	p.T.Fatalf("sign in %s: no session cookie in %v", email, r.Cookies)
	return ""
}

// Session writes a session for an active user in an account through the real sign-in transaction, as a
// successful sign-in writes it (the account is the user's home account after a password or code step, another
// after a switch), and returns its cookie value. Package signin tests the steps that lead to it.
func (p *Platform) Session(userID, accountID string) string {
	p.T.Helper()
	return p.Data().Session(p.Keys, userID, accountID, p.Clock.Now())
}

// AcceptLicense takes the license step through POST /v1/me/license-acceptance.
func (p *Platform) AcceptLicense(cookie, version string) {
	p.T.Helper()
	r := p.Call(Request{Function: route.Profile, Route: "POST /v1/me/license-acceptance", Cookie: cookie, Body: map[string]string{"version": version}})
	if r.StatusCode != 200 {
		p.T.Fatalf("accept license: %d %s", r.StatusCode, r.Body)
	}
}

// Data is the platform's table, for reading and writing items directly.
func (p *Platform) Data() Table { return Table{T: p.T, DB: p.Env.Dynamo, Name: p.Table} }

// Account reads an account.
func (p *Platform) Account(id string) account.Account { p.T.Helper(); return p.Data().Account(id) }

// User reads a user.
func (p *Platform) User(id string) user.User { p.T.Helper(); return p.Data().User(id) }

// Message reads an outbox message.
func (p *Platform) Message(id string) outbox.Message { p.T.Helper(); return p.Data().Message(id) }

// Items lists every item of the table (only tests scan; the product never does).
func (p *Platform) Items() []map[string]types.AttributeValue { p.T.Helper(); return p.Data().Items() }

// Snapshot is the whole table as comparable text, sorted.
func (p *Platform) Snapshot() []string { p.T.Helper(); return p.Data().Snapshot() }

// Unchanged fails the test if the table differs from a snapshot.
func (p *Platform) Unchanged(before []string, what string) {
	p.T.Helper()
	p.Data().Unchanged(before, what)
}

// Audit lists the actions of the audit events written on an account, oldest first (events of one instant in
// no particular order).
func (p *Platform) Audit(accountID string) []string { p.T.Helper(); return p.Data().Audit(accountID) }
