// Package sweep expires what was not used in time. On a schedule it queries the sparse expiry index for the
// items due now and hands each one to the Expirer registered for its record type; the Expirer changes the item
// with its own conditional write and takes it off the index. The sweep's cost grows with what is due, never
// with the table: it makes one Query per page of due items and reads nothing else.
package sweep

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// Expirer expires one due item of its record type. It must make its change with a conditional write (the item
// may have been used, renewed or rescheduled since the sweep read it) and must remove the item's xpk and xsk
// attributes, so that it leaves the expiry index. An item that no longer needs expiring is not an error.
type Expirer interface {
	Expire(ctx context.Context, item map[string]types.AttributeValue, now time.Time) error
}

// ExpirerFunc adapts a function to Expirer.
type ExpirerFunc func(ctx context.Context, item map[string]types.AttributeValue, now time.Time) error

// Expire calls f.
func (f ExpirerFunc) Expire(ctx context.Context, item map[string]types.AttributeValue, now time.Time) error {
	return f(ctx, item, now)
}

// Sweeper runs the sweep.
type Sweeper struct {
	db       dynamo.DB
	table    string
	clock    clock.Clock
	log      *slog.Logger
	expirers map[string]Expirer
	pageSize int32
	workers  int
	margin   time.Duration
}

// Option changes a Sweeper.
type Option func(*Sweeper)

// WithPageSize sets how many due items one Query reads (default 100).
func WithPageSize(n int32) Option { return func(s *Sweeper) { s.pageSize = n } }

// WithMargin sets how much time before the invocation's deadline the sweep stops reading more pages
// (default 10 s), so that a run with more due than it can handle ends cleanly instead of being cut off.
func WithMargin(d time.Duration) Option { return func(s *Sweeper) { s.margin = d } }

// WithWorkers sets how many items of a page are expired at once (default 8).
func WithWorkers(n int) Option { return func(s *Sweeper) { s.workers = n } }

// New returns a Sweeper that hands due items to the expirer registered for their "type" attribute
// (table.TypeToken, table.TypeChallenge, ...). Items of a type without an expirer are logged and left alone.
func New(db dynamo.DB, tableName string, c clock.Clock, log *slog.Logger, expirers map[string]Expirer, opts ...Option) *Sweeper {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Sweeper{db: db, table: tableName, clock: c, log: log, expirers: maps.Clone(expirers), pageSize: 100, workers: 8, margin: 10 * time.Second}
	for _, o := range opts {
		o(s)
	}
	if s.pageSize <= 0 {
		s.pageSize = 100
	}
	if s.workers <= 0 {
		s.workers = 1
	}
	return s
}

// Result counts what a run did.
type Result struct {
	Due       int // items the query returned
	Expired   int // handed to an expirer that succeeded
	Unhandled int // of a type without an expirer
	Failed    int // whose expirer returned an error
}

// maxErrors is how many item errors a run's error spells out; the rest are only counted.
const maxErrors = 10

// Run expires every item due at the clock's now. An item's error does not stop the others; the run then
// returns an error that joins the first few of them, so the schedule records a failure.
func (s *Sweeper) Run(ctx context.Context) (Result, error) {
	now := s.clock.Now()
	var (
		res  Result
		mu   sync.Mutex
		errs []error
	)
	in := &dynamodb.QueryInput{
		TableName: aws.String(s.table),
		IndexName: aws.String(table.Expiry),
		// The sort-key bound is what keeps the sweep from reading anything that is not due.
		KeyConditionExpression:   aws.String("#xpk = :xpk AND #xsk < :upto"),
		ExpressionAttributeNames: map[string]string{"#xpk": table.AttrXPK, "#xsk": table.AttrXSK},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":xpk":  dynamo.S(table.ExpiryPartition),
			":upto": dynamo.S(table.ExpiryUpTo(now)),
		},
		Limit: aws.Int32(s.pageSize),
	}
	for {
		if err := ctx.Err(); err != nil {
			errs = append(errs, err)
			break
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < s.margin {
			// More is due than one run can handle: stop cleanly, the next run goes on from the oldest due item.
			s.log.WarnContext(ctx, "sweep stopped before its deadline; the rest is left to the next run", "due", res.Due)
			break
		}
		out, err := s.db.Query(ctx, in)
		if err != nil {
			errs = append(errs, dynamo.Unavailable("query expiry index", err))
			break
		}
		res.Due += len(out.Items)
		sem := make(chan struct{}, s.workers)
		var wg sync.WaitGroup
		for _, item := range out.Items {
			typ := str(item[table.AttrType])
			exp, ok := s.expirers[typ]
			if !ok {
				res.Unhandled++
				s.log.WarnContext(ctx, "no expirer for due item", "type", typ, "pk", str(item[table.AttrPK]), "sk", str(item[table.AttrSK]))
				continue
			}
			sem <- struct{}{}
			wg.Go(func() {
				defer func() { <-sem }()
				err := exp.Expire(ctx, item, now)
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					res.Expired++
					return
				}
				res.Failed++
				s.log.ErrorContext(ctx, "expire item", "type", typ, "pk", str(item[table.AttrPK]), "error", err.Error())
				if len(errs) < maxErrors {
					errs = append(errs, fmt.Errorf("expire %s %s: %w", typ, str(item[table.AttrPK]), err))
				}
			})
		}
		wg.Wait()
		if len(out.LastEvaluatedKey) == 0 {
			break
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
	s.log.InfoContext(ctx, "sweep", "due", res.Due, "expired", res.Expired, "unhandled", res.Unhandled, "failed", res.Failed)
	if len(errs) == 0 {
		return res, nil
	}
	if res.Failed > 0 {
		return res, fmt.Errorf("sweep: %d of %d due items failed: %w", res.Failed, res.Due, errors.Join(errs...))
	}
	return res, fmt.Errorf("sweep: %w", errors.Join(errs...))
}

// Handle is the Lambda handler of the schedule. The sweep uses its own clock rather than the event's time, so
// a delayed or retried invocation still expires everything due when it runs.
func (s *Sweeper) Handle(ctx context.Context, ev events.EventBridgeEvent) error {
	s.log.DebugContext(ctx, "scheduled sweep", "eventId", ev.ID, "scheduledAt", ev.Time)
	_, err := s.Run(ctx)
	return err
}

func str(v types.AttributeValue) string {
	if s, ok := v.(*types.AttributeValueMemberS); ok {
		return s.Value
	}
	return ""
}
