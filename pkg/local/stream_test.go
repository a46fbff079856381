package local_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/local"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

// streamRecorder is a stream function that keeps every batch it gets and answers what it is told.
type streamRecorder struct {
	mu      sync.Mutex
	batches [][]events.DynamoDBEventRecord
	answer  func(call int, batch []events.DynamoDBEventRecord) (events.DynamoDBEventResponse, error)
}

func (r *streamRecorder) handle(_ context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	r.mu.Lock()
	r.batches = append(r.batches, ev.Records)
	call := len(r.batches)
	r.mu.Unlock()
	if r.answer == nil {
		return events.DynamoDBEventResponse{}, nil
	}
	return r.answer(call, ev.Records)
}

// ids lists each batch as the outbox ids it held, e.g. "a,b|b".
func (r *streamRecorder) ids() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, b := range r.batches {
		var ids []string
		for _, rec := range b {
			ids = append(ids, outboxID(rec))
		}
		out = append(out, strings.Join(ids, ","))
	}
	return strings.Join(out, "|")
}

func (r *streamRecorder) calls() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.batches)
}

func outboxID(rec events.DynamoDBEventRecord) string {
	return strings.TrimPrefix(rec.Change.Keys["pk"].String(), table.OutboxPrefix)
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// startPoller opens a poller on a new table, lets write add items while the poller is positioned but not yet
// polling (so they arrive in one read), runs it, and stops it when the test ends.
func startPoller(t *testing.T, rec *streamRecorder, cfg local.PollerConfig, write func(name string)) string {
	t.Helper()
	env := testenv.Get(t)
	name := env.NewTable(t)
	cfg.Streams, cfg.Table, cfg.Region, cfg.Filter, cfg.Handler = env.Streams, name, "us-east-1", table.OutboxInserts, rec.handle
	cfg.Interval = 20 * time.Millisecond
	if cfg.Backoff == 0 {
		cfg.Backoff = time.Millisecond
	}
	p := local.NewPoller(cfg)
	ctx, cancel := context.WithCancel(context.Background())
	if err := p.Open(ctx); err != nil {
		t.Fatal(err)
	}
	write(name)
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run = %v, want nil after cancel", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("the poller did not stop after its context ended")
		}
	})
	return name
}

func put(t *testing.T, name string, item map[string]types.AttributeValue) {
	t.Helper()
	_, err := testenv.Get(t).Dynamo.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(name), Item: item})
	if err != nil {
		t.Fatal(err)
	}
}

func outboxItem(id string) map[string]types.AttributeValue {
	k := table.OutboxKey(id)
	return map[string]types.AttributeValue{
		"pk":   &types.AttributeValueMemberS{Value: k.PK},
		"sk":   &types.AttributeValueMemberS{Value: k.SK},
		"type": &types.AttributeValueMemberS{Value: table.TypeOutbox},
	}
}

