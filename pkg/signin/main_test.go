package signin_test

import (
	"context"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/all"
	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/license"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/passhash"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/testenv"
	"github.com/partnerhub/partnerhub/pkg/user"
)

func TestMain(m *testing.M) { os.Exit(testenv.Run(m)) }

// password is every seeded user's password. Its Argon2id hash is made once: hashing costs tens of milliseconds.
const password = "correct horse battery staple"

var passwordHash = sync.OnceValue(func() string { return passhash.Hash(password) })

// start is the fake clock's first instant: on a minute boundary, so rate-limit windows are predictable.
var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// harness is one test's table, clock and the otp function's real handler.
type harness struct {
	t     testing.TB
	env   *testenv.Env
	table string
	clock *clock.Fake
	h     httpapi.Handler
	keys  *secret.Keyring
	store dynamo.Store
	db    platformtest.Table
	ips   platformtest.Addresses
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	env := testenv.Get(t)
	name := env.NewTable(t)
	fake := clock.NewFake(start)
	a, err := all.New(context.Background(), env.Config(name), app.WithClock(fake))
	if err != nil {
		t.Fatal(err)
	}
	h, err := a.HTTP(route.OTP)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := secret.NewKeyring(env.Key)
	if err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, env: env, table: name, clock: fake, h: h, keys: keys, store: dynamo.Store{DB: env.Dynamo, Table: name},
		db: platformtest.TableOf(t, env, name)}
}

// seed describes a user to write straight into the table.
type seed struct {
	status     user.Status
	noPassword bool // invited: no password yet
	twoFactor  bool
	account    account.Status
	roles      []role.Name
}

var active = seed{status: user.Active, twoFactor: true, account: account.Active, roles: []role.Name{role.AccountAdmin}}

// seeded is what seedUser wrote.
type seeded struct {
	user    user.User
	account account.Account
}

// seedUser writes an account, a user, the user's email guard and membership, as onboarding would.
func (h *harness) seedUser(s seed) seeded {
	h.t.Helper()
	accountID, userID := secret.NewID(), secret.NewID()
	acct := account.Account{
		ID: accountID, Kind: account.Partner, ParentID: "root", Ancestors: []string{"root"},
		Company: account.Company{Name: "Acme " + accountID}, Status: s.account, CreatedAt: start,
	}
	u := user.User{
		ID: userID, Email: testenv.UniqueEmail(h.t, "user"), Name: "Ada Lovelace", Status: s.status,
		HomeAccountID: accountID, TwoFactor: user.TwoFactor{Enabled: s.twoFactor, Method: user.MethodEmail}, CreatedAt: start,
		// Seeded users have taken their first sign-in steps; package profile tests the steps themselves.
		LicenseVersion: license.Current().Version, LicenseAcceptedAt: start,
	}
	if !s.noPassword {
		u.PasswordHash = passwordHash()
	}
	m := user.Membership{
		UserID: userID, AccountID: accountID, Roles: s.roles, AccountName: acct.Company.Name,
		AccountKind: string(acct.Kind), UserName: u.Name, UserEmail: u.Email, CreatedAt: start,
	}
	h.db.Seed(acct, u, m)
	return seeded{user: u, account: acct}
}

// request is one API call.
type request struct {
	route  string // route key, e.g. "POST /v1/sessions"
	body   any    // encoded as JSON unless a string
	cookie string // session token
	ip     string
	header map[string]string // replaces the default headers when set
	params map[string]string // path parameters
}

func (h *harness) do(r request) platformtest.Reply {
	h.t.Helper()
	resp, err := h.try(r)
	if err != nil {
		h.t.Fatal(err)
	}
	return resp
}

// try is do for other goroutines than the test's: it returns what went wrong instead of failing the test.
func (h *harness) try(r request) (platformtest.Reply, error) {
	if r.ip == "" {
		r.ip = h.ips.Next()
	}
	ev, err := platformtest.Event(platformtest.Request{Route: r.route, Params: r.params, Body: r.body, Cookie: r.cookie, IP: r.ip, Headers: r.header})
	if err != nil {
		return platformtest.Reply{}, err
	}
	return platformtest.Invoke(h.h, ev)
}

