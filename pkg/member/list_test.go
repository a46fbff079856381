package member_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/member"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// people is an MSP with eight users that differ in every way the list searches, filters and sorts on.
type people struct {
	*harness
	msp                                           account.Account
	ada, alan, emile, grace, three, bot, zoe, bob string
	name                                          map[string]string // id → name, for messages
}

func newPeople(t *testing.T) *people {
	t.Helper()
	h := newHarness(t)
	p := &people{harness: h, name: map[string]string{}}
	p.msp = h.account(account.MSP, &h.provider, "Acme MSP")
	add := func(w who) string {
		u := h.add(p.msp, w)
		p.name[u.ID] = u.Name
		return u.ID
	}
	p.ada = add(who{name: "Ada Lovelace", email: "ada@example.com", status: user.Active, lastLogin: start.Add(3 * time.Hour), roles: []role.Name{role.AccountAdmin}})
	p.alan = add(who{name: "alan Turing", email: "turing@example.com", status: user.Active, lastLogin: start.Add(time.Hour), roles: []role.Name{role.ReadOnly}})
	p.emile = add(who{name: "Émile Borel", email: "emile@example.org", status: user.Invited, roles: []role.Name{role.MSPAccounts}})
	p.grace = add(who{name: "Grace Hopper", email: "grace@navy.example", status: user.Active, lastLogin: start.Add(2 * time.Hour), roles: []role.Name{role.ImplementationLead, role.ReadOnly}})
	p.three = add(who{name: "3M Service", email: "service@3m.example", status: user.Invited, roles: []role.Name{role.ReadOnly}})
	p.bot = add(who{name: "_bot", email: "bot@example.com", status: user.Disabled, roles: []role.Name{role.ReadOnly}})
	p.zoe = add(who{name: "Zoë Ada-Smith", email: "zoe@example.net", status: user.Active, roles: []role.Name{role.MSPProspects}})
	p.bob = add(who{name: "Bob", email: "bob.ada@corp.example", status: user.Active, lastLogin: start.Add(4 * time.Hour), roles: []role.Name{role.PartnerMarketing}})
	return p
}

func (p *people) names(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = p.name[id]
	}
	return out
}

// list is GET /v1/accounts/{id}/users as the super administrator, once the search index has caught up.
func (p *people) list(q url.Values) platformtest.Reply {
	p.t.Helper()
	p.indexed()
	return p.do(p.users, call{route: member.RouteList, params: map[string]string{"id": p.msp.ID}, query: q, token: p.superTok})
}

// all follows a list's cursors to its end and returns every id, in order.
func (p *people) all(t *testing.T, q url.Values, limit string) []string {
	t.Helper()
	q = cloneValues(q)
	q.Set("limit", limit)
	var out []string
	for page := 0; ; page++ {
		if page > 20 {
			t.Fatal("the cursors never end")
		}
		r := p.list(q)
		platformtest.WantStatus(t, r, 200)
		out = append(out, ids(r)...)
		next, _ := r.JSON["next"].(string)
		if next == "" {
			return out
		}
		q.Set("cursor", next)
	}
}

func cloneValues(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = slices.Clone(v)
	}
	return out
}

