package platformtest_test

import (
	"net/http"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// TestSeedMembersWritesWhatTheUserListReads holds the bulk seeding cmd/bench builds its large accounts with to
// what the product's user list reads: every seeded user is listed, and the filters find the share of invited,
// disabled and administrator users SeedMembers promises. If the list comes to need items the store's encoders
// do not write, this fails here rather than as a wrong figure in make bench.
func TestSeedMembersWritesWhatTheUserListReads(t *testing.T) {
	t.Parallel()
	p := platformtest.New(t)
	created := p.CreateAccount(p.Super, account.MSP, p.ProviderID, "Seeded MSP")
	acc := p.Account(created.ID)
	p.Data().SeedMembers(acc, 100, "seeded", platformtest.Start)
	count := func(query map[string]string) int {
		t.Helper()
		query["limit"] = "100"
		r := p.Call(platformtest.Request{Function: route.Users, Route: "GET /v1/accounts/{id}/users", Cookie: p.Super,
			Params: map[string]string{"id": acc.ID}, Query: query, Headers: map[string]string{}})
		platformtest.WantStatus(t, r, http.StatusOK)
		rows, _ := r.JSON["users"].([]any)
		return len(rows)
	}
	for _, c := range []struct {
		query map[string]string
		want  int
	}{
		// A full page: the 100 seeded users and the account's contact make 101.
		{map[string]string{}, 100},
		{map[string]string{"status": "unregistered"}, 10 + 1},
		{map[string]string{"status": "disabled"}, 2},
		{map[string]string{"role": "account-admin"}, 10 + 1},
		{map[string]string{"q": "user00042.seeded"}, 1},
	} {
		if got := count(c.query); got != c.want {
			t.Errorf("%v: %d users, want %d", c.query, got, c.want)
		}
	}
}
