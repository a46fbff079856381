package dynamo_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

var errExists = errors.New("exists")

// TestARequestReadsAnItemOnce: within a request's read set, the product's client answers a repeated read from
// memory, and anything that may have changed the item — a write, a transaction naming it, even one that fails —
// sends the next read to the table, and so does a read that asks to be fresh. Without a read set every read goes to
// the table. Counted on the wire.
func TestARequestReadsAnItemOnce(t *testing.T) {
	t.Parallel()
	env := testenv.Get(t)
	name := env.NewTable(t)
	m := testenv.NewMeter()
	a, err := app.New(t.Context(), env.Config(name), app.WithAWS(m.AWS()))
	if err != nil {
		t.Fatal(err)
	}
	store := dynamo.Store{DB: a.Dynamo(), Table: name}
	k := table.Key{PK: "TEST#readset", SK: "TEST"}
	other := table.Key{PK: "TEST#other", SK: "TEST"}
	put := func(ctx context.Context, key table.Key, v string) {
		t.Helper()
		rec, err := dynamo.Record(map[string]string{"v": v}, "test", key)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(name), Item: rec}); err != nil {
			t.Fatal(err)
		}
	}
	get := func(ctx context.Context, key table.Key, consistent bool) string {
		t.Helper()
		out, err := store.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(name), Key: key.AV(), ConsistentRead: aws.Bool(consistent)})
		if err != nil {
			t.Fatal(err)
		}
		var v struct {
			V string `dynamodbav:"v"`
		}
		if out.Item != nil {
			if err := attributevalue.UnmarshalMap(out.Item, &v); err != nil {
				t.Fatal(err)
			}
		}
		return v.V
	}
	wire := func() int { return m.Take().Total().Requests }
	put(t.Context(), k, "one")
	put(t.Context(), other, "x")
	wire()

	t.Run("case=no read set: every read is sent", func(t *testing.T) {
		get(t.Context(), k, true)
		get(t.Context(), k, true)
		if n := wire(); n != 2 {
			t.Fatalf("%d requests, want 2", n)
		}
	})
	t.Run("case=a repeated read is answered from the set", func(t *testing.T) {
		ctx := dynamo.WithReadSet(t.Context())
		if v := get(ctx, k, true); v != "one" {
			t.Fatalf("read %q", v)
		}
		if v := get(ctx, k, true); v != "one" {
			t.Fatalf("read %q", v)
		}
		get(ctx, k, false) // a consistent read serves an eventually consistent one
		if n := wire(); n != 1 {
			t.Fatalf("%d requests, want 1", n)
		}
	})
	t.Run("case=a fresh read goes to the table", func(t *testing.T) {
		ctx := dynamo.WithReadSet(t.Context())
		get(ctx, k, true)
		get(dynamo.Fresh(ctx), k, true)
		get(ctx, k, true)
		if n := wire(); n != 2 {
			t.Fatalf("%d requests, want 2", n)
		}
	})
	t.Run("case=an eventually consistent read does not serve a consistent one", func(t *testing.T) {
		ctx := dynamo.WithReadSet(t.Context())
		get(ctx, k, false)
		get(ctx, k, true)
		get(ctx, k, true)
		if n := wire(); n != 2 {
			t.Fatalf("%d requests, want 2", n)
		}
	})
	t.Run("case=a write sends the next read to the table", func(t *testing.T) {
		ctx := dynamo.WithReadSet(t.Context())
		get(ctx, k, true)
		put(ctx, k, "two")
		if v := get(ctx, k, true); v != "two" {
			t.Fatalf("after the write: read %q", v)
		}
		get(ctx, other, true)
		if n := wire(); n != 4 {
			t.Fatalf("%d requests, want 4", n)
		}
	})
	t.Run("case=a failed transaction naming the item forgets it", func(t *testing.T) {
		ctx := dynamo.WithReadSet(t.Context())
		get(ctx, k, true)
		tx := store.Tx()
		rec, err := dynamo.Record(map[string]string{"v": "three"}, "test", k)
		if err != nil {
			t.Fatal(err)
		}
		tx.PutItem(rec, errExists) // a put of a new item: it fails, the item exists
		if err := store.Commit(ctx, tx); !errors.Is(err, errExists) {
			t.Fatal("the put of an existing item committed")
		}
		get(ctx, k, true)
		if n := wire(); n != 3 {
			t.Fatalf("%d requests, want 3", n)
		}
	})
	t.Run("case=a batch read fills the set, missing items too", func(t *testing.T) {
		ctx := dynamo.WithReadSet(t.Context())
		missing := table.Key{PK: "TEST#missing", SK: "TEST"}
		_, err := store.DB.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
			name: {Keys: []map[string]types.AttributeValue{k.AV(), missing.AV()}, ConsistentRead: aws.Bool(true)},
		}})
		if err != nil {
			t.Fatal(err)
		}
		if v := get(ctx, k, true); v != "two" {
			t.Fatalf("read %q", v)
		}
		if v := get(ctx, missing, true); v != "" {
			t.Fatalf("missing item read %q", v)
		}
		if n := wire(); n != 1 {
			t.Fatalf("%d requests, want 1", n)
		}
	})
}
