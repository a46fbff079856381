package tree_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
)

// TestConcurrentCreationsKeepCountsExact creates twenty accounts at once in one subtree through the signup
// handler: partners below an MSP, customers below the MSP and below one of its partners. Every ancestor's
// counters must come out exact, and agree with what the children pages list.
func TestConcurrentCreationsKeepCountsExact(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	m := f.create(account.MSP, f.providerID, "Busy MSP")
	p := f.create(account.Partner, m, "Busy Partner")
	admin := f.adminOf(m)

	type job struct {
		kind   account.Kind
		parent string
	}
	var jobs []job
	for i := range 20 {
		switch i % 3 {
		case 0:
			jobs = append(jobs, job{account.Partner, m})
		case 1:
			jobs = append(jobs, job{account.Customer, p})
		default:
			jobs = append(jobs, job{account.Customer, m})
		}
	}
	statuses := make([]int, len(jobs))
	var wg sync.WaitGroup
	for i, j := range jobs {
		wg.Go(func() {
			statuses[i] = f.createAs(admin, j.kind, j.parent, fmt.Sprintf("Busy %s %02d", j.kind, i)).StatusCode
		})
	}
	wg.Wait()
	created := map[job]int{}
	for i, st := range statuses {
		if st != 201 {
			t.Fatalf("creation %d answered %d", i, st)
		}
		created[jobs[i]]++
	}

	partners := 1 + created[job{account.Partner, m}]
	customersOfP := created[job{account.Customer, p}]
	customers := customersOfP + created[job{account.Customer, m}]
	want := map[string]account.Counts{
		f.providerID: {MSPs: 1, Partners: partners, Customers: customers},
		m:            {Partners: partners, Customers: customers},
		p:            {Customers: customersOfP},
	}
	for id, w := range want {
		if got := f.Account(id).Counts; got != w {
			t.Errorf("counts of %s: %+v, want %+v", f.Account(id).Company.Name, got, w)
		}
	}
	// The counters agree with the tree itself, walked one page at a time.
	if n := len(f.walk(m)); n != partners+customers {
		t.Errorf("%d accounts below the MSP, its counters say %d", n, partners+customers)
	}
}

// walk lists every account below id, through the children pages.
func (f *fixture) walk(id string) []string {
	f.t.Helper()
	var out []string
	cursor := ""
	for {
		q := map[string]string{"limit": "7"}
		if cursor != "" {
			q["cursor"] = cursor
		}
		r := f.children(f.super, id, q)
		platformtest.WantStatus(f.t, r, 200)
		for _, it := range r.JSON["items"].([]any) {
			child := it.(map[string]any)["id"].(string)
			out = append(append(out, child), f.walk(child)...)
		}
		next, _ := r.JSON["next"].(string)
		if next == "" {
			return out
		}
		cursor = next
	}
}
