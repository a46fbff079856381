package tree_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/testenv"
	"github.com/partnerhub/partnerhub/pkg/tree"
)

// countingDB counts the requests a store makes and, asking DynamoDB for it on each one, the capacity they
// consume.
type countingDB struct {
	dynamo.DB
	requests atomic.Int64
	milliCU  atomic.Int64 // capacity units × 1000
}

func (c *countingDB) count(cc ...types.ConsumedCapacity) {
	c.requests.Add(1)
	for _, x := range cc {
		if x.CapacityUnits != nil {
			c.milliCU.Add(int64(*x.CapacityUnits * 1000))
		}
	}
}

func (c *countingDB) reset() { c.requests.Store(0); c.milliCU.Store(0) }

func (c *countingDB) GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	in.ReturnConsumedCapacity = types.ReturnConsumedCapacityTotal
	out, err := c.DB.GetItem(ctx, in, opts...)
	if err == nil && out.ConsumedCapacity != nil {
		c.count(*out.ConsumedCapacity)
	} else {
		c.count()
	}
	return out, err
}

func (c *countingDB) Query(ctx context.Context, in *dynamodb.QueryInput, opts ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	in.ReturnConsumedCapacity = types.ReturnConsumedCapacityTotal
	out, err := c.DB.Query(ctx, in, opts...)
	if err == nil && out.ConsumedCapacity != nil {
		c.count(*out.ConsumedCapacity)
	} else {
		c.count()
	}
	return out, err
}

func (c *countingDB) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, opts ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	in.ReturnConsumedCapacity = types.ReturnConsumedCapacityTotal
	out, err := c.DB.TransactWriteItems(ctx, in, opts...)
	if err == nil {
		c.count(out.ConsumedCapacity...)
	} else {
		c.count()
	}
	return out, err
}

// BenchmarkChildren shows that reading an account and a page of its children costs the same for a subtree of 10
// descendants as for one of 10,000: the same DynamoDB requests and the same consumed capacity per call. The
// small tree is an MSP with 10 customers; the large one an MSP with 100 partners of 99 customers each.
func BenchmarkChildren(b *testing.B) {
	for _, size := range []struct {
		descendants      int
		partners, perEnd int // partners below the MSP, customers below each (or below the MSP if no partners)
	}{
		{10, 0, 10},
		{10_000, 100, 99},
	} {
		b.Run(fmt.Sprintf("descendants=%d", size.descendants), func(b *testing.B) {
			db := &countingDB{DB: testenv.Get(b).Dynamo}
			f := newFixtureOn(b, db)
			m := f.create(account.MSP, f.providerID, "Benchmark MSP")
			if n := f.grow(m, size.partners, size.perEnd); n != size.descendants {
				b.Fatalf("built %d descendants", n)
			}
			admin := actor.Actor{UserID: "bench", AccountID: m, Roles: []role.Name{role.AccountAdmin}}
			ctx := context.Background()
			if v, err := f.tree.Get(ctx, admin, m); err != nil || v.Counts.Partners+v.Counts.Customers != size.descendants {
				b.Fatalf("counts %+v %v", v.Counts, err)
			}
			calls := []struct {
				name string
				do   func() error
			}{
				{"call=children", func() error {
					list, err := f.tree.Children(ctx, admin, m, tree.PageRequest{Limit: "10"})
					if err == nil && len(list.Items) != 10 {
						err = fmt.Errorf("%d children", len(list.Items))
					}
					return err
				}},
				{"call=account", func() error { _, err := f.tree.Get(ctx, admin, m); return err }},
			}
			for _, call := range calls {
				b.Run(call.name, func(b *testing.B) {
					db.reset()
					n := 0
					for b.Loop() {
						if err := call.do(); err != nil {
							b.Fatal(err)
						}
						n++
					}
					b.ReportMetric(float64(db.requests.Load())/float64(n), "requests/op")
					b.ReportMetric(float64(db.milliCU.Load())/1000/float64(n), "RCU/op")
				})
			}
		})
	}
}

// grow writes a subtree below the MSP m straight into the table, with BatchWriteItem from parallel workers:
// partners partners with perEnd customers each (or, with no partners, perEnd customers right below m), every
// customer with 3 endpoints, and sets the counters of m and the provider as the changes would have. It returns
// how many accounts it wrote.
func (f *fixture) grow(m string, partners, perEnd int) int {
	f.t.Helper()
	msp := f.Account(m)
	var items []map[string]types.AttributeValue
	add := func(kind account.Kind, parent account.Account, name string, counts account.Counts, endpoints int) account.Account {
		a := account.Account{
			ID: secret.NewID(), Kind: kind, ParentID: parent.ID, Ancestors: parent.Path(), Status: account.Active,
			Company: account.Company{Name: name, Address: "1 Bench Road", Country: "US", City: "Benchville"},
			Counts:  counts, Endpoints: endpoints, CreatedAt: start, Version: 1,
		}
		item, err := dynamo.AccountItem(a)
		if err != nil {
			f.t.Fatal(err)
		}
		items = append(items, item)
		return a
	}
	const endpoints = 3
	total := account.Counts{}
	if partners == 0 {
		for j := range perEnd {
			add(account.Customer, msp, fmt.Sprintf("Bench Customer %05d", j), account.Counts{}, endpoints)
		}
		total.Customers, total.Endpoints = perEnd, perEnd*endpoints
	}
	for i := range partners {
		p := add(account.Partner, msp, fmt.Sprintf("Bench Partner %03d", i), account.Counts{Customers: perEnd, Endpoints: perEnd * endpoints}, 0)
		for j := range perEnd {
			add(account.Customer, p, fmt.Sprintf("Bench Customer %03d-%02d", i, j), account.Counts{}, endpoints)
		}
		total.Partners++
		total.Customers += perEnd
		total.Endpoints += perEnd * endpoints
	}
	f.batchWrite(items)
	for _, id := range []string{f.providerID, m} {
		for counter, n := range map[string]int{"partners": total.Partners, "customers": total.Customers, "endpoints": total.Endpoints} {
			if _, err := f.env.Dynamo.TransactWriteItems(context.Background(), &dynamodb.TransactWriteItemsInput{
				TransactItems: []types.TransactWriteItem{dynamo.MoveCounter(f.table, id, counter, n)},
			}); err != nil {
				f.t.Fatal(err)
			}
		}
	}
	return len(items)
}

// batchWrite puts items 25 at a time from 8 workers, retrying what DynamoDB leaves unprocessed.
func (f *fixture) batchWrite(items []map[string]types.AttributeValue) {
	f.t.Helper()
	batches := make(chan []types.WriteRequest)
	var (
		wg       sync.WaitGroup
		failOnce sync.Once
		failed   error
	)
	for range 8 {
		wg.Go(func() {
			for batch := range batches {
				for len(batch) > 0 {
					out, err := f.env.Dynamo.BatchWriteItem(context.Background(), &dynamodb.BatchWriteItemInput{
						RequestItems: map[string][]types.WriteRequest{f.table: batch},
					})
					if err != nil {
						failOnce.Do(func() { failed = err })
						break
					}
					batch = out.UnprocessedItems[f.table]
				}
			}
		})
	}
	for i := 0; i < len(items); i += 25 {
		var batch []types.WriteRequest
		for _, item := range items[i:min(i+25, len(items))] {
			batch = append(batch, types.WriteRequest{PutRequest: &types.PutRequest{Item: item}})
		}
		batches <- batch
	}
	close(batches)
	wg.Wait()
	if failed != nil {
		f.t.Fatal(failed)
	}
}
