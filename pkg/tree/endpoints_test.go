package tree_test

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/testenv"
	"github.com/partnerhub/partnerhub/pkg/tree"
)

// report sends PUT /v1/accounts/{id}/endpoints.
func (f *fixture) report(cookie, id string, body any) platformtest.Reply {
	f.t.Helper()
	return f.call(f.accounts, request{route: tree.RouteEndpoints, id: id, cookie: cookie, body: body})
}

// endpointCounts reads counts.endpoints of accounts.
func (f *fixture) endpointCounts(ids ...string) []int {
	f.t.Helper()
	out := make([]int, len(ids))
	for i, id := range ids {
		out[i] = f.Account(id).Counts.Endpoints
	}
	return out
}

func TestReportEndpoints(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	m := f.create(account.MSP, f.providerID, "Endpoint MSP")
	p := f.create(account.Partner, m, "Endpoint Partner")
	c1 := f.create(account.Customer, p, "Endpoint Customer One")
	c3 := f.create(account.Customer, m, "Endpoint Customer Three")
	partnerAdmin, mspAdmin := f.adminOf(p), f.adminOf(m)

	steps := []struct {
		name   string
		cookie string
		target string
		count  int
		want   []int // counts.endpoints of provider, msp, partner
	}{
		{"case=first report", partnerAdmin, c1, 10, []int{10, 10, 10}},
		{"case=fewer endpoints", partnerAdmin, c1, 4, []int{4, 4, 4}},
		{"case=another customer", mspAdmin, c3, 7, []int{11, 11, 4}},
		{"case=down to zero", mspAdmin, c3, 0, []int{4, 4, 4}},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			f.t = t
			r := f.report(s.cookie, s.target, map[string]any{"count": s.count})
			platformtest.WantStatus(t, r, 200)
			if num(r, "endpoints") != s.count || f.Account(s.target).Endpoints != s.count {
				t.Fatalf("%s", r.Body)
			}
			if got := f.endpointCounts(f.providerID, m, p); !slices.Equal(got, s.want) {
				t.Fatalf("counts.endpoints %v, want %v", got, s.want)
			}
			if num(f.get(s.cookie, s.target), "endpoints") != s.count {
				t.Fatal("GET does not show the count")
			}
		})
	}
	t.Run("case=audit", func(t *testing.T) {
		if got := f.auditActions(c1); got[0] != "account.endpoints-reported" {
			t.Fatalf("%v", got)
		}
	})
	t.Run("case=the same count writes nothing", func(t *testing.T) {
		before := f.Snapshot()
		platformtest.WantStatus(t, f.report(partnerAdmin, c1, map[string]any{"count": 4}), 200)
		f.Unchanged(before, "reporting the same count")
	})
	refusals := []struct {
		name   string
		cookie string
		target string
		body   any
		status int
		slug   string
		fields []string
	}{
		{"case=not a customer", mspAdmin, p, map[string]any{"count": 3}, 409, "not-a-customer", nil},
		{"case=negative", partnerAdmin, c1, map[string]any{"count": -1}, 400, "validation", []string{"count:invalid"}},
		{"case=too many", partnerAdmin, c1, map[string]any{"count": tree.MaxEndpoints + 1}, 400, "validation", []string{"count:invalid"}},
		{"case=fraction", partnerAdmin, c1, `{"count":1.5}`, 400, "validation", []string{"count:wrong_type"}},
		{"case=string", partnerAdmin, c1, `{"count":"3"}`, 400, "validation", []string{"count:wrong_type"}},
		{"case=missing", partnerAdmin, c1, `{}`, 400, "validation", []string{"count:required"}},
		{"case=read-only", f.as(p, role.ReadOnly), c1, map[string]any{"count": 3}, 403, "forbidden", nil},
		{"case=its own administrator", f.adminOf(c1), c1, map[string]any{"count": 3}, 403, "own-account", nil},
		{"case=another tree", f.adminOf(c3), c1, map[string]any{"count": 3}, 404, "account-not-found", nil},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			f.t = t
			before := f.Snapshot()
			r := f.report(tc.cookie, tc.target, tc.body)
			platformtest.WantProblem(t, r, tc.status, tc.slug)
			if got := r.Fields(); tc.fields != nil && !slices.Equal(got, tc.fields) {
				t.Fatalf("fields %v, want %v", got, tc.fields)
			}
			f.Unchanged(before, "a refused report")
		})
	}
}

