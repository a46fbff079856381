package twofactor_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/factor"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/license"
	"github.com/partnerhub/partnerhub/pkg/local"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/session"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/testenv"
	"github.com/partnerhub/partnerhub/pkg/user"
)

func TestMain(m *testing.M) { os.Exit(testenv.Run(m)) }

// password is every seeded user's password; its Argon2id hash is made once.
const password = "correct horse battery staple"

var passwordHash = sync.OnceValue(func() string { return secret.HashPassword(password) })

// start is the fake clock's first instant: on a minute boundary (rate-limit windows) and on a TOTP step
// boundary, so a test knows which 30-second step it is in.
var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// harness is one test's table, fake clock, SMS sink and the real handlers of the two-factor and otp functions.
type harness struct {
	t      testing.TB
	env    *testenv.Env
	table  string
	clock  *clock.Fake
	app    *app.App
	sms    *local.SMSSink
	keys   *secret.Keyring
	store  dynamo.Store
	mailer *outbox.Mailer
	h      map[string]httpapi.Handler
	ips    atomic.Int64
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	env := testenv.Get(t)
	name := env.NewTable(t)
	fake := clock.NewFake(start)
	sms := local.NewSMSSink(nil)
	a, err := app.New(context.Background(), env.Config(name), app.WithClock(fake), app.WithSMS(sms))
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
		store: dynamo.Store{DB: env.Dynamo, Table: name}, h: map[string]httpapi.Handler{}}
	for _, fn := range []string{route.TwoFactor, route.OTP} {
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
	put := func(item map[string]types.AttributeValue, err error) types.TransactWriteItem {
		if err != nil {
			h.t.Fatal(err)
		}
		return types.TransactWriteItem{Put: &types.Put{TableName: aws.String(h.table), Item: item}}
	}
	_, err := h.env.Dynamo.TransactWriteItems(context.Background(), &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		put(dynamo.Record(acct, table.TypeAccount, table.AccountKey(accountID))),
		put(dynamo.Record(u, table.TypeUser, table.UserKey(userID))),
		put(dynamo.EmailGuardItem(u.Email, userID)),
		put(dynamo.Record(m, table.TypeMember, table.MembershipKey(userID, accountID), dynamo.OnGSI1(table.MembersGSI1(accountID, u.Name, userID)))),
	}})
	if err != nil {
		h.t.Fatal(err)
	}
	return u
}

// session signs u in as the code step would, and returns the cookie value.
func (h *harness) session(u user.User) string {
	h.t.Helper()
	token := secret.NewSessionToken()
	ss := session.New(h.keys.Hash(token), u.ID, u.HomeAccountID, h.clock.Now())
	if err := h.store.SignIn(context.Background(), dynamo.SignIn{Session: ss, At: h.clock.Now()}); err != nil {
		h.t.Fatal(err)
	}
	return token
}

// request is one API call; the function is the route's.
type request struct {
	route  string
	params map[string]string
	body   any
	cookie string
}

type response struct {
	events.APIGatewayV2HTTPResponse
	json map[string]any
}

func (h *harness) do(r request) response {
	h.t.Helper()
	resp, err := h.try(r)
	if err != nil {
		h.t.Fatal(err)
	}
	return resp
}

// try is do for goroutines other than the test's.
func (h *harness) try(r request) (response, error) {
	rt, ok := route.ByKey(r.route)
	if !ok {
		return response{}, fmt.Errorf("no route %s", r.route)
	}
	path := rt.Path
	for k, v := range r.params {
		path = strings.ReplaceAll(path, "{"+k+"}", v)
	}
	body, isString := r.body.(string)
	if !isString && r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			return response{}, err
		}
		body = string(b)
	}
	n := h.ips.Add(1)
	ev := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: r.route, RawPath: path, PathParameters: r.params, Body: body,
		Headers: map[string]string{"origin": "http://localhost:3000", "content-type": "application/json"},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RequestID: secret.NewID(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method: rt.Method, Path: path, SourceIP: fmt.Sprintf("198.51.%d.%d", n/250, n%250+1),
			},
		},
	}
	if r.cookie != "" {
		ev.Cookies = []string{httpapi.SessionCookie + "=" + r.cookie}
	}
	return h.handle(rt.Function, ev)
}

func (h *harness) handle(function string, ev events.APIGatewayV2HTTPRequest) (response, error) {
	out, err := h.h[function](context.Background(), ev)
	if err != nil {
		return response{}, fmt.Errorf("%s: handler error %w", ev.RouteKey, err)
	}
	resp := response{APIGatewayV2HTTPResponse: out}
	if out.Body != "" {
		if err := json.Unmarshal([]byte(out.Body), &resp.json); err != nil {
			return resp, fmt.Errorf("%s: body %q: %w", ev.RouteKey, out.Body, err)
		}
	}
	return resp, nil
}

