package member_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/member"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// counting is a member.DB that counts the requests made through it.
type counting struct {
	member.DB
	n atomic.Int64
}

func (c *counting) GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	c.n.Add(1)
	return c.DB.GetItem(ctx, in, opts...)
}

func (c *counting) PutItem(ctx context.Context, in *dynamodb.PutItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	c.n.Add(1)
	return c.DB.PutItem(ctx, in, opts...)
}

func (c *counting) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	c.n.Add(1)
	return c.DB.UpdateItem(ctx, in, opts...)
}

func (c *counting) DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error) {
	c.n.Add(1)
	return c.DB.DeleteItem(ctx, in, opts...)
}

func (c *counting) Query(ctx context.Context, in *dynamodb.QueryInput, opts ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	c.n.Add(1)
	return c.DB.Query(ctx, in, opts...)
}

func (c *counting) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, opts ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	c.n.Add(1)
	return c.DB.TransactWriteItems(ctx, in, opts...)
}

func (c *counting) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	c.n.Add(1)
	return c.DB.BatchGetItem(ctx, in, opts...)
}

var _ member.DB = (*counting)(nil)

// seedMembers writes n users with their memberships in acc with BatchWriteItem, 25 items a request, several
// requests at once. Names, emails, statuses, last sign-ins and roles vary the way real accounts do.
func seedMembers(b *testing.B, h *harness, acc account.Account, n int) {
	b.Helper()
	first := []string{"Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Margaret", "Niklaus", "Radia", "Tim", "Émile", "Zoë", "3M"}
	last := []string{"Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Hamilton", "Wirth", "Perlman", "Berners-Lee"}
	var items []map[string]types.AttributeValue
	for i := range n {
		u := user.User{
			ID: secret.NewID(), Email: fmt.Sprintf("user%05d@example.com", i),
			Name:   fmt.Sprintf("%s %s %d", first[i%len(first)], last[(i/len(first))%len(last)], i),
			Status: user.Active, HomeAccountID: acc.ID, TwoFactor: user.TwoFactor{Enabled: true, Method: user.MethodEmail},
			LastLoginAt: start.Add(-time.Duration(i) * time.Minute), CreatedAt: start, Version: 1,
		}
		roles := []role.Name{role.ReadOnly}
		switch {
		case i%10 == 0:
			u.Status, u.LastLoginAt = user.Invited, time.Time{}
		case i%25 == 1:
			roles = []role.Name{role.AccountAdmin}
		}
		ui, err := dynamo.UserItem(u)
		if err != nil {
			b.Fatal(err)
		}
		mi, err := dynamo.MembershipItem(user.Membership{UserID: u.ID, AccountID: acc.ID, Roles: roles, AccountName: acc.Company.Name,
			AccountKind: string(acc.Kind), UserName: u.Name, UserEmail: u.Email, UserStatus: u.Status, LastLoginAt: u.LastLoginAt, CreatedAt: start})
		if err != nil {
			b.Fatal(err)
		}
		items = append(items, ui, mi)
	}
	batches := make(chan []map[string]types.AttributeValue)
	var wg sync.WaitGroup
	var failed atomic.Value
	for range 16 {
		wg.Go(func() {
			for batch := range batches {
				req := map[string][]types.WriteRequest{}
				for _, item := range batch {
					req[h.table] = append(req[h.table], types.WriteRequest{PutRequest: &types.PutRequest{Item: item}})
				}
				for len(req) > 0 {
					out, err := h.env.Dynamo.BatchWriteItem(context.Background(), &dynamodb.BatchWriteItemInput{RequestItems: req})
					if err != nil {
						failed.Store(err)
						break
					}
					req = out.UnprocessedItems
				}
			}
		})
	}
	for i := 0; i < len(items); i += 25 {
		batches <- items[i:min(i+25, len(items))]
	}
	close(batches)
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkList measures GET /v1/accounts/{id}/users in accounts of 100 and 10,000 users: DynamoDB requests per
// call (requests/op) and time per call (ns/op), for the lists the index serves a page at a time (name order, a
// deep page of it, an A–Z letter) and searched, filtered and re-ordered lists (every membership read, projected,
// then filtered and sorted in memory). Each call also reads the account and the page's users (one BatchGetItem).
func BenchmarkList(b *testing.B) {
	h := newHarness(b)
	for _, size := range []int{100, 10_000} {
		acc := h.account(account.MSP, &h.provider, fmt.Sprintf("MSP of %d", size))
		seedMembers(b, h, acc, size)
		db := &counting{DB: h.env.Dynamo}
		svc, err := member.New(member.Deps{DB: db, Table: h.table, Keys: h.keys, Clock: h.clock})
		if err != nil {
			b.Fatal(err)
		}
		caller := actor.Actor{UserID: h.super.ID, AccountID: h.provider.ID, Roles: []role.Name{role.SuperAdmin}}
		// A cursor half-way down the list in name order.
		deep := member.ListQuery{Limit: "100"}
		for range size / 200 {
			page, err := svc.List(context.Background(), caller, acc.ID, deep)
			if err != nil {
				b.Fatal(err)
			}
			deep.Cursor = *page.Next
		}
		deep.Limit = "25"
		cases := []struct {
			name string
			q    member.ListQuery
			rows int
		}{
			{"sort=name", member.ListQuery{}, 25},
			{"sort=name,deep page", deep, 25},
			{"q=ada", member.ListQuery{Q: "ada"}, 25},
			{"initial=e", member.ListQuery{Initial: "e"}, 25},
			{"status=unregistered,sort=email", member.ListQuery{Status: "unregistered", Sort: "email"}, 10},
			{"role=account-admin,sort=lastLogin,desc", member.ListQuery{Role: "account-admin", Sort: "lastLogin", Order: "desc"}, 4},
		}
		for _, c := range cases {
			b.Run(fmt.Sprintf("members=%d/%s", size, c.name), func(b *testing.B) {
				db.n.Store(0)
				for b.Loop() {
					page, err := svc.List(context.Background(), caller, acc.ID, c.q)
					if err != nil {
						b.Fatal(err)
					}
					if len(page.Users) < min(c.rows, 1) {
						b.Fatalf("%d rows", len(page.Users))
					}
				}
				b.ReportMetric(float64(db.n.Load())/float64(b.N), "requests/op")
			})
		}
	}
}
