package tree_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/testenv"
	"github.com/partnerhub/partnerhub/pkg/tree"
)

// indexed brings the search index up to date with everything written so far: the table's stream, from its
// first record, handed to the real search-index function, as the stream's event source mapping would.
func (f *fixture) indexed() {
	f.t.Helper()
	f.indexOnce.Do(func() {
		h, err := f.app.SearchIndex()
		if err != nil {
			f.t.Fatal(err)
		}
		f.index = f.env.Stream(f.t, f.table, table.FindSources, h)
	})
	f.index.Flush()
}

// search is GET /v1/accounts/{id}/search once the index has caught up.
func (f *fixture) search(cookie, id, query string) platformtest.Reply {
	f.t.Helper()
	f.indexed()
	q, err := url.ParseQuery(query)
	if err != nil {
		f.t.Fatal(err)
	}
	params := map[string]string{}
	for k := range q {
		params[k] = q.Get(k)
	}
	return f.call(f.accounts, request{route: tree.RouteSearch, id: id, query: params, cookie: cookie})
}

// found lists the ids of a search's results, in order.
func found(r platformtest.Reply) []string {
	var out []string
	items, _ := r.JSON["items"].([]any)
	for _, it := range items {
		out = append(out, it.(map[string]any)["id"].(string))
	}
	return out
}

// paths lists each result's path as "name › name", by result id.
func paths(r platformtest.Reply) map[string]string {
	out := map[string]string{}
	items, _ := r.JSON["items"].([]any)
	for _, it := range items {
		m := it.(map[string]any)
		var names []string
		for _, step := range m["path"].([]any) {
			names = append(names, step.(map[string]any)["name"].(string))
		}
		out[m["id"].(string)] = strings.Join(names, " › ")
	}
	return out
}

// forest is a provider (PartnerHub) with an MSP and a partner, each with accounts below.
type forest struct {
	*fixture
	msp, partner, fabrikam, lights, adatum, wingtip string
	names                                           map[string]string
}

func newForest(t *testing.T) *forest {
	t.Helper()
	f := &forest{fixture: newFixture(t), names: map[string]string{}}
	add := func(kind account.Kind, parent, name string) string {
		id := f.create(kind, parent, name)
		f.names[id] = name
		return id
	}
	f.names[f.providerID] = "PartnerHub"
	f.msp = add(account.MSP, f.providerID, "Northwind MSP")
	f.partner = add(account.Partner, f.msp, "Contoso Partner")
	f.fabrikam = add(account.Customer, f.partner, "Fabrikam Café")
	f.lights = add(account.Partner, f.providerID, "Northern Lights")
	f.adatum = add(account.Customer, f.providerID, "Adatum")
	f.wingtip = add(account.Customer, f.msp, "Wingtip Toys")
	return f
}

func (f *forest) named(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = f.names[id]
	}
	return out
}