func TestPollerDeliversOutboxInsertsOnly(t *testing.T) {
	t.Parallel()
	rec := &streamRecorder{}
	name := startPoller(t, rec, local.PollerConfig{}, func(name string) {
		user := table.UserKey("u1")
		put(t, name, map[string]types.AttributeValue{
			"pk": &types.AttributeValueMemberS{Value: user.PK}, "sk": &types.AttributeValueMemberS{Value: user.SK},
		})
		x := outboxItem("x")
		x["to"] = &types.AttributeValueMemberS{Value: "ada@example.com"}
		x["attempts"] = &types.AttributeValueMemberN{Value: "0"}
		x["data"] = &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
			"names": &types.AttributeValueMemberL{Value: []types.AttributeValue{&types.AttributeValueMemberS{Value: "Ada"}, &types.AttributeValueMemberNULL{Value: true}}},
			"ok":    &types.AttributeValueMemberBOOL{Value: true},
		}}
		put(t, name, x)
		// The mailer marks the message sent: a MODIFY, which must not trigger it again.
		_, err := testenv.Get(t).Dynamo.UpdateItem(context.Background(), &dynamodb.UpdateItemInput{
			TableName: aws.String(name), Key: table.OutboxKey("x").AV(),
			UpdateExpression:          aws.String("SET #s = :s"),
			ExpressionAttributeNames:  map[string]string{"#s": "status"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":s": &types.AttributeValueMemberS{Value: "sent"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		put(t, name, outboxItem("y"))
	})
	// y is last in the stream: once it arrived, everything before it was either delivered or filtered out.
	waitFor(t, "the outbox insert of y", func() bool { return strings.Contains(rec.ids(), "y") })
	if got := rec.ids(); got != "x,y" {
		t.Fatalf("delivered %q, want the two outbox inserts %q in one batch", got, "x,y")
	}

	rec.mu.Lock()
	r := rec.batches[0][0]
	rec.mu.Unlock()
	if r.EventName != "INSERT" || r.EventSource != "aws:dynamodb" || r.AWSRegion != "us-east-1" || r.EventID == "" ||
		r.Change.SequenceNumber == "" || r.Change.StreamViewType != "NEW_AND_OLD_IMAGES" || !strings.Contains(r.EventSourceArn, name) {
		t.Fatalf("record envelope = %+v", r)
	}
	if r.Change.OldImage != nil {
		t.Fatalf("an insert has no old image: %v", r.Change.OldImage)
	}
	keys, _ := json.Marshal(r.Change.Keys)
	if string(keys) != `{"pk":{"S":"OUTBOX#x"},"sk":{"S":"OUTBOX"}}` {
		t.Fatalf("keys = %s", keys)
	}
	img, _ := json.Marshal(r.Change.NewImage)
	want := `{"attempts":{"N":"0"},"data":{"M":{"names":{"L":[{"S":"Ada"},{"NULL":true}]},"ok":{"BOOL":true}}},"pk":{"S":"OUTBOX#x"},"sk":{"S":"OUTBOX"},"to":{"S":"ada@example.com"},"type":{"S":"outbox"}}`
	if string(img) != want {
		t.Fatalf("new image\n%s\nwant\n%s", img, want)
	}
}

func TestPollerRedeliversLikeLambda(t *testing.T) {
	t.Parallel()
	failID := func(id string) func(int, []events.DynamoDBEventRecord) (events.DynamoDBEventResponse, error) {
		return func(_ int, batch []events.DynamoDBEventRecord) (events.DynamoDBEventResponse, error) {
			var resp events.DynamoDBEventResponse
			for _, r := range batch {
				if outboxID(r) == id {
					resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: r.Change.SequenceNumber})
				}
			}
			return resp, nil
		}
	}
	tests := []struct {
		name       string
		maxRetries int
		answer     func(call int, batch []events.DynamoDBEventRecord) (events.DynamoDBEventResponse, error)
		// want lists the batches by outbox id; "s" is a sentinel written once all the others were seen.
		want string
	}{
		{
			name: "partial failure redelivers from the failed record",
			answer: func(call int, batch []events.DynamoDBEventRecord) (events.DynamoDBEventResponse, error) {
				if call == 1 {
					return failID("b")(call, batch)
				}
				return events.DynamoDBEventResponse{}, nil
			},
			want: "a,b,c|b,c|s",
		},
		{
			name: "an error retries the whole batch",
			answer: func(call int, _ []events.DynamoDBEventRecord) (events.DynamoDBEventResponse, error) {
				if call == 1 {
					return events.DynamoDBEventResponse{}, errors.New("throttled")
				}
				return events.DynamoDBEventResponse{}, nil
			},
			want: "a,b,c|a,b,c|s",
		},
		{
			name: "a failure naming no record of the batch retries the whole batch",
			answer: func(call int, _ []events.DynamoDBEventRecord) (events.DynamoDBEventResponse, error) {
				if call == 1 {
					return events.DynamoDBEventResponse{BatchItemFailures: []events.DynamoDBBatchItemFailure{{ItemIdentifier: "nonsense"}}}, nil
				}
				return events.DynamoDBEventResponse{}, nil
			},
			want: "a,b,c|a,b,c|s",
		},
		{
			name:       "a record that keeps failing is retried a bounded number of times, then dropped",
			maxRetries: 3,
			answer:     failID("b"),
			want:       "a,b,c|b,c|b,c|b,c|c|s",
		},
	}
	for _, tc := range tests {
		t.Run("case="+tc.name, func(t *testing.T) {
			t.Parallel()
			rec := &streamRecorder{answer: tc.answer}
			name := startPoller(t, rec, local.PollerConfig{MaxRetries: tc.maxRetries}, func(name string) {
				for _, id := range []string{"a", "b", "c"} {
					put(t, name, outboxItem(id))
				}
			})
			before := strings.Count(tc.want, "|") // batches before the sentinel's
			waitFor(t, "the deliveries before the sentinel", func() bool { return rec.calls() >= before })
			put(t, name, outboxItem("s"))
			waitFor(t, "the sentinel", func() bool { return strings.HasSuffix(rec.ids(), "s") })
			if got := rec.ids(); got != tc.want {
				t.Fatalf("batches %q, want %q", got, tc.want)
			}
		})
	}
}

func TestPollerBatchesAtMostBatchSize(t *testing.T) {
	t.Parallel()
	rec := &streamRecorder{}
	ids := []string{"1", "2", "3", "4", "5"}
	startPoller(t, rec, local.PollerConfig{BatchSize: 2}, func(name string) {
		for _, id := range ids {
			put(t, name, outboxItem(id))
		}
	})
	waitFor(t, "every record", func() bool { return strings.HasSuffix(rec.ids(), "5") })
	if got := rec.ids(); got != "1,2|3,4|5" {
		t.Fatalf("batches %q, want 1,2|3,4|5", got)
	}
	if slices.Contains(strings.Split(rec.ids(), "|"), "") {
		t.Fatal("an empty batch was delivered")
	}
}
