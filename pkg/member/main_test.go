package member_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
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
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/license"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/session"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/testenv"
	"github.com/partnerhub/partnerhub/pkg/user"
)

func TestMain(m *testing.M) {
	registerAllBut()
	os.Exit(testenv.Run(m))
}

// start is the fake clock's first instant.
var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// allBut is a role made for the tests that grants every permission of the catalog except p: an actor holding
// it lacks exactly that permission. It has no kinds, so no form can grant it.
func allBut(p role.Permission) role.Name { return role.Name("test-all-but-" + string(p)) }

// registerAllBut adds the allBut roles to the catalog, before any test runs (the catalog is read-only after).
func registerAllBut() {
	var all []role.Permission
	for _, r := range role.Catalog {
		for _, p := range r.Permissions {
			if !slices.Contains(all, p) {
				all = append(all, p)
			}
		}
	}
	for _, p := range all {
		role.Catalog = append(role.Catalog, role.Role{
			Name: allBut(p), Title: "All but " + string(p), Description: "Test role.",
			Permissions: slices.DeleteFunc(slices.Clone(all), func(q role.Permission) bool { return q == p }),
		})
	}
}

// harness is one test's table, clock and the real handlers of the functions involved.
type harness struct {
	t     testing.TB
	env   *testenv.Env
	table string
	clock *clock.Fake
	app   *app.App
	keys  *secret.Keyring
	store dynamo.Store

	users, revoke, otp, activation httpapi.Handler

	provider account.Account
	super    user.User // the provider's super administrator
	superTok string    // and a session of theirs
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	env := testenv.Get(t)
	h := &harness{t: t, env: env, table: env.NewTable(t), clock: clock.NewFake(start)}
	var err error
	if h.app, err = app.New(context.Background(), env.Config(h.table), app.WithClock(h.clock)); err != nil {
		t.Fatal(err)
	}
	if h.keys, err = secret.NewKeyring(env.Key); err != nil {
		t.Fatal(err)
	}
	h.store = dynamo.Store{DB: env.Dynamo, Table: h.table}
	for fn, dst := range map[string]*httpapi.Handler{route.Users: &h.users, route.Revoke: &h.revoke, route.OTP: &h.otp, route.Activation: &h.activation} {
		if *dst, err = h.app.HTTP(fn); err != nil {
			t.Fatal(err)
		}
	}
	h.provider = h.account(account.Provider, nil, "PartnerHub Operations")
	h.super = h.person(h.provider, "Sam Super", user.Active, role.SuperAdmin)
	h.superTok = h.session(h.super, h.provider)
	return h
}

// account writes an account below parent (nil for the provider).
func (h *harness) account(kind account.Kind, parent *account.Account, name string) account.Account {
	h.t.Helper()
	acc := account.Account{ID: secret.NewID(), Kind: kind, Company: account.Company{Name: name}, Status: account.Active, CreatedAt: start, Version: 1}
	if parent != nil {
		acc.ParentID, acc.Ancestors = parent.ID, parent.Path()
	}
	h.put(dynamo.AccountItem(acc))
	return acc
}

// person writes a user with an email guard and a membership in acc, as an invitation and an activation would:
// registered (active) users have a password hash and have accepted the license.
func (h *harness) person(acc account.Account, name string, status user.Status, roles ...role.Name) user.User {
	h.t.Helper()
	return h.add(acc, who{name: name, status: status, roles: roles})
}

// who describes a person to write.
type who struct {
	name, email string // email defaults to one made from the name
	status      user.Status
	lastLogin   time.Time
	roles       []role.Name
}

func (h *harness) add(acc account.Account, w who) user.User {
	h.t.Helper()
	if w.email == "" {
		w.email = strings.Join(strings.Fields(strings.ToLower(w.name)), ".") + "@example.com"
	}
	u := user.User{
		ID: secret.NewID(), Email: w.email, Name: w.name, Status: w.status, HomeAccountID: acc.ID,
		TwoFactor: user.TwoFactor{Enabled: true, Method: user.MethodEmail}, LastLoginAt: w.lastLogin,
		LicenseVersion: license.Current().Version, CreatedAt: start, Version: 1,
	}
	if w.status != user.Invited {
		u.PasswordHash = "argon2id$not-a-real-hash"
	}
	h.put(dynamo.UserItem(u))
	h.put(dynamo.EmailGuardItem(u.Email, u.ID))
	h.join(u, acc, w.roles...)
	return u
}

