package member_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
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
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/secret"
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

// harness is one test's table, clock and the real handlers of the functions involved. The table's direct
// reads and writes (Item, ItemsOf, Snapshot, Unchanged, User...) come from platformtest.Table.
type harness struct {
	platformtest.Table
	t     testing.TB
	env   *testenv.Env
	table string
	clock *clock.Fake
	app   *all.App
	keys  *secret.Keyring
	store dynamo.Store

	users, revoke, otp, activation httpapi.Handler

	provider account.Account
	super    user.User // the provider's super administrator
	superTok string    // and a session of theirs

	indexOnce sync.Once
	index     *testenv.Stream // the table's stream handed to the search indexer (see indexed)
}

// indexed brings the search index up to date with everything written so far: the table's stream, from its
// first record, handed to the real search-index function, as the stream's event source mapping would. A search
// of the list reads the index.
func (h *harness) indexed() {
	h.t.Helper()
	h.indexOnce.Do(func() {
		fn, err := h.app.SearchIndex()
		if err != nil {
			h.t.Fatal(err)
		}
		h.index = h.env.Stream(h.t, h.table, table.FindSources, fn)
	})
	h.index.Flush()
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	env := testenv.Get(t)
	h := &harness{t: t, env: env, table: env.NewTable(t), clock: clock.NewFake(start)}
	h.Table = platformtest.TableOf(t, env, h.table)
	var err error
	if h.app, err = all.New(context.Background(), env.Config(h.table), app.WithClock(h.clock)); err != nil {
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
	h.Put(dynamo.AccountItem(acc))
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
	h.Put(dynamo.UserItem(u))
	h.Put(dynamo.EmailGuardItem(u.Email, u.ID))
	h.join(u, acc, w.roles...)
	return u
}

// join writes a membership of u in acc, with its role entries if it holds several roles.
func (h *harness) join(u user.User, acc account.Account, roles ...role.Name) {
	h.t.Helper()
	items, err := dynamo.MembershipItems(user.Membership{
		UserID: u.ID, AccountID: acc.ID, Roles: roles, AccountName: acc.Company.Name, AccountKind: string(acc.Kind),
		UserName: u.Name, UserEmail: u.Email, UserStatus: u.Status, LastLoginAt: u.LastLoginAt, CreatedAt: start,
	})
	for _, item := range items {
		h.Put(item, nil)
	}
	if err != nil {
		h.t.Fatal(err)
	}
}

// session signs u in, acting in acc, through the real sign-in transaction, and returns the session token.
func (h *harness) session(u user.User, acc account.Account) string {
	h.t.Helper()
	return h.Session(h.keys, u.ID, acc.ID, h.clock.Now())
}

// call is one API call.
type call struct {
	route  string // route key
	params map[string]string
	query  url.Values
	token  string // session token
	body   any    // JSON-encoded unless a string
	// headers replace the default ones (the portal's origin, JSON) when set: an upload's media type.
	headers map[string]string
}

// do sends a call to a function's handler, as API Gateway would.
func (h *harness) do(fn httpapi.Handler, c call) platformtest.Reply {
	h.t.Helper()
	r, err := h.try(fn, c)
	if err != nil {
		h.t.Fatal(err)
	}
	return r
}

// try is do for goroutines other than the test's.
func (h *harness) try(fn httpapi.Handler, c call) (platformtest.Reply, error) {
	var query map[string]string
	if len(c.query) > 0 {
		query = map[string]string{}
		for k := range c.query {
			query[k] = c.query.Get(k)
		}
	}
	ev, err := platformtest.Event(platformtest.Request{Route: c.route, Params: c.params, Query: query, Cookie: c.token, Body: c.body, Headers: c.headers, IP: "203.0.113.9"})
	if err != nil {
		return platformtest.Reply{}, err
	}
	ev.RawQueryString = c.query.Encode()
	return platformtest.Invoke(fn, ev)
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

// audits lists the actions of the audit events on an account, sorted.
func (h *harness) audits(accountID string) []string {
	h.t.Helper()
	return slices.Sorted(slices.Values(h.Audit(accountID)))
}

// me is GET /v1/me for a session.
func (h *harness) me(token string) platformtest.Reply {
	h.t.Helper()
	return h.do(h.otp, call{route: "GET /v1/me", token: token})
}

// ids lists the "id" of each row of a list answer.
func ids(r platformtest.Reply) []string {
	var out []string
	rows, _ := r.JSON["users"].([]any)
	for _, row := range rows {
		m, _ := row.(map[string]any)
		out = append(out, fmt.Sprint(m["id"]))
	}
	return out
}

// ok is a shorthand for a 2xx answer.
func ok(t testing.TB, r platformtest.Reply) {
	t.Helper()
	if r.StatusCode < 200 || r.StatusCode > 299 {
		t.Fatalf("status %d: %s", r.StatusCode, r.Body)
	}
}
