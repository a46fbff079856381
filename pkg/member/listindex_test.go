package member_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/member"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/testenv"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// variedMembers writes n users of acc with their memberships (and role entries), encoded by the store
// (dynamo.UserItem, dynamo.MembershipItems) and written in batches (platformtest.Table.BatchPut). They differ in
// every way the list filters and sorts on, ties included: names come twice (two users of one name), start with
// accented letters, digits, punctuation and letters outside a–z (both ranges of "#"); emails are in another
// order than names, some in upper case; one in 5 is unregistered and one in 5 disabled; sign-ins fall on a few
// dozen instants, some never; memberships hold one, two or three roles, and a few none.
func variedMembers(t testing.TB, h *harness, acc account.Account, n int, tag string) []user.User {
	t.Helper()
	first := []string{"Ada", "alan", "Ängel", "Bob", "Émile", "Grace", "Łukasz", "Zoë", "zed", "3M", "_bot", "ßabine", "Ωmega", "~tilde", "Ken", "Øyvind"}
	last := []string{"Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov"}
	domains := []string{"example.com", "example.org", "corp.example"}
	users := make([]user.User, 0, n)
	var items []map[string]types.AttributeValue
	for i := range n {
		email := fmt.Sprintf("%c%05d.%s@%s", 'a'+rune(i*7%26), i, tag, domains[i%len(domains)])
		if i%6 == 0 {
			email = strings.ToUpper(email)
		}
		u := user.User{
			ID: secret.NewID(), Email: email, Name: fmt.Sprintf("%s %s %d", first[i%len(first)], last[i/len(first)%len(last)], i/160),
			Status: user.Active, HomeAccountID: acc.ID, TwoFactor: user.TwoFactor{Enabled: true, Method: user.MethodEmail},
			PasswordHash: "argon2id$not-a-real-hash", LastLoginAt: start.Add(-time.Duration(i%23) * time.Hour), CreatedAt: start, Version: 1,
		}
		switch {
		case i%5 == 0:
			u.Status, u.PasswordHash, u.LastLoginAt = user.Invited, "", time.Time{}
		case i%5 == 1:
			u.Status = user.Disabled
		case i%7 == 0:
			u.LastLoginAt = time.Time{}
		}
		var roles []role.Name
		switch i % 4 {
		case 0:
			roles = []role.Name{role.ReadOnly, role.AccountAdmin}
		case 1:
			roles = []role.Name{role.AccountAdmin}
		case 2:
			roles = []role.Name{role.ReadOnly}
		case 3:
			roles = []role.Name{role.MSPAccounts, role.ReadOnly, role.ImplementationLead}
		}
		if i%31 == 30 {
			roles = nil
		}
		ui, err := dynamo.UserItem(u)
		if err != nil {
			t.Fatal(err)
		}
		ms, err := dynamo.MembershipItems(user.Membership{
			UserID: u.ID, AccountID: acc.ID, Roles: roles, AccountName: acc.Company.Name, AccountKind: string(acc.Kind),
			UserName: u.Name, UserEmail: u.Email, UserStatus: u.Status, LastLoginAt: u.LastLoginAt, CreatedAt: start, Version: 1,
		})
		if err != nil {
			t.Fatal(err)
		}
		items = append(append(items, ui), ms...)
		users = append(users, u)
	}
	h.BatchPut(items)
	return users
}