// deliver runs the mailer on every outbox message not yet handled, as the stream would.
func (h *harness) deliver() {
	h.t.Helper()
	for _, m := range h.messages() {
		if m.Status == outbox.StatusPending {
			if out := h.mailer.Deliver(context.Background(), table.OutboxKey(m.ID)); out != outbox.Sent {
				h.t.Fatalf("deliver %s (%s): %v", m.ID, m.Template, out)
			}
		}
	}
}

// messages lists the outbox messages, oldest first. Only tests scan; the product never does.
func (h *harness) messages() []outbox.Message {
	h.t.Helper()
	var out []outbox.Message
	for _, item := range h.scan() {
		if s, _ := item[table.AttrType].(*types.AttributeValueMemberS); s == nil || s.Value != table.TypeOutbox {
			continue
		}
		m, err := outbox.FromItem(item)
		if err != nil {
			h.t.Fatal(err)
		}
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b outbox.Message) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out
}

func (h *harness) scan() []map[string]types.AttributeValue {
	h.t.Helper()
	var items []map[string]types.AttributeValue
	var from map[string]types.AttributeValue
	for {
		out, err := h.env.Dynamo.Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(h.table), ExclusiveStartKey: from, ConsistentRead: aws.Bool(true)})
		if err != nil {
			h.t.Fatal(err)
		}
		items = append(items, out.Items...)
		if len(out.LastEvaluatedKey) == 0 {
			return items
		}
		from = out.LastEvaluatedKey
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
	for _, item := range h.scan() {
		pk := item[table.AttrPK].(*types.AttributeValueMemberS).Value
		for name, av := range item {
			walk(pk+"/"+name, av)
		}
	}
	return where
}

// audits lists the audit actions recorded about a user.
func (h *harness) audits(userID string) []string {
	h.t.Helper()
	var out []string
	for _, item := range h.scan() {
		typ, _ := item[table.AttrType].(*types.AttributeValueMemberS)
		target, _ := item["targetId"].(*types.AttributeValueMemberS)
		if typ != nil && typ.Value == table.TypeAudit && target != nil && target.Value == userID {
			out = append(out, item["action"].(*types.AttributeValueMemberS).Value)
		}
	}
	slices.Sort(out)
	return out
}

func (h *harness) user(id string) user.User {
	h.t.Helper()
	u, err := h.store.User(context.Background(), id)
	if err != nil {
		h.t.Fatal(err)
	}
	return u
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
func (h *harness) signIn(u user.User) response {
	h.t.Helper()
	return h.do(request{route: "POST /v1/sessions", body: map[string]string{"email": u.Email, "password": password}})
}

func (h *harness) submit(challengeID, code string) response {
	h.t.Helper()
	return h.do(request{route: "POST /v1/sessions/otp", body: map[string]string{"challengeId": challengeID, "code": code}})
}

// challenge signs in with the password and returns the challenge id, checking the method the answer names.
func (h *harness) challenge(u user.User, method string) string {
	h.t.Helper()
	r := h.signIn(u)
	wantStatus(h.t, r, http.StatusOK)
	id, _ := r.json["challengeId"].(string)
	if id == "" || r.json["method"] != method {
		h.t.Fatalf("sign-in answer %s, want a challenge by %s", r.Body, method)
	}
	return id
}

// otpMessages lists the outbox messages that carry code n of a challenge.
func (h *harness) otpMessages(challengeID string, n int) []outbox.Message {
	h.t.Helper()
	var out []outbox.Message
	for _, m := range h.messages() {
		if m.SecretRef == secret.CodeRef(challengeID, n) {
			out = append(out, m)
		}
	}
	return out
}

func wantStatus(t testing.TB, r response, status int) {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("status = %d, want %d; body %s", r.StatusCode, status, r.Body)
	}
}

func wantProblem(t testing.TB, r response, status int, slug string) {
	t.Helper()
	wantStatus(t, r, status)
	if got, _ := r.json["type"].(string); !strings.HasSuffix(got, "/"+slug) {
		t.Fatalf("problem type = %q, want slug %q; body %s", got, slug, r.Body)
	}
}

// sessionToken is the session cookie a sign-in set.
func sessionToken(t testing.TB, r response) string {
	t.Helper()
	for _, raw := range r.Cookies {
		if c, err := http.ParseSetCookie(raw); err == nil && c.Name == httpapi.SessionCookie && c.Value != "" {
			return c.Value
		}
	}
	t.Fatalf("no session cookie in %v", r.Cookies)
	return ""
}
