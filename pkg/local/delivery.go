package local

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// maxBackoff caps the wait between two deliveries of a failing record.
const maxBackoff = 5 * time.Second

// deliver hands recs to the function in batches, in order. A batch that fails from some record on is
// redelivered from that record; a record that fails MaxRetries redeliveries in a row is logged and dropped. It
// returns only when every record was delivered or dropped, or ctx ended.
func (p *Poller) deliver(ctx context.Context, recs []events.DynamoDBEventRecord) error {
	failures := 0 // failed deliveries in a row that began at recs[0]
	for len(recs) > 0 {
		batch := recs[:min(p.cfg.BatchSize, len(recs))]
		failedAt := p.invoke(ctx, batch)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if failedAt < 0 {
			recs, failures = recs[len(batch):], 0
			continue
		}
		if failedAt > 0 {
			recs, failures = recs[failedAt:], 0 // the records before the failure are done: checkpoint
		}
		failures++
		if failures > p.cfg.MaxRetries {
			p.cfg.Log.Error("stream record dropped after its last retry", "eventId", recs[0].EventID,
				"sequenceNumber", recs[0].Change.SequenceNumber, "attempts", failures)
			recs, failures = recs[1:], 0
			continue
		}
		wait := p.cfg.Backoff
		for i := 1; i < failures && wait < maxBackoff; i++ {
			wait *= 2
		}
		wait = min(wait, maxBackoff)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
	return nil
}

// invoke runs the function on one batch and returns the index of the first record to redeliver, or -1 if the
// whole batch succeeded. An error, a panic, or a failure naming a record that is not in the batch fails the
// whole batch, as they do in Lambda.
func (p *Poller) invoke(ctx context.Context, batch []events.DynamoDBEventRecord) (failedAt int) {
	ctx, cancel := context.WithTimeout(ctx, p.cfg.Timeout)
	defer cancel()
	ctx = lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{AwsRequestID: newUUID()})
	defer func() {
		if v := recover(); v != nil {
			p.cfg.Log.Error("stream function panicked", "panic", fmt.Sprint(v))
			failedAt = 0
		}
	}()
	resp, err := p.cfg.Handler(ctx, events.DynamoDBEvent{Records: batch})
	if err != nil {
		p.cfg.Log.Warn("stream function failed; the batch will be retried", "records", len(batch), "error", err.Error())
		return 0
	}
	failedAt = -1
	for _, f := range resp.BatchItemFailures {
		i := -1
		for j, r := range batch {
			if r.Change.SequenceNumber == f.ItemIdentifier {
				i = j
				break
			}
		}
		if i < 0 {
			p.cfg.Log.Warn("stream function reported a failure for a record not in its batch; the batch will be retried", "itemIdentifier", f.ItemIdentifier)
			return 0
		}
		if failedAt < 0 || i < failedAt {
			failedAt = i
		}
	}
	return failedAt
}
