// Package indexer keeps the search index: the search-index function's side of it. The table's stream hands it
// every change of a membership or an account (table.FindSources), with the item's old and new images; it
// computes the entries of each image (dynamo.FindsOf, the same pure function the searches use), and writes the
// difference — new and changed entries put, vanished ones deleted — with BatchWriteItem.
//
// Why from the stream and not in the change's own transaction: a membership has some forty entries and an
// account up to four times as many (one set per account above it), and staff assignment alone changes fifty
// memberships in one transaction, whose limit is a hundred items. So the index is derived, as DynamoDB derives a
// secondary index: eventually consistent, behind the change by the stream's delivery (usually well under a
// second). The searches check what they list against the rows themselves where that is cheap (package dynamo).
//
// Delivery is at least once and in order per item. Handling a record is idempotent: the writes are whole puts
// and deletes of entries computed from the images, so applying a change again leaves the index as it was, and
// records of one item in one batch are merged into one change from the first old image to the last new one.
// A batch whose writes fail reports the first record of each failed item, so the stream delivers it again.
package indexer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// DB is the part of the DynamoDB client the indexer uses: it only writes entries.
type DB interface {
	BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error)
}

var _ DB = (*dynamodb.Client)(nil)

// Limits of the writes.
const (
	// batchWriteMax is the most requests one BatchWriteItem takes.
	batchWriteMax = 25
	// writeAttempts bounds the re-requests of writes DynamoDB left unprocessed (under throttling).
	writeAttempts = 6
	// defaultConcurrency is how many BatchWriteItem requests run at once.
	defaultConcurrency = 4
)

// Config is what an Indexer needs.
type Config struct {
	DB    DB
	Table string
	// Clock measures how far behind the changes the index is, for the log; nil means the system clock.
	Clock clock.Clock
	Log   *slog.Logger
	// Concurrency is how many BatchWriteItem requests run at once; 0 means 4.
	Concurrency int
}

// Indexer writes the search index's entries. It is safe for concurrent use.
type Indexer struct {
	c Config
}

// New checks the configuration and fills in defaults.
func New(c Config) (*Indexer, error) {
	if c.DB == nil || c.Table == "" {
		return nil, errors.New("indexer: DB and Table are required")
	}
	if c.Clock == nil {
		c.Clock = clock.System{}
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.Concurrency <= 0 {
		c.Concurrency = defaultConcurrency
	}
	return &Indexer{c: c}, nil
}

// change is what a batch does to one item: from the old image of its first record to the new image of its last.
type change struct {
	first, last int // indexes of its first and last record in the batch
	key         string
}

// write is one request of a BatchWriteItem, and the change it belongs to.
type write struct {
	req    types.WriteRequest
	change int
}

// Handle is the Lambda handler: it brings the entries of every item the batch changed up to date and reports the
// records to deliver again.
func (x *Indexer) Handle(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	changes := x.changes(ev.Records)
	var writes []write
	puts, deletes := 0, 0
	for i, c := range changes {
		reqs, err := x.requests(ev.Records[c.first].Change.OldImage, ev.Records[c.last].Change.NewImage)
		if err != nil {
			// An image no retry can read: redelivering it would block the shard for nothing.
			x.c.Log.ErrorContext(ctx, "search index: stream record skipped", "eventId", ev.Records[c.first].EventID, "error", err.Error())
			continue
		}
		for _, r := range reqs {
			writes = append(writes, write{req: r, change: i})
			if r.PutRequest != nil {
				puts++
			} else {
				deletes++
			}
		}
	}
	failed := x.apply(ctx, writes, len(changes))
	var resp events.DynamoDBEventResponse
	for i, c := range changes {
		if failed[i] {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: ev.Records[c.first].Change.SequenceNumber})
		}
	}
	x.c.Log.DebugContext(ctx, "search index updated", "records", len(ev.Records), "items", len(changes), "puts", puts,
		"deletes", deletes, "failedItems", len(resp.BatchItemFailures), "lag", x.lag(ev.Records).String())
	return resp, nil
}

