package indexer_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/indexer"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.Run(m)) }

// world is one test's table, its store, the indexer, and the table's stream delivered to the indexer on demand.
type world struct {
	t      *testing.T
	env    *testenv.Env
	table  string
	store  dynamo.Store
	idx    *indexer.Indexer
	stream *testenv.Stream
}

func newWorld(t *testing.T) *world {
	t.Helper()
	env := testenv.Get(t)
	w := &world{t: t, env: env, table: env.NewTable(t)}
	w.store = dynamo.Store{DB: env.Dynamo, Table: w.table}
	var err error
	if w.idx, err = indexer.New(indexer.Config{DB: env.Dynamo, Table: w.table}); err != nil {
		t.Fatal(err)
	}
	w.stream = env.Stream(t, w.table, table.FindSources, w.idx.Handle)
	return w
}

// commit commits a transaction built by build.
func (w *world) commit(build func(tx *dynamo.Tx)) {
	w.t.Helper()
	tx := w.store.Tx()
	build(tx)
	if err := w.store.Commit(context.Background(), tx); err != nil {
		w.t.Fatal(err)
	}
}

// entries lists the keys of every entry in a partition of the index, in key order.
func (w *world) entries(partition string) []string {
	w.t.Helper()
	var out []string
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(w.table),
		KeyConditionExpression:    aws.String("pk = :p"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": &types.AttributeValueMemberS{Value: partition}},
	}
	for {
		res, err := w.env.Dynamo.Query(context.Background(), in)
		if err != nil {
			w.t.Fatal(err)
		}
		for _, item := range res.Items {
			out = append(out, item[table.AttrSK].(*types.AttributeValueMemberS).Value)
		}
		if len(res.LastEvaluatedKey) == 0 {
			return out
		}
		in.ExclusiveStartKey = res.LastEvaluatedKey
	}
}

// recorder is a stream function that keeps the records it is handed, to hand them to the indexer by hand.
type recorder struct{ records []events.DynamoDBEventRecord }

func (r *recorder) handle(_ context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	r.records = append(r.records, ev.Records...)
	return events.DynamoDBEventResponse{}, nil
}

// suffixesOf lists the suffix part of sort keys, sorted and without repeats.
func suffixesOf(sks []string) []string {
	var out []string
	for _, sk := range sks {
		s, _, _ := strings.Cut(sk, "\x1f")
		out = append(out, s)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
