package member_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/member"
	"github.com/partnerhub/partnerhub/pkg/role"
)

// benchRows is the page size of BenchmarkList: the largest that every case fills in an account of 100 users, so
// the two sizes compare like for like.
const benchRows = "10"

// BenchmarkList measures GET /v1/accounts/{id}/users in accounts of 100 and 10,000 users (variedMembers: one in
// 5 unregistered, one in 5 disabled, one, two or three roles), for every order and direction, each filter the
// list's indexes serve, and a deep page: the items DynamoDB read per page (items/page: the account, the page's
// rows with the one more that says whether a page follows, the page's users), the requests per page and the time.
// Counted at the wire by an SDK middleware (testenv.Meter) on the service's own client. A page costs the same
// whatever the account's size: compare the two sizes' items/page (the goal is a ratio of at most 1.5).
func BenchmarkList(b *testing.B) {
	h := newHarness(b)
	h.StopStream() // nothing here reads the stream, and the emulator writes faster without one
	svc, meter := meteredService(b, h)
	caller := actor.Actor{UserID: h.super.ID, AccountID: h.provider.ID, Roles: []role.Name{role.SuperAdmin}}
	for _, size := range []int{100, 10_000} {
		acc := h.account(account.MSP, &h.provider, fmt.Sprintf("MSP of %d", size))
		variedMembers(b, h, acc, size, fmt.Sprint(size))
		// A cursor half-way down the list in name order.
		deep := member.ListQuery{Limit: "100"}
		for range size / 200 {
			page, err := svc.List(context.Background(), caller, acc.ID, deep)
			if err != nil {
				b.Fatal(err)
			}
			deep.Cursor = *page.Next
		}
		deep.Limit = benchRows
		cases := []struct {
			name string
			q    member.ListQuery
		}{
			{"sort=name", member.ListQuery{}},
			{"sort=name,desc", member.ListQuery{Order: "desc"}},
			{"sort=name,deep page", deep},
			{"sort=email", member.ListQuery{Sort: "email"}},
			{"sort=email,desc", member.ListQuery{Sort: "email", Order: "desc"}},
			{"sort=status", member.ListQuery{Sort: "status"}},
			{"sort=status,desc", member.ListQuery{Sort: "status", Order: "desc"}},
			{"sort=lastLogin", member.ListQuery{Sort: "lastLogin"}},
			{"sort=lastLogin,desc", member.ListQuery{Sort: "lastLogin", Order: "desc"}},
			{"status=registered", member.ListQuery{Status: "registered"}},
			{"status=unregistered,sort=email", member.ListQuery{Status: "unregistered", Sort: "email"}},
			{"status=disabled,sort=lastLogin,desc", member.ListQuery{Status: "disabled", Sort: "lastLogin", Order: "desc"}},
			{"status=registered,sort=status,desc", member.ListQuery{Status: "registered", Sort: "status", Order: "desc"}},
			{"initial=a", member.ListQuery{Initial: "a"}},
			{"initial=#", member.ListQuery{Initial: "#"}},
			{"initial=a,sort=status", member.ListQuery{Initial: "a", Sort: "status"}},
			{"initial=z,sort=email,desc", member.ListQuery{Initial: "z", Sort: "email", Order: "desc"}},
			{"initial=#,sort=lastLogin", member.ListQuery{Initial: "#", Sort: "lastLogin"}},
			{"role=account-admin", member.ListQuery{Role: "account-admin"}},
			{"role=read-only,sort=lastLogin,desc", member.ListQuery{Role: "read-only", Sort: "lastLogin", Order: "desc"}},
			{"role=msp-accounts,sort=email", member.ListQuery{Role: "msp-accounts", Sort: "email"}},
			{"role=account-admin,sort=status", member.ListQuery{Role: "account-admin", Sort: "status"}},
		}
		for _, c := range cases {
			b.Run(fmt.Sprintf("members=%d/%s", size, c.name), func(b *testing.B) {
				meter.Take()
				for b.Loop() {
					q := c.q
					q.Limit = benchRows
					page, err := svc.List(context.Background(), caller, acc.ID, q)
					if err != nil {
						b.Fatal(err)
					}
					if len(page.Users) != 10 || page.Next == nil {
						b.Fatalf("%d rows: not a full page", len(page.Users))
					}
				}
				use := meter.Take().Total()
				b.ReportMetric(float64(use.ItemsRead)/float64(b.N), "items/page")
				b.ReportMetric(float64(use.Requests)/float64(b.N), "requests/op")
			})
		}
	}
}