// changes groups the batch's records of index sources by item, in the order of their first record.
func (x *Indexer) changes(records []events.DynamoDBEventRecord) []change {
	var out []change
	at := map[string]int{}
	for i, r := range records {
		if !table.FindSources.Match(r) {
			continue
		}
		key := r.Change.Keys[table.AttrPK].String() + "\x00" + r.Change.Keys[table.AttrSK].String()
		if j, ok := at[key]; ok {
			out[j].last = i
			continue
		}
		at[key] = len(out)
		out = append(out, change{first: i, last: i, key: key})
	}
	return out
}

// requests are the writes that take the index from the entries of the item's image before to those of its image
// after (either may be missing).
func (x *Indexer) requests(before, after map[string]events.DynamoDBAttributeValue) ([]types.WriteRequest, error) {
	was, err := findsOf(before)
	if err != nil {
		return nil, err
	}
	is, err := findsOf(after)
	if err != nil {
		return nil, err
	}
	put, del := Diff(was, is)
	out := make([]types.WriteRequest, 0, len(put)+len(del))
	for _, e := range put {
		item, err := dynamo.FindItem(e)
		if err != nil {
			return nil, fmt.Errorf("encode search entry: %w", err)
		}
		out = append(out, types.WriteRequest{PutRequest: &types.PutRequest{Item: item}})
	}
	for _, k := range del {
		out = append(out, types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: k.AV()}})
	}
	return out, nil
}

// findsOf are the entries of a stream image.
func findsOf(image map[string]events.DynamoDBAttributeValue) ([]dynamo.FindEntry, error) {
	item, err := itemOf(image)
	if err != nil {
		return nil, err
	}
	return dynamo.FindsOf(item)
}

// Diff is what takes the index from entries was to entries is: the entries to put (new, or changed under the
// same key) and the keys to delete. Entries that stay as they are cost nothing.
func Diff(was, is []dynamo.FindEntry) (put []dynamo.FindEntry, del []table.Key) {
	old := make(map[table.Key]dynamo.FindEntry, len(was))
	for _, e := range was {
		old[e.Key] = e
	}
	keep := make(map[table.Key]bool, len(is))
	for _, e := range is {
		keep[e.Key] = true
		if o, ok := old[e.Key]; !ok || !o.Same(e) {
			put = append(put, e)
		}
	}
	for _, e := range was {
		if !keep[e.Key] {
			del = append(del, e.Key)
		}
	}
	return put, del
}

// apply runs the writes, batchWriteMax a request, Concurrency requests at once, and reports which changes had
// a write that did not succeed.
func (x *Indexer) apply(ctx context.Context, writes []write, changes int) []bool {
	failed := make([]bool, changes)
	var mu sync.Mutex
	sem := make(chan struct{}, x.c.Concurrency)
	var wg sync.WaitGroup
	for chunk := range slices.Chunk(writes, batchWriteMax) {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			if err := x.batch(ctx, chunk); err != nil {
				x.c.Log.ErrorContext(ctx, "search index: writes failed; the records will be delivered again", "error", err.Error())
				mu.Lock()
				for _, w := range chunk {
					failed[w.change] = true
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return failed
}

// batch writes one chunk, asking again for what DynamoDB leaves unprocessed, a few times with a short backoff.
func (x *Indexer) batch(ctx context.Context, chunk []write) error {
	reqs := make([]types.WriteRequest, len(chunk))
	for i, w := range chunk {
		reqs[i] = w.req
	}
	items := map[string][]types.WriteRequest{x.c.Table: reqs}
	for attempt := 0; len(items[x.c.Table]) > 0; attempt++ {
		if attempt == writeAttempts {
			return fmt.Errorf("%d writes left unprocessed", len(items[x.c.Table]))
		}
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Duration(attempt*attempt) * 20 * time.Millisecond):
			}
		}
		out, err := x.c.DB.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: items})
		if err != nil {
			return dynamo.Unavailable("write search entries", err)
		}
		items = out.UnprocessedItems
	}
	return nil
}

// lag is how long ago the batch's oldest change was made, as far as the stream's clock says (to the second).
func (x *Indexer) lag(records []events.DynamoDBEventRecord) time.Duration {
	var oldest time.Time
	for _, r := range records {
		if t := r.Change.ApproximateCreationDateTime.Time; !t.IsZero() && (oldest.IsZero() || t.Before(oldest)) {
			oldest = t
		}
	}
	if oldest.IsZero() {
		return 0
	}
	return x.c.Clock.Now().Sub(oldest).Round(time.Millisecond)
}