func TestListSearchesFiltersAndSorts(t *testing.T) {
	t.Parallel()
	p := newPeople(t)
	byName := []string{p.three, p.bot, p.ada, p.alan, p.bob, p.emile, p.grace, p.zoe}
	byEmail := []string{p.ada, p.bob, p.bot, p.emile, p.grace, p.three, p.alan, p.zoe}
	byStatus := []string{p.bot, p.ada, p.alan, p.bob, p.grace, p.zoe, p.three, p.emile}
	byLastLogin := []string{p.three, p.bot, p.emile, p.zoe, p.alan, p.grace, p.ada, p.bob}
	cases := []struct {
		name  string
		query string
		want  []string
	}{
		{"case=everyone, by name", "", byName},
		// Alone, a search lists in match order: "ada lovelace" < "ada-smith" < "ada@corp.example".
		{"case=q in name or email", "q=ada", []string{p.ada, p.zoe, p.bob}},
		{"case=q whatever its case", "q=ADA", []string{p.ada, p.zoe, p.bob}},
		{"case=q by name", "q=ada&sort=name", []string{p.ada, p.bob, p.zoe}},
		{"case=q without accents", "q=emile", []string{p.emile}},
		{"case=q in the domain", "q=example.ORG", []string{p.emile}},
		{"case=q of spaces is no search", "q=++", byName},
		{"case=q that matches nothing", "q=nobody", nil},
		{"case=initial", "initial=a", []string{p.ada, p.alan}},
		{"case=initial upper case", "initial=A", []string{p.ada, p.alan}},
		{"case=initial without accents", "initial=e", []string{p.emile}},
		{"case=initial of an accented name", "initial=z", []string{p.zoe}},
		{"case=initial #", "initial=%23", []string{p.three, p.bot}},
		{"case=registered", "status=registered", []string{p.ada, p.alan, p.bob, p.grace, p.zoe}},
		{"case=unregistered", "status=unregistered", []string{p.three, p.emile}},
		{"case=disabled", "status=disabled", []string{p.bot}},
		{"case=role", "role=read-only", []string{p.three, p.bot, p.alan, p.grace}},
		{"case=role nobody holds", "role=super-admin", nil},
		{"case=by email", "sort=email", byEmail},
		{"case=by status", "sort=status&order=asc", byStatus},
		{"case=by last sign-in, never first", "sort=lastLogin", byLastLogin},
		{"case=search, filter and order together", "q=ada&status=registered&sort=lastLogin&order=desc", []string{p.bob, p.ada, p.zoe}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			q, err := url.ParseQuery(c.query)
			if err != nil {
				t.Fatal(err)
			}
			r := p.list(q)
			platformtest.WantStatus(t, r, 200)
			if got := ids(r); !slices.Equal(got, c.want) {
				t.Fatalf("got  %q\nwant %q", p.names(got), p.names(c.want))
			}
		})
	}
	for sort, asc := range map[string][]string{"name": byName, "email": byEmail, "status": byStatus, "lastLogin": byLastLogin} {
		t.Run("case=sort="+sort+" descending is the exact reverse", func(t *testing.T) {
			t.Parallel()
			r := p.list(url.Values{"sort": {sort}, "order": {"desc"}})
			platformtest.WantStatus(t, r, 200)
			desc := slices.Clone(asc)
			slices.Reverse(desc)
			if got := ids(r); !slices.Equal(got, desc) {
				t.Fatalf("got  %q\nwant %q", p.names(got), p.names(desc))
			}
		})
	}
}

func TestListRows(t *testing.T) {
	t.Parallel()
	p := newPeople(t)
	ctx := context.Background()
	if err := p.store.RecordLoginError(ctx, p.grace, user.ErrWrongPassword, start.Add(5*time.Hour)); err != nil {
		t.Fatal(err)
	}
	_, err := p.env.Dynamo.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(p.table), Key: table.UserKey(p.grace).AV(),
		UpdateExpression:          aws.String("SET twoFactor.#m = :sms"),
		ExpressionAttributeNames:  map[string]string{"#m": "method"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":sms": dynamo.S(user.MethodSMS)},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := p.list(url.Values{"initial": {"g"}})
	platformtest.WantStatus(t, r, 200)
	rows, _ := r.JSON["users"].([]any)
	if len(rows) != 1 {
		t.Fatalf("rows %s", r.Body)
	}
	row := rows[0].(map[string]any)
	for k, v := range map[string]any{
		"id": p.grace, "name": "Grace Hopper", "email": "grace@navy.example", "status": "registered",
		"lastLoginAt": "2026-03-02T11:00:00Z", "lastLoginError": user.ErrWrongPassword,
	} {
		if row[k] != v {
			t.Errorf("%s = %v, want %v", k, row[k], v)
		}
	}
	if got := row["roles"].([]any); len(got) != 2 || got[0] != "implementation-lead" || got[1] != "read-only" {
		t.Errorf("roles = %v", got)
	}
	if tf := row["twoFactor"].(map[string]any); tf["enabled"] != true || tf["method"] != user.MethodSMS {
		t.Errorf("twoFactor = %v", tf)
	}
	t.Run("case=never signed in", func(t *testing.T) {
		r := p.list(url.Values{"status": {"unregistered"}, "limit": {"1"}})
		row := r.JSON["users"].([]any)[0].(map[string]any)
		if row["lastLoginAt"] != nil || row["lastLoginError"] != nil || row["status"] != "unregistered" {
			t.Fatalf("row %v", row)
		}
	})
}

