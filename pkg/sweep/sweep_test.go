package sweep_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/sweep"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.Run(m)) }

var now = time.Date(2026, 1, 15, 12, 5, 0, 0, time.UTC)

// recorder is a dynamo.DB that passes every call to the emulator and records the queries and what they read.
type recorder struct {
	dynamo.DB
	mu      sync.Mutex
	queries []*dynamodb.QueryInput
	read    int // items returned by all queries
	calls   []string
}

func (r *recorder) note(call string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, call)
}

func (r *recorder) Query(ctx context.Context, in *dynamodb.QueryInput, opts ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	out, err := r.DB.Query(ctx, in, opts...)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, "Query")
	r.queries = append(r.queries, in)
	if err == nil {
		r.read += len(out.Items)
	}
	return out, err
}

func (r *recorder) GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	r.note("GetItem")
	return r.DB.GetItem(ctx, in, opts...)
}

func (r *recorder) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	r.note("UpdateItem")
	return r.DB.UpdateItem(ctx, in, opts...)
}

func (r *recorder) PutItem(ctx context.Context, in *dynamodb.PutItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	r.note("PutItem")
	return r.DB.PutItem(ctx, in, opts...)
}

func (r *recorder) DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error) {
	r.note("DeleteItem")
	return r.DB.DeleteItem(ctx, in, opts...)
}

func (r *recorder) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, opts ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	r.note("TransactWriteItems")
	return r.DB.TransactWriteItems(ctx, in, opts...)
}

// world is one test's table.
type world struct {
	env   *testenv.Env
	table string
	db    *recorder
}

func newWorld(t *testing.T) *world {
	t.Helper()
	env := testenv.Get(t)
	return &world{env: env, table: env.NewTable(t), db: &recorder{DB: env.Dynamo}}
}

// put writes a record of type typ with a status, due at due (on the expiry index), and returns its key.
func (w *world) put(t *testing.T, typ, id, status string, due time.Time) table.Key {
	t.Helper()
	key := table.Key{PK: strings.ToUpper(typ) + "#" + id, SK: strings.ToUpper(typ)}
	item, err := dynamo.Record(struct {
		Status  string `dynamodbav:"status"`
		Version int    `dynamodbav:"version"`
	}{status, 1}, typ, key, dynamo.DueAt(due, key))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.env.Dynamo.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(w.table), Item: item}); err != nil {
		t.Fatal(err)
	}
	return key
}

func (w *world) get(t *testing.T, key table.Key) map[string]types.AttributeValue {
	t.Helper()
	out, err := w.env.Dynamo.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(w.table), Key: key.AV(), ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	return out.Item
}

func str(item map[string]types.AttributeValue, name string) string {
	if s, ok := item[name].(*types.AttributeValueMemberS); ok {
		return s.Value
	}
	return ""
}

func indexed(item map[string]types.AttributeValue) bool {
	_, xpk := item[table.AttrXPK]
	_, xsk := item[table.AttrXSK]
	return xpk || xsk
}

func (w *world) transition() sweep.Transition {
	return sweep.Transition{DB: w.db, Table: w.table, From: []string{"pending"}, To: "expired"}
}