// TestSearchFindsTheCallersSubtree searches from every level: a search finds what lies in the searched account's
// subtree and nothing else, by any part of a name or the start of a Partner ID, with the path the caller sees.
func TestSearchFindsTheCallersSubtree(t *testing.T) {
	t.Parallel()
	f := newForest(t)
	mspAdmin, partnerAdmin := f.adminOf(f.msp), f.adminOf(f.partner)
	partnerID := f.Account(f.partner).PartnerID
	cases := []struct {
		name, cookie, at, query string
		want                    []string
	}{
		{"case=provider, by the start of a name", f.super, f.providerID, "q=north", []string{f.lights, f.msp}},
		{"case=provider, any case and accents", f.super, f.providerID, "q=CAFE", []string{f.fabrikam}},
		{"case=provider, inside a word", f.super, f.providerID, "q=ontos", []string{f.partner}},
		{"case=provider, a later word", f.super, f.providerID, "q=toys", []string{f.wingtip}},
		{"case=provider, finds itself", f.super, f.providerID, "q=partnerhub", []string{f.providerID}},
		{"case=provider, by Partner ID", f.super, f.providerID, "q=" + partnerID, []string{f.partner}},
		{"case=provider, by Partner ID without its hyphen", f.super, f.providerID, "q=" + strings.ToLower(strings.ReplaceAll(partnerID, "-", "")), []string{f.partner}},
		{"case=provider, nothing", f.super, f.providerID, "q=globex", nil},
		{"case=MSP, its own subtree only", mspAdmin, f.msp, "q=north", []string{f.msp}},
		{"case=MSP, three levels down", mspAdmin, f.msp, "q=fab", []string{f.fabrikam}},
		{"case=MSP, not beside it", mspAdmin, f.msp, "q=lights", nil},
		{"case=MSP, not above it", mspAdmin, f.msp, "q=partnerhub", nil},
		{"case=MSP, searching below itself", mspAdmin, f.partner, "q=a", []string{f.fabrikam, f.partner}}, // "abrikam" < "artner"
		{"case=partner, one letter", partnerAdmin, f.partner, "q=o", []string{f.partner}},
		{"case=partner, not its MSP", partnerAdmin, f.partner, "q=wind", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := f.search(c.cookie, c.at, c.query)
			platformtest.WantStatus(t, r, 200)
			if got := found(r); !slices.Equal(got, c.want) {
				t.Fatalf("found %q, want %q", f.named(got), f.named(c.want))
			}
		})
	}

	t.Run("case=paths from where the caller stands", func(t *testing.T) {
		t.Parallel()
		for _, c := range []struct{ cookie, at, want string }{
			{f.super, f.providerID, "PartnerHub › Northwind MSP › Contoso Partner"},
			{mspAdmin, f.msp, "Northwind MSP › Contoso Partner"},
			{partnerAdmin, f.partner, "Contoso Partner"},
		} {
			r := f.search(c.cookie, c.at, "q=fabrikam")
			if got := paths(r)[f.fabrikam]; got != c.want {
				t.Errorf("path %q, want %q", got, c.want)
			}
		}
		r := f.search(f.super, f.providerID, "q=partnerhub")
		if got, ok := paths(r)[f.providerID]; !ok || got != "" {
			t.Errorf("the caller's own account has path %q, want none", got)
		}
		item := r.JSON["items"].([]any)[0].(map[string]any)
		if item["kind"] != "provider" || item["status"] != "pending" || item["name"] != "PartnerHub" {
			t.Errorf("result %v", item)
		}
	})

	t.Run("case=outside the caller's subtree is not found", func(t *testing.T) {
		t.Parallel()
		for _, c := range []struct{ cookie, at string }{
			{mspAdmin, f.providerID}, {mspAdmin, f.lights}, {partnerAdmin, f.msp}, {partnerAdmin, f.lights},
			{f.super, secret.NewID()}, {f.super, "not an id"},
		} {
			platformtest.WantProblem(t, f.search(c.cookie, c.at, "q=north"), 404, "account-not-found")
		}
		// A role that may not view accounts may not search them either.
		platformtest.WantProblem(t, f.search(f.as(f.msp, "users-only"), f.msp, "q=north"), 403, "forbidden")
	})
}

