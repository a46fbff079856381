package twofactor_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/all"
	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/factor"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/license"
	"github.com/partnerhub/partnerhub/pkg/local"
	"github.com/partnerhub/partnerhub/pkg/mailer"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/passhash"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/testenv"
	"github.com/partnerhub/partnerhub/pkg/user"
)

func TestMain(m *testing.M) { os.Exit(testenv.Run(m)) }

// password is every seeded user's password; its Argon2id hash is made once.
const password = "correct horse battery staple"

var passwordHash = sync.OnceValue(func() string { return passhash.Hash(password) })

// start is the fake clock's first instant: on a minute boundary (rate-limit windows) and on a TOTP step
// boundary, so a test knows which 30-second step it is in.
var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// harness is one test's table, fake clock, SMS sink and the real handlers of the two-factor and otp functions.
type harness struct {
	t      testing.TB
	env    *testenv.Env
	table  string
	clock  *clock.Fake
	app    *all.App
	sms    *local.SMSSink
	keys   *secret.Keyring
	store  dynamo.Store
	db     platformtest.Table
	mailer *mailer.Mailer
	h      map[string]httpapi.Handler
	ips    platformtest.Addresses
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	env := testenv.Get(t)
	name := env.NewTable(t)
	fake := clock.NewFake(start)
	sms := local.NewSMSSink(nil)
	a, err := all.New(context.Background(), env.Config(name), app.WithClock(fake), app.WithSMS(sms))
	if err != nil {
		t.Fatal(err)
	}
	keys, err := secret.NewKeyring(env.Key)
	if err != nil {
		t.Fatal(err)
	}
	mailer, err := a.OutboxMailer()
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, env: env, table: name, clock: fake, app: a, sms: sms, keys: keys, mailer: mailer,
		store: dynamo.Store{DB: env.Dynamo, Table: name}, db: platformtest.TableOf(t, env, name), h: map[string]httpapi.Handler{}}
	for _, fn := range []string{route.TwoFactor, route.OTP, route.Passkeys} {
		if h.h[fn], err = a.HTTP(fn); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

// seed describes a user written straight into the table, as onboarding would leave them.
type seed struct {
	kind      account.Kind
	roles     []role.Name
	twoFactor bool
}

var (
	member = seed{kind: account.Partner, roles: []role.Name{role.ReadOnly}, twoFactor: true}
	admin  = seed{kind: account.Partner, roles: []role.Name{role.AccountAdmin}, twoFactor: true}
	super  = seed{kind: account.Provider, roles: []role.Name{role.SuperAdmin}, twoFactor: true}
)

// seedUser writes an account, an active user with the license accepted, the email guard and the membership.
func (h *harness) seedUser(s seed) user.User {
	h.t.Helper()
	accountID, userID := secret.NewID(), secret.NewID()
	acct := account.Account{ID: accountID, Kind: s.kind, Company: account.Company{Name: "Acme " + accountID}, Status: account.Active, CreatedAt: start}
	if s.kind != account.Provider {
		acct.ParentID, acct.Ancestors = "root", []string{"root"}
	}
	u := user.User{
		ID: userID, Email: testenv.UniqueEmail(h.t, "user"), Name: "Ada Lovelace", Status: user.Active,
		HomeAccountID: accountID, TwoFactor: user.TwoFactor{Enabled: s.twoFactor, Method: user.MethodEmail},
		PasswordHash: passwordHash(), SecurityQuestion: "What was the name of your first pet?",
		SecurityAnswerHash: "unused", LicenseVersion: license.Current().Version, CreatedAt: start, Version: 1,
	}
	m := user.Membership{UserID: userID, AccountID: accountID, Roles: s.roles, AccountName: acct.Company.Name,
		AccountKind: string(acct.Kind), UserName: u.Name, UserEmail: u.Email, UserStatus: u.Status, CreatedAt: start}
	h.db.Seed(acct, u, m)
	return u
}

// session signs u in as the code step would, and returns the cookie value.
func (h *harness) session(u user.User) string {
	h.t.Helper()
	return h.db.Session(h.keys, u.ID, u.HomeAccountID, h.clock.Now())
}

// request is one API call; the function is the route's.
type request struct {
	route  string
	params map[string]string
	body   any
	cookie string
}

func (h *harness) do(r request) platformtest.Reply {
	h.t.Helper()
	resp, err := h.try(r)
	if err != nil {
		h.t.Fatal(err)
	}
	return resp
}

// try is do for goroutines other than the test's.
func (h *harness) try(r request) (platformtest.Reply, error) {
	rt, ok := route.ByKey(r.route)
	if !ok {
		return platformtest.Reply{}, fmt.Errorf("no route %s", r.route)
	}
	ev, err := platformtest.Event(platformtest.Request{Route: r.route, Params: r.params, Body: r.body, Cookie: r.cookie, IP: h.ips.Next()})
	if err != nil {
		return platformtest.Reply{}, err
	}
	return platformtest.Invoke(h.h[rt.Function], ev)
}

// deliver runs the mailer on every outbox message not yet handled, as the stream would.
func (h *harness) deliver() {
	h.t.Helper()
	for _, m := range h.db.Messages() {
		if m.Status == outbox.StatusPending {
			if out := h.mailer.Deliver(context.Background(), table.OutboxKey(m.ID)); out != mailer.Sent {
				h.t.Fatalf("deliver %s (%s): %v", m.ID, m.Template, out)
			}
		}
	}
}

// stored lists the attributes (pk/name) whose string values, at any depth, hold s: contain it, or for a short
// s (a six-digit code, which timestamps could contain by chance) equal it.
func (h *harness) stored(s string) []string {
	h.t.Helper()
	holds := func(v string) bool { return v == s || (len(s) >= 16 && strings.Contains(v, s)) }
	var where []string
	var walk func(path string, av types.AttributeValue)
	walk = func(path string, av types.AttributeValue) {
		switch v := av.(type) {
		case *types.AttributeValueMemberS:
			if holds(v.Value) {
				where = append(where, path)
			}
		case *types.AttributeValueMemberSS:
			for _, x := range v.Value {
				if holds(x) {
					where = append(where, path)
				}
			}
		case *types.AttributeValueMemberB:
			if holds(string(v.Value)) {
				where = append(where, path)
			}
		case *types.AttributeValueMemberM:
			for k, x := range v.Value {
				walk(path+"."+k, x)
			}
		case *types.AttributeValueMemberL:
			for i, x := range v.Value {
				walk(fmt.Sprintf("%s[%d]", path, i), x)
			}
		}
	}
	for _, item := range h.db.Items() {
		pk := item[table.AttrPK].(*types.AttributeValueMemberS).Value
		for name, av := range item {
			walk(pk+"/"+name, av)
		}
	}
	return where
}

// audits lists the audit actions recorded about a user, sorted.
func (h *harness) audits(userID string) []string {
	h.t.Helper()
	return h.db.AuditAbout(userID)
}

func (h *harness) user(id string) user.User {
	h.t.Helper()
	return h.db.User(id)
}

func (h *harness) factors(id string) factor.Factors {
	h.t.Helper()
	f, err := h.store.Factors(context.Background(), id)
	if err != nil {
		h.t.Fatal(err)
	}
	return f
}

// signIn is the password step; it returns the answer (a challenge, or a cookie when 2FA is off).
func (h *harness) signIn(u user.User) platformtest.Reply {
	h.t.Helper()
	return h.do(request{route: "POST /v1/sessions", body: map[string]string{"email": u.Email, "password": password}})
}

func (h *harness) submit(challengeID, code string) platformtest.Reply {
	h.t.Helper()
	return h.do(request{route: "POST /v1/sessions/otp", body: map[string]string{"challengeId": challengeID, "code": code}})
}

// challenge signs in with the password and returns the challenge id, checking the method the answer names.
func (h *harness) challenge(u user.User, method string) string {
	h.t.Helper()
	r := h.signIn(u)
	platformtest.WantStatus(h.t, r, http.StatusOK)
	id, _ := r.JSON["challengeId"].(string)
	if id == "" || r.JSON["method"] != method {
		h.t.Fatalf("sign-in answer %s, want a challenge by %s", r.Body, method)
	}
	return id
}

// otpMessages lists the outbox messages that carry code n of a challenge.
func (h *harness) otpMessages(challengeID string, n int) []outbox.Message {
	h.t.Helper()
	var out []outbox.Message
	for _, m := range h.db.Messages() {
		if m.SecretRef == secret.CodeRef(1, challengeID, n) {
			out = append(out, m)
		}
	}
	return out
}

// sessionToken is the session cookie a sign-in set.
func sessionToken(t testing.TB, r platformtest.Reply) string {
	t.Helper()
	for _, raw := range r.Cookies {
		if c, err := http.ParseSetCookie(raw); err == nil && c.Name == httpapi.SessionCookie && c.Value != "" {
			return c.Value
		}
	}
	t.Fatalf("no session cookie in %v", r.Cookies)
	return ""
}