func TestSweepExpiresWhatIsDueAndReadsNothingElse(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	due := []table.Key{
		w.put(t, table.TypeToken, "a", "pending", now.Add(-48*time.Hour)),
		w.put(t, table.TypeToken, "b", "pending", now.Add(-time.Second)),
		w.put(t, table.TypeToken, "c", "pending", now), // due at exactly now is due
	}
	later := []table.Key{
		w.put(t, table.TypeToken, "d", "pending", now.Add(time.Nanosecond)),
		w.put(t, table.TypeToken, "e", "pending", now.Add(72*time.Hour)),
	}
	orphan := w.put(t, "mystery", "f", "pending", now.Add(-time.Hour)) // no expirer for its type

	s := sweep.New(w.db, w.table, clock.NewFake(now), nil, map[string]sweep.Expirer{table.TypeToken: w.transition()})
	res, err := s.Run(context.Background())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if res != (sweep.Result{Due: 4, Expired: 3, Unhandled: 1}) {
		t.Fatalf("result = %+v", res)
	}

	// The query is bounded by the sort key: it read the four due items and nothing that is not due.
	if len(w.db.queries) != 1 || w.db.read != 4 {
		t.Fatalf("%d queries read %d items, want 1 query reading 4", len(w.db.queries), w.db.read)
	}
	q := w.db.queries[0]
	if aws.ToString(q.IndexName) != table.Expiry {
		t.Errorf("index = %q, want %q", aws.ToString(q.IndexName), table.Expiry)
	}
	if cond := aws.ToString(q.KeyConditionExpression); cond != "#xpk = :xpk AND #xsk < :upto" || q.ExpressionAttributeNames["#xsk"] != table.AttrXSK {
		t.Errorf("key condition = %q %v, want xsk bounded above", cond, q.ExpressionAttributeNames)
	}
	if upto := q.ExpressionAttributeValues[":upto"].(*types.AttributeValueMemberS).Value; upto != table.ExpiryUpTo(now) {
		t.Errorf("upper bound = %q, want %q", upto, table.ExpiryUpTo(now))
	}
	if slices.ContainsFunc(w.db.calls, func(c string) bool { return c != "Query" && c != "UpdateItem" }) {
		t.Errorf("calls = %v, want only Query and the expirers' updates", w.db.calls)
	}

	for _, k := range due {
		item := w.get(t, k)
		if str(item, "status") != "expired" || indexed(item) || str(item, "expiredAt") != table.Timestamp(now) {
			t.Errorf("%s: status %q indexed %v expiredAt %q; want expired and off the index", k.PK, str(item, "status"), indexed(item), str(item, "expiredAt"))
		}
	}
	for _, k := range later {
		if item := w.get(t, k); str(item, "status") != "pending" || !indexed(item) {
			t.Errorf("%s is not due but was changed", k.PK)
		}
	}
	if item := w.get(t, orphan); str(item, "status") != "pending" || !indexed(item) {
		t.Error("an item without an expirer was changed")
	}

	t.Run("case=second-run", func(t *testing.T) {
		res, err := s.Run(context.Background())
		if err != nil || res != (sweep.Result{Due: 1, Unhandled: 1}) {
			t.Fatalf("second run = %+v, %v; want only the orphan read again", res, err)
		}
	})
}

func TestSweepWithNothingDueMakesOneQuery(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.put(t, table.TypeToken, "later", "pending", now.Add(time.Minute))
	called := false
	s := sweep.New(w.db, w.table, clock.NewFake(now), nil, map[string]sweep.Expirer{
		table.TypeToken: sweep.ExpirerFunc(func(context.Context, map[string]types.AttributeValue, time.Time) error {
			called = true
			return nil
		}),
	})
	res, err := s.Run(context.Background())
	if err != nil || res != (sweep.Result{}) {
		t.Fatalf("Run = %+v, %v", res, err)
	}
	if !slices.Equal(w.db.calls, []string{"Query"}) || w.db.read != 0 || called {
		t.Fatalf("calls = %v, read %d, expirer called %v; want one Query reading nothing", w.db.calls, w.db.read, called)
	}
}

func TestSweepPaginates(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	var keys []table.Key
	for i := range 5 {
		keys = append(keys, w.put(t, table.TypeChallenge, string(rune('a'+i)), "pending", now.Add(-time.Duration(i+1)*time.Minute)))
	}
	s := sweep.New(w.db, w.table, clock.NewFake(now), nil,
		map[string]sweep.Expirer{table.TypeChallenge: w.transition()}, sweep.WithPageSize(2))
	res, err := s.Run(context.Background())
	if err != nil || res.Expired != 5 {
		t.Fatalf("Run = %+v, %v; want 5 expired", res, err)
	}
	if len(w.db.queries) != 3 {
		t.Errorf("%d queries for 5 items in pages of 2, want 3", len(w.db.queries))
	}
	for _, k := range keys {
		if item := w.get(t, k); indexed(item) {
			t.Errorf("%s is still on the index", k.PK)
		}
	}
}

func TestSweepGoesOnAfterAFailure(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	bad := w.put(t, table.TypeToken, "bad", "pending", now.Add(-time.Hour))
	good := []table.Key{
		w.put(t, table.TypeToken, "good1", "pending", now.Add(-2*time.Hour)),
		w.put(t, table.TypeToken, "good2", "pending", now.Add(-time.Minute)),
	}
	boom := errors.New("boom")
	tr := w.transition()
	s := sweep.New(w.db, w.table, clock.NewFake(now), nil, map[string]sweep.Expirer{
		table.TypeToken: sweep.ExpirerFunc(func(ctx context.Context, item map[string]types.AttributeValue, at time.Time) error {
			if str(item, table.AttrPK) == bad.PK {
				return boom
			}
			return tr.Expire(ctx, item, at)
		}),
	})
	res, err := s.Run(context.Background())
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "1 of 3") {
		t.Fatalf("err = %v, want the item's error with a count", err)
	}
	if res != (sweep.Result{Due: 3, Expired: 2, Failed: 1}) {
		t.Fatalf("result = %+v", res)
	}
	for _, k := range good {
		if item := w.get(t, k); str(item, "status") != "expired" {
			t.Errorf("%s was not expired after another item failed", k.PK)
		}
	}
	if item := w.get(t, bad); !indexed(item) {
		t.Error("the failed item left the index; the next run could not retry it")
	}
}