// TestSearchFiltersSortsAndPages filters by kind and status, sorts by name both ways and pages through every
// order a result or two at a time: each result comes once, in the order of the whole search.
func TestSearchFiltersSortsAndPages(t *testing.T) {
	t.Parallel()
	f := newForest(t)
	platformtest.WantStatus(t, f.call(f.revoke, request{route: tree.RouteDisable, id: f.adatum, cookie: f.super}), 200)
	cases := []struct {
		query string
		want  []string
	}{
		{"q=a&kind=customer", []string{f.fabrikam, f.adatum}}, // "abrikam cafe" < "adatum" in match order
		{"q=a&kind=partner", []string{f.partner}},
		{"q=a&status=disabled", []string{f.adatum}},
		{"q=a&status=pending&kind=customer", []string{f.fabrikam}},
		{"q=a&status=pending&kind=partner", []string{f.partner}},
		{"q=a&sort=name", []string{f.adatum, f.partner, f.fabrikam, f.providerID}},
		{"q=a&sort=name&order=desc", []string{f.providerID, f.fabrikam, f.partner, f.adatum}},
		{"q=n&sort=name&kind=partner", []string{f.partner, f.lights}},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			t.Parallel()
			r := f.search(f.super, f.providerID, c.query)
			platformtest.WantStatus(t, r, 200)
			if got := found(r); !slices.Equal(got, c.want) {
				t.Fatalf("found %q, want %q", f.named(got), f.named(c.want))
			}
		})
	}
	for _, query := range []string{"q=n", "q=a&order=desc", "q=n&sort=name", "q=o&sort=name&order=desc", "q=i&kind=customer", "q=e"} {
		t.Run("pages/"+query, func(t *testing.T) {
			t.Parallel()
			whole := found(f.search(f.super, f.providerID, query))
			if len(whole) < 2 {
				t.Fatalf("%s finds %d; the test needs more", query, len(whole))
			}
			for _, limit := range []string{"1", "2"} {
				var got []string
				cursor := ""
				for page := 0; ; page++ {
					if page > 20 {
						t.Fatal("the cursors never end")
					}
					q := query + "&limit=" + limit
					if cursor != "" {
						q += "&cursor=" + url.QueryEscape(cursor)
					}
					r := f.search(f.super, f.providerID, q)
					platformtest.WantStatus(t, r, 200)
					got = append(got, found(r)...)
					if cursor, _ = r.JSON["next"].(string); cursor == "" {
						break
					}
				}
				if !slices.Equal(got, whole) {
					t.Fatalf("limit %s: pages give %q\nthe whole search %q", limit, f.named(got), f.named(whole))
				}
			}
		})
	}
}

// TestSearchFollowsChanges: a renamed account is found by its new name only, once the stream has delivered the
// change; a new account is found from every account above it.
func TestSearchFollowsChanges(t *testing.T) {
	t.Parallel()
	f := newForest(t)
	name := "Southwind MSP"
	r := f.call(f.accounts, request{route: tree.RouteEditAccount, id: f.msp, cookie: f.super, body: map[string]any{"company": map[string]any{"name": name}}})
	platformtest.WantStatus(t, r, 200)
	if got := found(f.search(f.super, f.providerID, "q=northwind")); len(got) != 0 {
		t.Fatalf("the old name still finds %q", got)
	}
	if got := found(f.search(f.super, f.providerID, "q=southwind")); !slices.Equal(got, []string{f.msp}) {
		t.Fatalf("the new name finds %q", got)
	}
	if got := paths(f.search(f.super, f.providerID, "q=fabrikam"))[f.fabrikam]; got != "PartnerHub › Southwind MSP › Contoso Partner" {
		t.Fatalf("a path below the renamed account reads %q", got)
	}
	newcomer := f.create(account.Customer, f.partner, "Globex Café")
	for _, at := range []string{f.providerID, f.msp, f.partner, newcomer} {
		if got := found(f.search(f.super, at, "q=globex")); !slices.Equal(got, []string{newcomer}) {
			t.Fatalf("from %s the new account is %q", f.names[at], got)
		}
	}
}

func TestSearchRefusesBadQueries(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	cases := []struct {
		query  string
		fields []string
	}{
		{"", []string{"q:required"}},
		{"q=+++", []string{"q:required"}},
		{"q=--%40", []string{"q:invalid"}},
		{"q=a%01b", []string{"q:invalid"}},
		{"q=" + strings.Repeat("a", 101), []string{"q:too_long"}},
		{"q=a&kind=galaxy&status=gone&sort=size&order=up&limit=0", []string{"kind:invalid", "limit:invalid", "order:invalid", "sort:invalid", "status:invalid"}},
		{"q=a&cursor=bm90LWEtY3Vyc29y", []string{"cursor:invalid"}},
		{"q=a&cursor=" + url.QueryEscape(otherCursor(t, f)), []string{"cursor:invalid"}},
	}
	for _, c := range cases {
		t.Run("query="+c.query, func(t *testing.T) {
			t.Parallel()
			r := f.search(f.super, f.providerID, c.query)
			platformtest.WantProblem(t, r, 400, "validation")
			if got := r.Fields(); !slices.Equal(got, c.fields) {
				t.Fatalf("fields %v, want %v", got, c.fields)
			}
		})
	}
}