// TestListPages pages through every order and direction, filtered and not, three rows at a time: every row
// comes exactly once, in the order of the whole list.
func TestListPages(t *testing.T) {
	t.Parallel()
	p := newPeople(t)
	for _, sort := range []string{"name", "email", "status", "lastLogin"} {
		for _, order := range []string{"asc", "desc"} {
			for _, filter := range []string{"", "initial=a", "role=read-only", "q=e"} {
				t.Run("sort="+sort+"/order="+order+"/filter="+filter, func(t *testing.T) {
					t.Parallel()
					q, _ := url.ParseQuery(filter)
					q.Set("sort", sort)
					q.Set("order", order)
					whole := ids(p.list(q))
					for _, limit := range []string{"1", "3", "7"} {
						if got := p.all(t, q, limit); !slices.Equal(got, whole) {
							t.Fatalf("limit %s: pages give %q\nthe whole list %q", limit, p.names(got), p.names(whole))
						}
					}
				})
			}
		}
	}
}

// TestListPagesWhileRowsChange adds and removes rows between pages: rows already shown never come again, rows
// not yet reached are not skipped.
func TestListPagesWhileRowsChange(t *testing.T) {
	t.Parallel()
	for _, q := range []url.Values{{}, {"sort": {"email"}}, {"sort": {"name"}, "order": {"desc"}}} {
		t.Run("query="+q.Encode(), func(t *testing.T) {
			t.Parallel()
			p := newPeople(t)
			q.Set("limit", "3")
			first := p.list(q)
			platformtest.WantStatus(t, first, 200)
			seen := ids(first)
			// One new user sorts before the cursor in every order tried, one after; one not yet shown leaves.
			before := p.add(p.msp, who{name: "Aaron Aa", email: "aaa@aaa.example", status: user.Active})
			after := p.add(p.msp, who{name: "Carl Carlsson", email: "carl@example.com", status: user.Active})
			p.name[before.ID], p.name[after.ID] = before.Name, after.Name
			left := p.emile
			if _, err := p.env.Dynamo.DeleteItem(context.Background(), &dynamodb.DeleteItemInput{TableName: aws.String(p.table), Key: table.MembershipKey(left, p.msp.ID).AV()}); err != nil {
				t.Fatal(err)
			}
			rest := p.all(t, url.Values{"sort": q["sort"], "order": q["order"], "cursor": {first.Str("next")}}, "3")
			got := append(slices.Clone(seen), rest...)
			counts := map[string]int{}
			for _, id := range got {
				counts[id]++
			}
			for id, n := range counts {
				if n > 1 {
					t.Errorf("%s came %d times", p.name[id], n)
				}
			}
			for _, id := range []string{p.three, p.bot, p.ada, p.alan, p.bob, p.grace, p.zoe} {
				if counts[id] == 0 {
					t.Errorf("%s was skipped", p.name[id])
				}
			}
			if counts[left] != 0 && !slices.Contains(seen, left) {
				t.Errorf("%s left but was listed", p.name[left])
			}
		})
	}
}