func (h *harness) signIn(email, pw string) platformtest.Reply {
	h.t.Helper()
	return h.do(request{route: "POST /v1/sessions", body: map[string]string{"email": email, "password": pw}})
}

func (h *harness) submit(challengeID, code string) platformtest.Reply {
	h.t.Helper()
	return h.do(request{route: "POST /v1/sessions/otp", body: map[string]string{"challengeId": challengeID, "code": code}})
}

func (h *harness) resend(challengeID string) platformtest.Reply {
	h.t.Helper()
	return h.do(request{route: "POST /v1/sessions/otp/resend", body: map[string]string{"challengeId": challengeID}})
}

func (h *harness) me(token string) platformtest.Reply {
	h.t.Helper()
	return h.do(request{route: "GET /v1/me", cookie: token, header: map[string]string{}})
}

// challenge signs in with the right password and returns the challenge id.
func (h *harness) challenge(u user.User) string {
	h.t.Helper()
	r := h.signIn(u.Email, password)
	platformtest.WantStatus(h.t, r, http.StatusOK)
	id, _ := r.JSON["challengeId"].(string)
	if id == "" {
		h.t.Fatalf("no challengeId in %s", r.Body)
	}
	return id
}

// signedIn signs u in through the code and returns the session token.
func (h *harness) signedIn(u user.User) string {
	h.t.Helper()
	id := h.challenge(u)
	r := h.submit(id, h.code(id))
	platformtest.WantStatus(h.t, r, http.StatusCreated)
	return sessionToken(h.t, r)
}

// otpMessages lists the outbox messages that carry a code of the challenge, in the order of their codes.
func (h *harness) otpMessages(challengeID string) []outbox.Message {
	h.t.Helper()
	byRef := map[string]outbox.Message{}
	for _, m := range h.db.Messages() {
		byRef[m.SecretRef] = m
	}
	var out []outbox.Message
	for n := 1; ; n++ {
		m, ok := byRef[secret.CodeRef(1, challengeID, n)]
		if !ok {
			return out
		}
		out = append(out, m)
	}
}

// code is the code of the challenge's latest email, derived the way the mailer derives it.
func (h *harness) code(challengeID string) string {
	h.t.Helper()
	ms := h.otpMessages(challengeID)
	if len(ms) == 0 {
		h.t.Fatalf("no otp email for challenge %s", challengeID)
	}
	code, err := h.keys.Derive(context.Background(), ms[len(ms)-1].SecretRef)
	if err != nil {
		h.t.Fatal(err)
	}
	return code
}

// wrongCode is a code that is not the challenge's current one.
func (h *harness) wrongCode(challengeID string) string {
	right := h.code(challengeID)
	if right == "000000" {
		return "000001"
	}
	return "000000"
}

func (h *harness) user(id string) user.User {
	h.t.Helper()
	return h.db.User(id)
}

// wantProblem checks a problem document's status, content type and type slug.
func wantProblem(t testing.TB, r platformtest.Reply, status int, slug string) {
	t.Helper()
	platformtest.WantStatus(t, r, status)
	if got := r.Headers["Content-Type"]; got != "application/problem+json" {
		t.Fatalf("content type = %q", got)
	}
	platformtest.WantProblem(t, r, status, slug)
}

// sessionToken is the session cookie's value set by a platformtest.Reply.
func sessionToken(t testing.TB, r platformtest.Reply) string {
	t.Helper()
	c := setCookie(t, r)
	if c.Value == "" {
		t.Fatalf("the session cookie is empty: %v", r.Cookies)
	}
	return c.Value
}

func setCookie(t testing.TB, r platformtest.Reply) *http.Cookie {
	t.Helper()
	for _, raw := range r.Cookies {
		c, err := http.ParseSetCookie(raw)
		if err == nil && c.Name == httpapi.SessionCookie {
			return c
		}
	}
	t.Fatalf("no session cookie set: %v", r.Cookies)
	return nil
}
