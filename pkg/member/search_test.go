package member_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"sync/atomic"
	"testing"

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
	"github.com/partnerhub/partnerhub/pkg/user"
)

// TestSearchPagesInMatchOrder pages through searches alone (match order) a row or a few at a time: each row that
// holds the search in its name or email address comes exactly once, in the order of the whole search.
func TestSearchPagesInMatchOrder(t *testing.T) {
	t.Parallel()
	p := newPeople(t)
	for _, q := range []string{"e", "a", "ada", "example", "o", "3"} {
		t.Run("q="+q, func(t *testing.T) {
			t.Parallel()
			query := url.Values{"q": {q}}
			whole := ids(p.list(query))
			var want []string
			for id, name := range p.name {
				row, _ := p.membership(id, p.msp.ID)
				fq, _ := table.ParseFind(q)
				if fq.Has(name) || fq.Has(row.UserEmail) {
					want = append(want, id)
				}
			}
			if got := sorted(whole); !slices.Equal(got, sorted(want)) {
				t.Fatalf("q=%s finds %q, want %q", q, p.names(whole), p.names(want))
			}
			for _, limit := range []string{"1", "2", "3"} {
				if got := p.all(t, query, limit); !slices.Equal(got, whole) {
					t.Fatalf("limit %s: pages give %q\nthe whole search %q", limit, p.names(got), p.names(whole))
				}
			}
		})
	}
}

// TestSearchFollowsEditsAndRemovals: a user renamed is found by the new name once the stream has delivered the
// change, and no longer by the old; a user removed from the account is gone from its searches at once, before
// the index catches up, because a search reads the page's memberships.
func TestSearchFollowsEditsAndRemovals(t *testing.T) {
	t.Parallel()
	p := newPeople(t)
	search := func(q string) []string {
		t.Helper()
		return ids(p.do(p.users, call{route: member.RouteList, params: map[string]string{"id": p.msp.ID}, query: url.Values{"q": {q}}, token: p.superTok}))
	}
	p.indexed()
	platformtest.WantStatus(t, p.edit(p.superTok, p.grace, map[string]any{"name": "Grace Brewster"}), 200)
	p.indexed()
	if got := search("brewster"); !slices.Equal(got, []string{p.grace}) {
		t.Fatalf("the new name finds %q", got)
	}
	if got := search("hopper"); len(got) != 0 {
		t.Fatalf("the old name still finds %q", got)
	}
	platformtest.WantStatus(t, p.remove(p.superTok, p.msp.ID, p.alan), 200)
	if got := search("turing"); len(got) != 0 {
		t.Fatalf("before the index caught up, a removed user is found: %q", got)
	}
	p.indexed()
	if got := search("turing"); len(got) != 0 {
		t.Fatalf("a removed user is found: %q", got)
	}
	if entries := p.ItemsOf(table.TypeFind); len(entries) == 0 {
		t.Fatal("no search entries at all")
	}
}

// readCounter is a member.DB that counts the items its reads return or examine.
type readCounter struct {
	member.DB
	items atomic.Int64
}

func (c *readCounter) Query(ctx context.Context, in *dynamodb.QueryInput, opts ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	out, err := c.DB.Query(ctx, in, opts...)
	if err == nil {
		c.items.Add(int64(out.ScannedCount))
	}
	return out, err
}

func (c *readCounter) GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	out, err := c.DB.GetItem(ctx, in, opts...)
	if err == nil && out.Item != nil {
		c.items.Add(1)
	}
	return out, err
}

func (c *readCounter) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	out, err := c.DB.BatchGetItem(ctx, in, opts...)
	if err == nil {
		for _, items := range out.Responses {
			c.items.Add(int64(len(items)))
		}
	}
	return out, err
}

// TestSearchReadsAPageWhateverTheAccountSize counts the items a search reads in an account of 30 users and in one
// of 150: alone (match order) a page reads the same in both; filtered or sorted it reads its matches.
func TestSearchReadsAPageWhateverTheAccountSize(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	sizes := []int{30, 150}
	accounts := make([]account.Account, len(sizes))
	for i, n := range sizes {
		accounts[i] = h.account(account.MSP, &h.provider, fmt.Sprintf("MSP of %d", n))
		h.seedShort(accounts[i], n)
	}
	h.indexed()
	db := &readCounter{DB: h.env.Dynamo}
	svc, err := member.New(member.Deps{DB: db, Table: h.table, Keys: h.keys, Clock: h.clock})
	if err != nil {
		t.Fatal(err)
	}
	caller := actor.Actor{UserID: h.super.ID, AccountID: h.provider.ID, Roles: []role.Name{role.SuperAdmin}}
	read := func(acc account.Account, q member.ListQuery) (int64, int) {
		t.Helper()
		db.items.Store(0)
		page, err := svc.List(context.Background(), caller, acc.ID, q)
		if err != nil {
			t.Fatal(err)
		}
		return db.items.Load(), len(page.Users)
	}
	for _, q := range []member.ListQuery{{Q: "ex.io", Limit: "10"}, {Q: "io", Limit: "5"}, {Q: "X.I", Limit: "3"}, {Q: "i", Limit: "10"}, {Q: "u17@"}} {
		small, rows := read(accounts[0], q)
		large, _ := read(accounts[1], q)
		t.Logf("q=%s limit=%s: %d rows; %d items read among %d users, %d among %d", q.Q, q.Limit, rows, small, sizes[0], large, sizes[1])
		if rows == 0 || small != large {
			t.Errorf("q=%s: %d rows, %d items read among %d users and %d among %d", q.Q, rows, small, sizes[0], large, sizes[1])
		}
	}
	filtered := member.ListQuery{Q: "ex.io", Status: "registered", Limit: "10"}
	small, _ := read(accounts[0], filtered)
	large, _ := read(accounts[1], filtered)
	t.Logf("q=ex.io&status=registered: %d items read among %d users, %d among %d", small, sizes[0], large, sizes[1])
	if large < int64(sizes[1]) || small >= large {
		t.Errorf("a filtered search reads %d and %d items: it should read every match", small, large)
	}
}

// seedShort writes n users of acc with short names and addresses ("Ann 12", u12@ex.io), so that indexing them
// is quick: one in five is named Ann, one in ten is invited, the others active.
func (h *harness) seedShort(acc account.Account, n int) {
	h.t.Helper()
	first := []string{"Ann", "Bo", "Cy", "Di", "Ed"}
	var items []map[string]types.AttributeValue
	for i := range n {
		u := user.User{ID: secret.NewID(), Name: fmt.Sprintf("%s %d", first[i%len(first)], i), Email: fmt.Sprintf("u%d@ex.io", i),
			Status: user.Active, HomeAccountID: acc.ID, CreatedAt: start, Version: 1}
		if i%10 == 0 {
			u.Status = user.Invited
		}
		ui, err := dynamo.UserItem(u)
		if err != nil {
			h.t.Fatal(err)
		}
		mi, err := dynamo.MembershipItem(user.Membership{UserID: u.ID, AccountID: acc.ID, Roles: []role.Name{role.ReadOnly},
			AccountName: acc.Company.Name, AccountKind: string(acc.Kind), UserName: u.Name, UserEmail: u.Email, UserStatus: u.Status, CreatedAt: start})
		if err != nil {
			h.t.Fatal(err)
		}
		items = append(items, ui, mi)
	}
	h.BatchPut(items)
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