// join writes a membership of u in acc.
func (h *harness) join(u user.User, acc account.Account, roles ...role.Name) {
	h.t.Helper()
	h.put(dynamo.MembershipItem(user.Membership{
		UserID: u.ID, AccountID: acc.ID, Roles: roles, AccountName: acc.Company.Name, AccountKind: string(acc.Kind),
		UserName: u.Name, UserEmail: u.Email, UserStatus: u.Status, LastLoginAt: u.LastLoginAt, CreatedAt: start,
	}))
}

func (h *harness) put(item map[string]types.AttributeValue, err error) {
	h.t.Helper()
	if err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.env.Dynamo.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(h.table), Item: item}); err != nil {
		h.t.Fatal(err)
	}
}

// session signs u in, acting in acc, through the real sign-in transaction, and returns the session token.
func (h *harness) session(u user.User, acc account.Account) string {
	h.t.Helper()
	token := secret.NewSessionToken()
	now := h.clock.Now()
	if err := h.store.SignIn(context.Background(), dynamo.SignIn{Session: session.New(h.keys.Hash(token), u.ID, acc.ID, now), At: now}); err != nil {
		h.t.Fatalf("sign in %s in %s: %v", u.Name, acc.Company.Name, err)
	}
	return token
}

// reply is a decoded answer.
type reply struct {
	Status int
	Body   map[string]any
	Raw    string
}

func (r reply) str(key string) string { s, _ := r.Body[key].(string); return s }

// slug is a problem document's type slug.
func (r reply) slug() string {
	return strings.TrimPrefix(r.str("type"), "https://partnerhub.dev/problems/")
}

// fields lists "field:code" of a validation problem.
func (r reply) fields() []string {
	var out []string
	list, _ := r.Body["errors"].([]any)
	for _, e := range list {
		m, _ := e.(map[string]any)
		out = append(out, fmt.Sprintf("%s:%s", m["field"], m["code"]))
	}
	slices.Sort(out)
	return out
}

// call is one API call.
type call struct {
	route  string // route key
	params map[string]string
	query  url.Values
	token  string // session token
	body   any    // JSON-encoded unless a string
}

// do sends a call to a function's handler, as API Gateway would.
func (h *harness) do(fn httpapi.Handler, c call) reply {
	h.t.Helper()
	r, err := h.try(fn, c)
	if err != nil {
		h.t.Fatal(err)
	}
	return r
}

// try is do for goroutines other than the test's.
func (h *harness) try(fn httpapi.Handler, c call) (reply, error) {
	method, path, _ := strings.Cut(c.route, " ")
	for k, v := range c.params {
		path = strings.ReplaceAll(path, "{"+k+"}", v)
	}
	body, ok := c.body.(string)
	if !ok && c.body != nil {
		b, err := json.Marshal(c.body)
		if err != nil {
			return reply{}, err
		}
		body = string(b)
	}
	ev := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: c.route, RawPath: path, RawQueryString: c.query.Encode(), PathParameters: c.params,
		Headers: map[string]string{"origin": "http://localhost:3000", "content-type": "application/json"},
		Body:    body,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RequestID: secret.NewID(),
			HTTP:      events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method, Path: path, SourceIP: "203.0.113.9"},
		},
	}
	if len(c.query) > 0 {
		ev.QueryStringParameters = map[string]string{}
		for k := range c.query {
			ev.QueryStringParameters[k] = c.query.Get(k)
		}
	}
	if c.token != "" {
		ev.Cookies = []string{httpapi.SessionCookie + "=" + c.token}
	}
	out, err := fn(context.Background(), ev)
	if err != nil {
		return reply{}, fmt.Errorf("%s: handler error %w", c.route, err)
	}
	r := reply{Status: out.StatusCode, Raw: out.Body}
	if out.Body != "" {
		if err := json.Unmarshal([]byte(out.Body), &r.Body); err != nil {
			return r, fmt.Errorf("%s: answer is not JSON: %s", c.route, out.Body)
		}
	}
	return r, nil
}