// TestConcurrentEndpointReports: reports racing on the same customers leave every ancestor's total equal to
// the sum of its customers' counts.
func TestConcurrentEndpointReports(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	m := f.create(account.MSP, f.providerID, "Racing MSP")
	p := f.create(account.Partner, m, "Racing Partner")
	customers := []string{
		f.create(account.Customer, p, "Racing Customer A"),
		f.create(account.Customer, p, "Racing Customer B"),
		f.create(account.Customer, m, "Racing Customer C"),
	}
	var wg sync.WaitGroup
	statuses := make([]int, 24)
	for i := range statuses {
		wg.Go(func() {
			statuses[i] = f.report(f.super, customers[i%3], map[string]any{"count": 10 + i}).StatusCode
		})
	}
	wg.Wait()
	for i, st := range statuses {
		if st != 200 {
			t.Fatalf("report %d answered %d", i, st)
		}
	}
	own := make([]int, len(customers))
	for i, id := range customers {
		own[i] = f.Account(id).Endpoints
	}
	want := []int{own[0] + own[1] + own[2], own[0] + own[1] + own[2], own[0] + own[1]}
	if got := f.endpointCounts(f.providerID, m, p); !slices.Equal(got, want) {
		t.Fatalf("counts.endpoints of provider, msp, partner %v; customers have %v", got, own)
	}
}

// hookDB runs before ahead of each transaction, so a test can land another writer's change between a use
// case's read and its write.
type hookDB struct {
	dynamo.DB
	before func(n int)
	calls  atomic.Int32
}

func (h *hookDB) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, opts ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	h.before(int(h.calls.Add(1)))
	return h.DB.TransactWriteItems(ctx, in, opts...)
}

// TestChangesRetryWhenTheAccountMoved: a report, an edit and a disable whose account changes between their read
// and their write read it again and apply themselves to what is there now.
func TestChangesRetryWhenTheAccountMoved(t *testing.T) {
	t.Parallel()
	h := &hookDB{DB: testenv.Get(t).Dynamo, before: func(int) {}}
	f := newFixtureOn(t, h)
	p := f.create(account.Partner, f.providerID, "Moving Partner")
	c := f.create(account.Customer, p, "Moving Customer")
	other, err := tree.New(tree.Deps{DB: f.env.Dynamo, Table: f.table, Clock: f.clock})
	if err != nil {
		t.Fatal(err)
	}
	super := actor.Actor{UserID: f.adminID, AccountID: f.providerID, Roles: []role.Name{role.SuperAdmin}}
	interfere := func(change func()) {
		h.calls.Store(0)
		h.before = func(n int) {
			if n == 1 {
				change()
			}
		}
	}

	t.Run("case=endpoints", func(t *testing.T) {
		interfere(func() {
			if _, err := other.ReportEndpoints(context.Background(), super, c, tree.EndpointsRequest{Count: ptr(int64(50))}); err != nil {
				t.Error(err)
			}
		})
		platformtest.WantStatus(t, f.report(f.super, c, map[string]any{"count": 20}), 200)
		if got := f.endpointCounts(f.providerID, p); !slices.Equal(got, []int{20, 20}) || h.calls.Load() != 2 {
			t.Fatalf("counts.endpoints %v after %d transactions", got, h.calls.Load())
		}
	})
	t.Run("case=edit", func(t *testing.T) {
		interfere(func() {
			if _, err := other.Edit(context.Background(), super, c, tree.EditRequest{Company: &tree.CompanyPatch{City: ptr("Tulsa")}}); err != nil {
				t.Error(err)
			}
		})
		platformtest.WantStatus(t, f.edit(f.super, c, company(map[string]any{"zipCode": "74103"})), 200)
		if got := f.Account(c).Company; got.City != "Tulsa" || got.ZipCode != "74103" || h.calls.Load() != 2 {
			t.Fatalf("company %+v after %d transactions", got, h.calls.Load())
		}
	})
	t.Run("case=edit with the version the caller saw", func(t *testing.T) {
		v := f.Account(c).Version
		interfere(func() {
			if _, err := other.Edit(context.Background(), super, c, tree.EditRequest{Company: &tree.CompanyPatch{City: ptr("Omaha")}}); err != nil {
				t.Error(err)
			}
		})
		platformtest.WantProblem(t, f.edit(f.super, c, map[string]any{"version": v, "company": map[string]any{"city": "Lincoln"}}), 409, "stale-version")
		if got := f.Account(c).Company.City; got != "Omaha" {
			t.Fatalf("city %q", got)
		}
	})
	t.Run("case=disable", func(t *testing.T) {
		interfere(func() {
			if _, err := other.ReportEndpoints(context.Background(), super, c, tree.EndpointsRequest{Count: ptr(int64(1))}); err != nil {
				t.Error(err)
			}
		})
		platformtest.WantStatus(t, f.disable(f.super, c), 200)
		if got := f.disabledCounts(f.providerID, p); !slices.Equal(got, []int{1, 1}) || f.Account(c).Endpoints != 1 {
			t.Fatalf("counts.disabled %v", got)
		}
	})
	t.Run("case=disabled by someone else meanwhile", func(t *testing.T) {
		q := f.create(account.Partner, f.providerID, "Doubly Disabled Partner")
		interfere(func() {
			if _, err := other.Disable(context.Background(), super, q); err != nil {
				t.Error(err)
			}
		})
		platformtest.WantProblem(t, f.disable(f.super, q), 409, "already-disabled")
		if got := f.disabledCounts(f.providerID); got[0] != 2 {
			t.Fatalf("counts.disabled of the provider %v, want 2 (the customer and this partner)", got)
		}
	})
}

func ptr[T any](v T) *T { return &v }