func TestListRefusesBadQueries(t *testing.T) {
	t.Parallel()
	p := newPeople(t)
	// emptyFilter is the filter part of a real first-page cursor of the unfiltered list.
	var real struct{ F string }
	raw, _ := base64.RawURLEncoding.DecodeString(p.list(url.Values{"limit": {"1"}}).Str("next"))
	if err := json.Unmarshal(raw, &real); err != nil || real.F == "" {
		t.Fatalf("cursor %s: %v", raw, err)
	}
	emptyFilter := real.F
	r := p.list(url.Values{"sort": {"age"}, "order": {"up"}, "limit": {"0"}, "status": {"gone"}, "initial": {"ab"}, "role": {"root"}})
	platformtest.WantProblem(t, r, 400, "validation")
	wantFields := []string{"initial:invalid", "limit:invalid", "order:invalid", "role:unknown_role", "sort:invalid", "status:invalid"}
	if got := r.Fields(); !slices.Equal(got, wantFields) {
		t.Fatalf("fields %v, want %v", got, wantFields)
	}
	cases := []struct {
		name  string
		query url.Values
	}{
		{"case=limit too large", url.Values{"limit": {"101"}}},
		{"case=q too long", url.Values{"q": {string(make([]byte, 101))}}},
		{"case=q without a letter or digit", url.Values{"q": {"@.-"}}},
		{"case=made-up cursor", url.Values{"cursor": {"bm90LWEtY3Vyc29y"}}},
		{"case=cursor with a made-up position", url.Values{"cursor": {base64.RawURLEncoding.EncodeToString([]byte(`{"s":"name","k":"x#not an id!","t":"x#not an id!","f":"` + emptyFilter + `"}`))}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			platformtest.WantProblem(t, p.list(c.query), 400, "validation")
		})
	}
	t.Run("case=cursor of another order or filter", func(t *testing.T) {
		t.Parallel()
		next := p.list(url.Values{"limit": {"2"}}).Str("next")
		for _, q := range []url.Values{
			{"cursor": {next}, "sort": {"email"}},
			{"cursor": {next}, "order": {"desc"}},
			{"cursor": {next}, "q": {"a"}},
		} {
			r := p.list(q)
			platformtest.WantProblem(t, r, 400, "validation")
			if got := r.Fields(); !slices.Equal(got, []string{"cursor:invalid"}) {
				t.Fatalf("%v: fields %v", q, got)
			}
		}
	})
}

// TestListReach: an account's users are visible from the account and from above it, to roles that may view
// users; anything else is not found, whatever its reason.
func TestListReach(t *testing.T) {
	t.Parallel()
	p := newPeople(t)
	customer := p.account(account.Customer, &p.msp, "Contoso")
	other := p.account(account.MSP, &p.provider, "Other MSP")
	mspAdmin := p.User(p.ada)
	mspTok := p.session(mspAdmin, p.msp)
	reader := p.session(p.User(p.alan), p.msp)
	marketer := p.session(p.User(p.bob), p.msp)
	custAdmin := p.person(customer, "Carla Customer", user.Active, role.AccountAdmin)
	custTok := p.session(custAdmin, customer)
	cases := []struct {
		name      string
		token     string
		accountID string
		status    int
		slug      string
	}{
		{"case=own account", mspTok, p.msp.ID, 200, ""},
		{"case=account below", mspTok, customer.ID, 200, ""},
		{"case=from the provider", p.superTok, customer.ID, 200, ""},
		{"case=read-only may view", reader, p.msp.ID, 200, ""},
		{"case=role without users:view", marketer, p.msp.ID, 403, "forbidden"},
		{"case=account above", custTok, p.msp.ID, 404, "account-not-found"},
		{"case=sibling", mspTok, other.ID, 404, "account-not-found"},
		{"case=no such account", mspTok, "nope", 404, "account-not-found"},
		{"case=signed out", "", p.msp.ID, 401, "unauthorized"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := p.do(p.users, call{route: member.RouteList, params: map[string]string{"id": c.accountID}, token: c.token})
			platformtest.WantProblem(t, r, c.status, c.slug)
		})
	}
}