// want fails the test unless the reply has the status and, for a problem, the slug.
func want(t testing.TB, r reply, status int, slug string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Raw)
	}
	if slug != "" && r.slug() != slug {
		t.Fatalf("problem %q, want %q: %s", r.slug(), slug, r.Raw)
	}
}

// user reads a user.
func (h *harness) user(id string) user.User {
	h.t.Helper()
	u, err := h.store.User(context.Background(), id)
	if err != nil {
		h.t.Fatalf("user %s: %v", id, err)
	}
	return u
}

// membership reads a membership; ok is false if there is none.
func (h *harness) membership(userID, accountID string) (user.Membership, bool) {
	h.t.Helper()
	var m user.Membership
	found, err := dynamo.Get(context.Background(), h.env.Dynamo, h.table, table.MembershipKey(userID, accountID), &m)
	if err != nil {
		h.t.Fatal(err)
	}
	return m, found
}

// item reads an item by key, or nil.
func (h *harness) item(k table.Key) map[string]types.AttributeValue {
	h.t.Helper()
	out, err := h.env.Dynamo.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(h.table), Key: k.AV(), ConsistentRead: aws.Bool(true)})
	if err != nil {
		h.t.Fatal(err)
	}
	return out.Item
}

// scan lists every item of the test's table as comparable text. Only tests scan; the product never does.
func (h *harness) scan() []string {
	h.t.Helper()
	var out []string
	var from map[string]types.AttributeValue
	for {
		page, err := h.env.Dynamo.Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(h.table), ExclusiveStartKey: from, ConsistentRead: aws.Bool(true)})
		if err != nil {
			h.t.Fatal(err)
		}
		for _, item := range page.Items {
			b, _ := json.Marshal(item)
			out = append(out, string(b))
		}
		if from = page.LastEvaluatedKey; len(from) == 0 {
			break
		}
	}
	slices.Sort(out)
	return out
}

// items lists the items of one record type, decoded into maps of attribute values.
func (h *harness) items(typ string) []map[string]types.AttributeValue {
	h.t.Helper()
	var out []map[string]types.AttributeValue
	var from map[string]types.AttributeValue
	for {
		page, err := h.env.Dynamo.Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(h.table), ExclusiveStartKey: from, ConsistentRead: aws.Bool(true)})
		if err != nil {
			h.t.Fatal(err)
		}
		for _, item := range page.Items {
			if s, ok := item[table.AttrType].(*types.AttributeValueMemberS); ok && s.Value == typ {
				out = append(out, item)
			}
		}
		if from = page.LastEvaluatedKey; len(from) == 0 {
			return out
		}
	}
}

// audits lists the actions of the audit events on an account.
func (h *harness) audits(accountID string) []string {
	h.t.Helper()
	var out []string
	for _, item := range h.items(table.TypeAudit) {
		if str(item["accountId"]) == accountID {
			out = append(out, str(item["action"]))
		}
	}
	slices.Sort(out)
	return out
}

func str(v types.AttributeValue) string {
	s, _ := v.(*types.AttributeValueMemberS)
	if s == nil {
		return ""
	}
	return s.Value
}

// unchanged fails the test if the table differs from before.
func (h *harness) unchanged(before []string, what string) {
	h.t.Helper()
	if after := h.scan(); !slices.Equal(before, after) {
		h.t.Fatalf("%s changed the table: %d items before, %d after", what, len(before), len(after))
	}
}

// me is GET /v1/me for a session.
func (h *harness) me(token string) reply {
	h.t.Helper()
	return h.do(h.otp, call{route: "GET /v1/me", token: token})
}

// ids lists the "id" of each row of a list answer.
func ids(r reply) []string {
	var out []string
	rows, _ := r.Body["users"].([]any)
	for _, row := range rows {
		m, _ := row.(map[string]any)
		out = append(out, fmt.Sprint(m["id"]))
	}
	return out
}

// ok is a shorthand for a 2xx answer.
func ok(t testing.TB, r reply) {
	t.Helper()
	if r.Status < 200 || r.Status > 299 {
		t.Fatalf("status %d: %s", r.Status, r.Raw)
	}
}