// otherCursor is a real cursor of another search.
func otherCursor(t *testing.T, f *fixture) string {
	t.Helper()
	for _, name := range []string{"Acme One", "Acme Two"} {
		f.create(account.Customer, f.providerID, name)
	}
	next, _ := f.search(f.super, f.providerID, "q=acme&limit=1").JSON["next"].(string)
	if next == "" {
		t.Fatal("no next page to take a cursor from")
	}
	return next
}

// readCounter is a DynamoDB client that counts the items its reads return or examine.
type readCounter struct {
	*dynamodb.Client
	items atomic.Int64
}

func (c *readCounter) Query(ctx context.Context, in *dynamodb.QueryInput, opts ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	out, err := c.Client.Query(ctx, in, opts...)
	if err == nil {
		c.items.Add(int64(out.ScannedCount))
	}
	return out, err
}

func (c *readCounter) GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	out, err := c.Client.GetItem(ctx, in, opts...)
	if err == nil && out.Item != nil {
		c.items.Add(1)
	}
	return out, err
}

func (c *readCounter) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	out, err := c.Client.BatchGetItem(ctx, in, opts...)
	if err == nil {
		for _, items := range out.Responses {
			c.items.Add(int64(len(items)))
		}
	}
	return out, err
}

var _ dynamo.DB = (*readCounter)(nil)

// TestSearchCostsWhatItReturns counts the items a search reads in a subtree of 30 customers and in one of 150: a
// page in match order reads the same, whatever the subtree's size; a search sorted by name reads its matches.
func TestSearchCostsWhatItReturns(t *testing.T) {
	t.Parallel()
	db := &readCounter{Client: testenv.Get(t).Dynamo}
	f := newFixtureOn(t, db)
	sizes := []int{30, 150}
	msps := make([]string, len(sizes))
	for i, n := range sizes {
		msps[i] = f.create(account.MSP, f.providerID, fmt.Sprintf("MSP of %d", n))
		f.seedCustomers(msps[i], n)
	}
	f.indexed()
	read := func(at, query string) int64 {
		t.Helper()
		db.items.Store(0)
		r := f.search(f.super, at, query)
		platformtest.WantStatus(t, r, 200)
		if len(found(r)) == 0 {
			t.Fatalf("%s found nothing", query)
		}
		return db.items.Load()
	}
	for _, query := range []string{"q=zenith", "q=customer&limit=5", "q=o&limit=5", "q=zen&kind=customer"} {
		small, large := read(msps[0], query), read(msps[1], query)
		t.Logf("%s: %d items read below 30 customers, %d below 150", query, small, large)
		if small != large {
			t.Errorf("%s reads %d items below 30 customers and %d below 150", query, small, large)
		}
	}
	small, large := read(msps[0], "q=customer&sort=name&limit=5"), read(msps[1], "q=customer&sort=name&limit=5")
	t.Logf("q=customer&sort=name: %d items read below 30 customers, %d below 150", small, large)
	if large < 150 || small >= large {
		t.Errorf("sorted by name, a search reads %d and %d items: it should read every match", small, large)
	}
}

// seedCustomers writes n customers below parent straight into the table, in batches (their names' guards are
// left out: nothing here renames them): "Customer 0001", ..., and one "Zenith".
func (f *fixture) seedCustomers(parent string, n int) {
	f.t.Helper()
	p := f.Account(parent)
	var reqs []types.WriteRequest
	for i := range n {
		name := fmt.Sprintf("Customer %04d", i)
		if i == n/2 {
			name = "Zenith"
		}
		item, err := dynamo.AccountItem(account.Account{ID: secret.NewID(), Kind: account.Customer, ParentID: parent,
			Ancestors: p.Path(), Company: account.Company{Name: name}, Status: account.Active, CreatedAt: start, Version: 1})
		if err != nil {
			f.t.Fatal(err)
		}
		reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: item}})
	}
	for chunk := range slices.Chunk(reqs, 25) {
		items := map[string][]types.WriteRequest{f.table: chunk}
		for len(items) > 0 {
			out, err := f.env.Dynamo.BatchWriteItem(context.Background(), &dynamodb.BatchWriteItemInput{RequestItems: items})
			if err != nil {
				f.t.Fatal(err)
			}
			items = out.UnprocessedItems
		}
	}
}
