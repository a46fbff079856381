package platformtest

import (
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// SeedMembers writes n users of an account, each with their membership and the membership's search-index
// entries, encoded by the store (dynamo.UserItem; dynamo.MembershipItems, so the membership carries whatever
// index keys and role entries the store gives it; dynamo.MemberFinds, the entries the search-index function
// derives from the membership on the table's stream), and written with BatchWriteItem (BatchPut), where
// inviting them would take a transaction each and the stream a pass of the indexer. It writes no email guards,
// which only a new login reads.
//
// The users vary as a real account's do, much as pkg/member's BenchmarkList seeds them: names from a few dozen
// first and last names with a number (so searches match inside words), emails user00042.<tag>@example.com; one
// in 10 invited (never signed in), one in 50 disabled, the others active, signed in a minute apart going back
// from at; one in 10 an administrator, the others read-only. So every filter of the list fills a page of 10 rows
// even in an account of 100.
func (tb Table) SeedMembers(acc account.Account, n int, tag string, at time.Time) {
	tb.T.Helper()
	tb.seedMembers(acc, n, tag, at, false)
}

// SeedInvited writes n users of an account as SeedMembers does, every one of them invited (never registered,
// no activation email sent yet): what a bulk resend works through.
func (tb Table) SeedInvited(acc account.Account, n int, tag string, at time.Time) {
	tb.T.Helper()
	tb.seedMembers(acc, n, tag, at, true)
}

func (tb Table) seedMembers(acc account.Account, n int, tag string, at time.Time, invited bool) {
	tb.T.Helper()
	first := []string{"Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Margaret", "Niklaus", "Radia", "Tim", "Émile", "Zoë", "3M"}
	last := []string{"Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Hamilton", "Wirth", "Perlman", "Berners-Lee"}
	items := make([]map[string]types.AttributeValue, 0, 2*n)
	for i := range n {
		u := user.User{
			ID: secret.NewID(), Email: fmt.Sprintf("user%05d.%s@example.com", i, tag),
			Name:   fmt.Sprintf("%s %s %d", first[i%len(first)], last[(i/len(first))%len(last)], i),
			Status: user.Active, HomeAccountID: acc.ID, TwoFactor: user.TwoFactor{Enabled: true, Method: user.MethodEmail},
			PasswordHash: "argon2id$seeded", LastLoginAt: at.Add(-time.Duration(i) * time.Minute), CreatedAt: at, Version: 1,
		}
		switch {
		case invited || i%10 == 0:
			u.Status, u.PasswordHash, u.LastLoginAt = user.Invited, "", time.Time{}
		case i%50 == 5:
			u.Status = user.Disabled
		}
		roles := []role.Name{role.ReadOnly}
		if i%10 == 1 {
			roles = []role.Name{role.AccountAdmin}
		}
		ui, err := dynamo.UserItem(u)
		if err != nil {
			tb.T.Fatal(err)
		}
		m := user.Membership{
			UserID: u.ID, AccountID: acc.ID, Roles: roles, AccountName: acc.Company.Name, AccountKind: string(acc.Kind),
			UserName: u.Name, UserEmail: u.Email, UserStatus: u.Status, LastLoginAt: u.LastLoginAt, CreatedAt: at,
		}
		mi, err := dynamo.MembershipItems(m)
		if err != nil {
			tb.T.Fatal(err)
		}
		items = append(append(items, ui), mi...)
		for _, e := range dynamo.MemberFinds(m) {
			fi, err := dynamo.FindItem(e)
			if err != nil {
				tb.T.Fatal(err)
			}
			items = append(items, fi)
		}
	}
	tb.BatchPut(items)
}

// StopStream turns the table's stream off. dynoxide (1.2.1) slows every write as its stream grows: measured on 2
// cores, about 3,000 items a second into a new table, 100 to 400 once 15,000 have been written, and 5,000 to
// 9,000 throughout with no stream. A harness that seeds tens of thousands of items and drives no stream function
// calls it first; DynamoDB itself adds nothing to a write for its stream.
func (tb Table) StopStream() {
	tb.T.Helper()
	_, err := tb.DB.UpdateTable(tb.T.Context(), &dynamodb.UpdateTableInput{
		TableName:           aws.String(tb.Name),
		StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(false)},
	})
	if err != nil {
		tb.T.Fatalf("stop the stream of %s: %v", tb.Name, err)
	}
}

// BatchPut writes items with BatchWriteItem, 25 a request from 4 workers, retrying what DynamoDB leaves
// unprocessed and, a few times, a request that failed (the clients' per-attempt bound is short, and an emulator
// busy with a large seeding can exceed it). It is for seeding large worlds; product code writes through
// transactions.
func (tb Table) BatchPut(items []map[string]types.AttributeValue) {
	tb.T.Helper()
	const workers, tries = 4, 5
	batches := make(chan []types.WriteRequest)
	var (
		wg       sync.WaitGroup
		failOnce sync.Once
		failed   error
	)
	for range workers {
		wg.Go(func() {
			for batch := range batches {
				for try := 1; len(batch) > 0; try++ {
					out, err := tb.DB.BatchWriteItem(tb.T.Context(), &dynamodb.BatchWriteItemInput{
						RequestItems: map[string][]types.WriteRequest{tb.Name: batch},
					})
					switch {
					case err == nil:
						batch = out.UnprocessedItems[tb.Name]
					case try == tries || tb.T.Context().Err() != nil:
						failOnce.Do(func() { failed = err })
						batch = nil
					}
				}
			}
		})
	}
	for i := 0; i < len(items); i += 25 {
		batch := make([]types.WriteRequest, 0, 25)
		for _, item := range items[i:min(i+25, len(items))] {
			batch = append(batch, types.WriteRequest{PutRequest: &types.PutRequest{Item: item}})
		}
		batches <- batch
	}
	close(batches)
	wg.Wait()
	if failed != nil {
		tb.T.Fatalf("batch write: %v", failed)
	}
}