func TestTransitionRespectsWhatChangedSinceTheRead(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	tr := w.transition()

	t.Run("case=rescheduled", func(t *testing.T) {
		key := w.put(t, table.TypeToken, "resent", "pending", now.Add(-time.Minute))
		stale := w.get(t, key)
		w.put(t, table.TypeToken, "resent", "pending", now.Add(72*time.Hour)) // a resend moved the deadline
		if err := tr.Expire(ctx, stale, now); err != nil {
			t.Fatal(err)
		}
		item := w.get(t, key)
		if str(item, "status") != "pending" || str(item, table.AttrXSK) != table.ExpiryIndexKey(now.Add(72*time.Hour), key).SK {
			t.Fatalf("a rescheduled item was changed: status %q xsk %q", str(item, "status"), str(item, table.AttrXSK))
		}
	})
	t.Run("case=used", func(t *testing.T) {
		key := w.put(t, table.TypeToken, "used", "used", now.Add(-time.Minute))
		if err := tr.Expire(ctx, w.get(t, key), now); err != nil {
			t.Fatal(err)
		}
		item := w.get(t, key)
		if str(item, "status") != "used" || indexed(item) {
			t.Fatalf("a used item: status %q indexed %v; want used and off the index", str(item, "status"), indexed(item))
		}
	})
	t.Run("case=gone", func(t *testing.T) {
		key := w.put(t, table.TypeToken, "gone", "pending", now.Add(-time.Minute))
		item := w.get(t, key)
		if _, err := w.env.Dynamo.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(w.table), Key: key.AV()}); err != nil {
			t.Fatal(err)
		}
		if err := tr.Expire(ctx, item, now); err != nil {
			t.Fatal(err)
		}
		if w.get(t, key) != nil {
			t.Fatal("expiring a deleted item created it again")
		}
	})
	t.Run("case=version", func(t *testing.T) {
		key := w.put(t, table.TypeToken, "v", "pending", now.Add(-time.Minute))
		if err := tr.Expire(ctx, w.get(t, key), now); err != nil {
			t.Fatal(err)
		}
		if v := w.get(t, key)[table.AttrVersion].(*types.AttributeValueMemberN).Value; v != "2" {
			t.Fatalf("version = %s, want 2", v)
		}
	})
}

func TestHandleRunsOnTheScheduledEventFixture(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../../events/expiry-sweep.json")
	if err != nil {
		t.Fatal(err)
	}
	var ev events.EventBridgeEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatalf("decode fixture: %v", err)
	}
	if ev.DetailType != "Scheduled Event" || ev.Source != "aws.events" || ev.Time.IsZero() {
		t.Fatalf("fixture is not a scheduled event: %+v", ev)
	}
	w := newWorld(t)
	key := w.put(t, table.TypeToken, "x", "pending", now.Add(-time.Minute))

	t.Run("case=ok", func(t *testing.T) {
		s := sweep.New(w.db, w.table, clock.NewFake(now), nil, map[string]sweep.Expirer{table.TypeToken: w.transition()})
		if err := s.Handle(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
		if item := w.get(t, key); str(item, "status") != "expired" {
			t.Fatal("the handler did not expire the due item")
		}
	})
	t.Run("case=table-missing", func(t *testing.T) {
		s := sweep.New(w.db, "no-such-table", clock.NewFake(now), nil, nil)
		if err := s.Handle(context.Background(), ev); err == nil {
			t.Fatal("a sweep that cannot query reported success")
		}
	})
}

func TestSweepStopsCleanlyBeforeItsDeadline(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.put(t, table.TypeToken, "a", "pending", now.Add(-time.Minute))
	s := sweep.New(w.db, w.table, clock.NewFake(now), nil, map[string]sweep.Expirer{table.TypeToken: w.transition()},
		sweep.WithMargin(time.Minute))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second) // less than the margin
	defer cancel()
	if _, err := s.Run(ctx); err != nil || len(w.db.calls) != 0 {
		t.Fatalf("Run = %v with calls %v; want a clean stop before reading", err, w.db.calls)
	}
}