// changeMembers changes users of acc through the product's own writes — edits of names and roles (one, two,
// three roles and back), sign-ins (several at one instant), activations, removals — so that what those writes do
// to the list's indexes and role entries is checked too.
func changeMembers(t *testing.T, h *harness, acc account.Account, users []user.User) {
	t.Helper()
	ctx := context.Background()
	edit := func(u user.User, body map[string]any) {
		t.Helper()
		platformtest.WantStatus(t, h.edit(h.superTok, u.ID, body), 200)
	}
	names := []string{"Óscar Renamed", "aardvark Renamed", "#hash Renamed", "Zygmunt Renamed", "ßeta Renamed"}
	roleSets := [][]string{
		{string(role.ReadOnly)},
		{string(role.ReadOnly), string(role.MSPProspects)},
		{string(role.AccountAdmin), string(role.ReadOnly), string(role.PartnerMarketing)},
		{string(role.MSPAccounts)},
	}
	for i, u := range users[:10] {
		edit(u, map[string]any{"name": names[i%len(names)]})
	}
	for i, u := range users[10:30] {
		edit(u, map[string]any{"roles": roleSets[i%len(roleSets)], "accountId": acc.ID})
	}
	for i, u := range users[30:35] {
		edit(u, map[string]any{"name": names[i%len(names)] + " Too", "roles": roleSets[(i+1)%len(roleSets)], "accountId": acc.ID})
	}
	signedIn := 0
	for i, u := range users[35:] {
		if signedIn == 12 {
			break
		}
		if u.Status != user.Active {
			continue
		}
		if i%3 == 0 {
			h.clock.Advance(time.Minute)
		}
		h.session(u, acc)
		signedIn++
	}
	activated := 0
	for _, u := range users[60:] {
		if activated == 5 {
			break
		}
		if u.Status != user.Invited {
			continue
		}
		_, err := h.store.UpdateUser(ctx, u.ID, func(u *user.User, tx *dynamo.Tx) error {
			m, err := h.store.Membership(ctx, u.ID, acc.ID)
			if err != nil {
				return err
			}
			u.Status = user.Active
			tx.MemberStatus(m, user.Active, dynamo.ErrUserStale)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		activated++
	}
	for _, u := range users[80:85] {
		platformtest.WantStatus(t, h.do(h.revoke, call{route: member.RouteRemove, params: map[string]string{"id": acc.ID, "userId": u.ID}, token: h.superTok}), 200)
	}
}

// listQueryOf is the ListQuery of a query string.
func listQueryOf(q url.Values) member.ListQuery {
	return member.ListQuery{Q: q.Get("q"), Initial: q.Get("initial"), Status: q.Get("status"), Role: q.Get("role"), Sort: q.Get("sort"), Order: q.Get("order")}
}

// walk follows a list's pages to the end and returns every id, in order.
func walk(t *testing.T, h *harness, accountID string, q url.Values) []string {
	t.Helper()
	q = cloneValues(q)
	var out []string
	for page := 0; ; page++ {
		if page > 200 {
			t.Fatal("the cursors never end")
		}
		r := h.do(h.users, call{route: member.RouteList, params: map[string]string{"id": accountID}, query: q, token: h.superTok})
		platformtest.WantStatus(t, r, 200)
		out = append(out, ids(r)...)
		next, _ := r.JSON["next"].(string)
		if next == "" {
			return out
		}
		q.Set("cursor", next)
	}
}

// listFilters are the filters the indexes serve, alone and together.
var listFilters = []string{
	"", "status=registered", "status=unregistered", "status=disabled",
	"initial=a", "initial=l", "initial=z", "initial=%23",
	"role=read-only", "role=account-admin", "role=msp-accounts", "role=msp-prospects",
	"status=registered&role=read-only", "initial=a&role=account-admin", "status=disabled&initial=%23",
	"status=unregistered&initial=a&role=read-only", "initial=o",
}

// TestListPagesAreTheReference walks the pages of every filter, order and direction over a few hundred varied
// users, some of them changed by the product's writes, and finds exactly the rows, in exactly the order, that the
// in-memory reference (member.ReferenceList over every row) gives.
func TestListPagesAreTheReference(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.StopStream() // nothing here reads the stream, and the emulator writes faster without one
	msp := h.account(account.MSP, &h.provider, "Varied MSP")
	users := variedMembers(t, h, msp, 300, "ref")
	changeMembers(t, h, msp, users)
	all, err := h.store.Members(context.Background(), msp.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 295 {
		t.Fatalf("%d members, want 295 (300 less 5 removed)", len(all))
	}
	t.Run("case=role entries match their memberships", func(t *testing.T) {
		checkRoleEntries(t, h, msp.ID)
	})
	for _, filter := range listFilters {
		for _, sort := range []string{"name", "email", "status", "lastLogin"} {
			for _, order := range []string{"asc", "desc"} {
				t.Run(fmt.Sprintf("filter=%s/sort=%s/order=%s", filter, sort, order), func(t *testing.T) {
					t.Parallel()
					q, err := url.ParseQuery(filter)
					if err != nil {
						t.Fatal(err)
					}
					q.Set("sort", sort)
					q.Set("order", order)
					want, err := member.ReferenceList(listQueryOf(q), all)
					if err != nil {
						t.Fatal(err)
					}
					q.Set("limit", "13")
					if got := walk(t, h, msp.ID, q); !slices.Equal(got, want) {
						t.Fatalf("pages give %d rows, the reference %d\n got %q\nwant %q", len(got), len(want), got, want)
					}
				})
			}
		}
	}
}

// checkRoleEntries checks that every membership of an account that holds several roles has exactly one role
// entry per role, copying the membership's row, and that no other membership has any.
func checkRoleEntries(t *testing.T, h *harness, accountID string) {
	t.Helper()
	type row struct {
		UserID      string      `dynamodbav:"userId"`
		AccountID   string      `dynamodbav:"accountId"`
		Role        role.Name   `dynamodbav:"role"`
		UserName    string      `dynamodbav:"userName"`
		UserEmail   string      `dynamodbav:"userEmail"`
		UserStatus  user.Status `dynamodbav:"userStatus"`
		LastLoginAt time.Time   `dynamodbav:"lastLoginAt"`
		Roles       []role.Name `dynamodbav:"roles"`
	}
	want := map[table.Key]row{}
	for _, item := range h.ItemsOf(table.TypeMember) {
		var m row
		if err := attributevalue.UnmarshalMap(item, &m); err != nil {
			t.Fatal(err)
		}
		if m.AccountID != accountID {
			continue
		}
		if roles := slices.Compact(slices.Sorted(slices.Values(m.Roles))); len(roles) > 1 {
			for _, r := range roles {
				m.Role = r
				want[table.MemberRoleKey(m.UserID, accountID, string(r))] = m
			}
		}
	}
	got := map[table.Key]row{}
	for _, item := range h.ItemsOf(table.TypeMemberRole) {
		var e row
		if err := attributevalue.UnmarshalMap(item, &e); err != nil {
			t.Fatal(err)
		}
		if e.AccountID == accountID {
			got[table.Key{PK: platformtest.Str(item[table.AttrPK]), SK: platformtest.Str(item[table.AttrSK])}] = e
		}
	}
	if len(want) < 50 {
		t.Fatalf("only %d role entries expected: the seed has too few memberships with several roles", len(want))
	}
	for k, w := range want {
		g, ok := got[k]
		switch {
		case !ok:
			t.Errorf("role entry %v missing", k)
		case g.UserName != w.UserName || g.UserEmail != w.UserEmail || g.UserStatus != w.UserStatus ||
			!g.LastLoginAt.Equal(w.LastLoginAt) || !slices.Equal(g.Roles, w.Roles) || g.Role != w.Role:
			t.Errorf("role entry %v is %+v, its membership %+v", k, g, w)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("role entry %v left behind", k)
		}
	}
}

// meteredService is the user maintenance service on a DynamoDB client that counts, at the wire, what it asks of
// the table (testenv.Meter, an SDK middleware).
func meteredService(t testing.TB, h *harness) (*member.Service, *testenv.Meter) {
	t.Helper()
	meter := testenv.NewMeter()
	db := dynamodb.New(h.env.Dynamo.Options(), func(o *dynamodb.Options) { o.APIOptions = append(o.APIOptions, meter.Register) })
	svc, err := member.New(member.Deps{DB: db, Table: h.table, Keys: h.keys, Clock: h.clock})
	if err != nil {
		t.Fatal(err)
	}
	return svc, meter
}

// TestListPageReadsWhatItShows: in an account of 60 users and in one of 600, the first and the second page of
// every order and direction, alone or with one filter, read the same items — the account, one row more than the
// page and the page's users — however many users the account has.
func TestListPageReadsWhatItShows(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.StopStream() // nothing here reads the stream, and the emulator writes faster without one
	small := h.account(account.MSP, &h.provider, "Small MSP")
	large := h.account(account.MSP, &h.provider, "Large MSP")
	variedMembers(t, h, small, 60, "small")
	variedMembers(t, h, large, 600, "large")
	svc, meter := meteredService(t, h)
	caller := actor.Actor{UserID: h.super.ID, AccountID: h.provider.ID, Roles: []role.Name{role.SuperAdmin}}
	const limit = 5
	// pages reads the first two pages of q in acc and what each cost.
	pages := func(t *testing.T, acc account.Account, q member.ListQuery) [2]testenv.Use {
		t.Helper()
		var cost [2]testenv.Use
		for i := range cost {
			meter.Take()
			page, err := svc.List(context.Background(), caller, acc.ID, q)
			if err != nil {
				t.Fatal(err)
			}
			cost[i] = meter.Take().Total()
			if len(page.Users) != limit || page.Next == nil {
				t.Fatalf("%s page %d: %d rows, next %v: the seed does not fill two pages", acc.Company.Name, i+1, len(page.Users), page.Next)
			}
			q.Cursor = *page.Next
		}
		return cost
	}
	for _, filter := range []string{"", "status=registered", "status=unregistered", "status=disabled", "initial=a", "initial=%23", "role=read-only", "role=account-admin"} {
		for _, sort := range []string{"name", "email", "status", "lastLogin"} {
			for _, order := range []string{"asc", "desc"} {
				t.Run(fmt.Sprintf("filter=%s/sort=%s/order=%s", filter, sort, order), func(t *testing.T) {
					values, _ := url.ParseQuery(filter)
					values.Set("sort", sort)
					values.Set("order", order)
					q := listQueryOf(values)
					q.Limit = fmt.Sprint(limit)
					few, many := pages(t, small, q), pages(t, large, q)
					t.Logf("items read by pages 1 and 2: %d, %d at 60 users; %d, %d at 600", few[0].ItemsRead, few[1].ItemsRead, many[0].ItemsRead, many[1].ItemsRead)
					for i := range few {
						// The account (1), one row more than the page (limit+1), the page's users (limit).
						if most := 1 + limit + 1 + limit; few[i].ItemsRead != many[i].ItemsRead || many[i].ItemsRead > most {
							t.Errorf("page %d read %d items at 60 users, %d at 600 (at most %d)", i+1, few[i].ItemsRead, many[i].ItemsRead, most)
						}
						if many[i].Requests > 5 {
							t.Errorf("page %d took %d requests at 600 users", i+1, many[i].Requests)
						}
					}
				})
			}
		}
	}
}
