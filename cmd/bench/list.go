package main

import (
	"fmt"
	"maps"
	"net/http"
	"time"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

// listCase is one way of asking for the user list: GET /v1/accounts/{id}/users with a query, first page.
type listCase struct {
	name  string
	query map[string]string
}

// listCases are the list's filters and orders. The seeded users (platformtest.SeedMembers) give each a full page
// even in the small account, so the sizes compare like for like: "ove" is inside Lovelace (one user in 12), and
// E starts Edsger and Émile (2 in 15); one user in 10 is unregistered, one in 10 an administrator.
var listCases = []listCase{
	{"name A→Z (no filter)", map[string]string{}},
	{"name Z→A", map[string]string{"order": "desc"}},
	{"letter E", map[string]string{"initial": "e"}},
	{`search "ove"`, map[string]string{"q": "ove"}},
	{"status unregistered", map[string]string{"status": "unregistered"}},
	{"role account-admin", map[string]string{"role": "account-admin"}},
	{"sort email", map[string]string{"sort": "email"}},
	{"sort status", map[string]string{"sort": "status"}},
	{"sort lastLogin, newest first", map[string]string{"sort": "lastLogin", "order": "desc"}},
}

// pageRows is the page size asked for: the largest every case fills in an account of 100 users.
const pageRows = "10"

// listCost is what one page of a case cost in an account of a size.
type listCost struct {
	calls int
	rows  int
	use   testenv.Usage
	times []time.Duration
}

// userLists seeds one MSP per size with that many users (through the store, platformtest.SeedMembers) and asks
// each for every case's first page, as the provider's super administrator, until it has at least minCalls
// pages and minTime of them, after one page that is not counted (a warm-up). It returns the costs by case and
// size.
func (w *world) userLists(sizes []int, minCalls int, minTime time.Duration) map[string]map[int]listCost {
	out := map[string]map[int]listCost{}
	for _, c := range listCases {
		out[c.name] = map[int]listCost{}
	}
	for _, size := range sizes {
		created := w.CreateAccount(w.Super, account.MSP, w.ProviderID, fmt.Sprintf("Bench MSP of %d users", size))
		acc := w.Account(created.ID)
		began := time.Now()
		w.Data().SeedMembers(acc, size, fmt.Sprintf("s%d", size), platformtest.Start)
		fmt.Fprintf(w.T.Output(), "seeded %d users in %.1f s\n", size, time.Since(began).Seconds())
		for _, c := range listCases {
			query := maps.Clone(c.query)
			query["limit"] = pageRows
			page := func() platformtest.Reply {
				return w.Call(platformtest.Request{Function: route.Users, Route: "GET /v1/accounts/{id}/users", Cookie: w.Super,
					Params: map[string]string{"id": acc.ID}, Query: query, Headers: map[string]string{}})
			}
			w.want(page(), http.StatusOK)
			var lc listCost
			lc.use = testenv.Usage{}
			var spent time.Duration
			for lc.calls < minCalls || spent < minTime {
				w.meter.Take()
				start := time.Now()
				r := page()
				took := time.Since(start)
				lc.use = lc.use.Plus(w.meter.Take())
				w.want(r, http.StatusOK)
				rows, _ := r.JSON["users"].([]any)
				lc.rows = len(rows)
				lc.calls++
				lc.times = append(lc.times, took)
				spent += took
			}
			out[c.name][size] = lc
		}
	}
	return out
}
