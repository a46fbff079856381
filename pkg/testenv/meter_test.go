package testenv_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

// metered is a table and a DynamoDB client built by the App with a meter, as cmd/bench builds the handlers'.
func metered(t *testing.T) (*testenv.Meter, *app.App, string) {
	t.Helper()
	env := testenv.Get(t)
	name := env.NewTable(t)
	m := testenv.NewMeter()
	a, err := app.New(t.Context(), env.Config(name), app.WithAWS(m.AWS()))
	if err != nil {
		t.Fatal(err)
	}
	return m, a, name
}

func key(pk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: pk}, "sk": &types.AttributeValueMemberS{Value: "ITEM"}}
}

func item(pk string, size int) map[string]types.AttributeValue {
	it := key(pk)
	it["body"] = &types.AttributeValueMemberS{Value: strings.Repeat("x", size)}
	return it
}

func TestMeterCountsRequestsItemsAndCapacityByOperation(t *testing.T) {
	t.Parallel()
	m, a, name := metered(t)
	db, ctx := a.Dynamo(), context.Background()
	tableName := aws.String(name)
	for _, it := range []map[string]types.AttributeValue{item("A", 100), item("B", 5000)} {
		if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: tableName, Item: it}); err != nil {
			t.Fatal(err)
		}
	}
	strong := &dynamodb.GetItemInput{TableName: tableName, Key: key("A"), ConsistentRead: aws.Bool(true)}
	for _, in := range []*dynamodb.GetItemInput{strong, {TableName: tableName, Key: key("A")}, {TableName: tableName, Key: key("none")}} {
		if _, err := db.GetItem(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	if strong.ReturnConsumedCapacity != "" {
		t.Errorf("the caller's input was changed: ReturnConsumedCapacity = %q", strong.ReturnConsumedCapacity)
	}
	if _, err := db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
		name: {Keys: []map[string]types.AttributeValue{key("A"), key("B")}},
	}}); err != nil {
		t.Fatal(err)
	}
	// Not metered: the environment's own client.
	if _, err := testenv.Get(t).Dynamo.GetItem(ctx, &dynamodb.GetItemInput{TableName: tableName, Key: key("A")}); err != nil {
		t.Fatal(err)
	}

	got := m.Take()
	want := testenv.Usage{
		// 100 bytes is 1 unit; 5,000 bytes are 5 units of 1 KB.
		"PutItem": {Requests: 2, WCU: 6},
		// Strongly consistent 1, eventually consistent 0.5, and a miss still costs a read.
		"GetItem": {Requests: 3, ItemsRead: 2, RCU: 2},
		// Eventually consistent, rounded per item: 0.5 for 100 bytes, 1 for 5,000 (two units of 4 KB).
		"BatchGetItem": {Requests: 1, ItemsRead: 2, RCU: 1.5},
	}
	if len(got) != len(want) {
		t.Errorf("operations = %v, want %v", got, want)
	}
	for op, w := range want {
		if got[op] != w {
			t.Errorf("%s = %+v, want %+v", op, got[op], w)
		}
	}
	if total := got.Total(); total.Requests != 6 || total.ItemsRead != 4 {
		t.Errorf("total = %+v, want 6 requests that read 4 items", total)
	}
	if s := got.Requests(2); s != "BatchGetItem 0.5, GetItem 1.5, PutItem 1" {
		t.Errorf("Requests(2) = %q", s)
	}
	if again := m.Take(); len(again) != 0 {
		t.Errorf("a second Take counted %v, want nothing", again)
	}
}

func TestMeterCountsQueriesTransactionsAndFailures(t *testing.T) {
	t.Parallel()
	m, a, name := metered(t)
	db, ctx := a.Dynamo(), context.Background()
	tableName := aws.String(name)
	put := func(it map[string]types.AttributeValue) types.TransactWriteItem {
		return types.TransactWriteItem{Put: &types.Put{TableName: tableName, Item: it, ConditionExpression: aws.String("attribute_not_exists(pk)")}}
	}
	// A new input each time: the SDK gives an input without one an idempotency token, and a second call with the
	// same token would be answered as the first.
	tx := func() *dynamodb.TransactWriteItemsInput {
		return &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{put(item("A", 10)), put(item("B", 10))}}
	}
	if _, err := db.TransactWriteItems(ctx, tx()); err != nil {
		t.Fatal(err)
	}
	// The same writes again fail their conditions: a request, with no capacity reported.
	if _, err := db.TransactWriteItems(ctx, tx()); err == nil {
		t.Fatal("the second transaction succeeded")
	}
	if _, err := db.Query(ctx, &dynamodb.QueryInput{
		TableName: tableName, KeyConditionExpression: aws.String("pk = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: "A"}},
		ConsistentRead:            aws.Bool(true),
	}); err != nil {
		t.Fatal(err)
	}
	got := m.Take()
	// Transactional writes cost 2 units per 1 KB item.
	if w := (testenv.Use{Requests: 2, WCU: 4}); got["TransactWriteItems"] != w {
		t.Errorf("TransactWriteItems = %+v, want %+v", got["TransactWriteItems"], w)
	}
	if w := (testenv.Use{Requests: 1, ItemsRead: 1, RCU: 1}); got["Query"] != w {
		t.Errorf("Query = %+v, want %+v", got["Query"], w)
	}
}

// TestMeterCountsOnlyWhatReachesTheTable: a call that a middleware answers before it is sent (as the per-request
// read set answers a repeated read) is not a request.
func TestMeterCountsOnlyWhatReachesTheTable(t *testing.T) {
	t.Parallel()
	m, a, name := metered(t)
	answered := func(o *dynamodb.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			return s.Initialize.Add(middleware.InitializeMiddlewareFunc("answer", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				return middleware.InitializeOutput{Result: &dynamodb.GetItemOutput{}}, middleware.Metadata{}, nil
			}), middleware.Before)
		})
	}
	// Built from the App's configuration, as any client of the process is: it carries the meter too.
	db := dynamodb.NewFromConfig(a.AWS(), answered)
	if _, err := db.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(name), Key: key("A")}); err != nil {
		t.Fatal(err)
	}
	if got := m.Take(); len(got) != 0 {
		t.Fatalf("counted %v for a call that never left the process", got)
	}
	if _, err := dynamodb.NewFromConfig(a.AWS()).GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(name), Key: key("A")}); err != nil {
		t.Fatal(err)
	}
	if got := m.Take()["GetItem"]; got.Requests != 1 {
		t.Fatalf("a client built from the App's configuration: GetItem = %+v, want 1 request", got)
	}
}
