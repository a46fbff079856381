package local

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// Streams is the part of the DynamoDB Streams client the poller uses.
type Streams interface {
	ListStreams(ctx context.Context, in *dynamodbstreams.ListStreamsInput, opts ...func(*dynamodbstreams.Options)) (*dynamodbstreams.ListStreamsOutput, error)
	DescribeStream(ctx context.Context, in *dynamodbstreams.DescribeStreamInput, opts ...func(*dynamodbstreams.Options)) (*dynamodbstreams.DescribeStreamOutput, error)
	GetShardIterator(ctx context.Context, in *dynamodbstreams.GetShardIteratorInput, opts ...func(*dynamodbstreams.Options)) (*dynamodbstreams.GetShardIteratorOutput, error)
	GetRecords(ctx context.Context, in *dynamodbstreams.GetRecordsInput, opts ...func(*dynamodbstreams.Options)) (*dynamodbstreams.GetRecordsOutput, error)
}

var _ Streams = (*dynamodbstreams.Client)(nil)

// PollerConfig configures a Poller. The defaults match the CDK stack's event source mapping.
type PollerConfig struct {
	Streams Streams
	Table   string
	Region  string
	// Filter selects the records delivered, like the mapping's filter criteria (table.OutboxInserts).
	Filter  table.StreamFilter
	Handler app.StreamHandler
	// BatchSize is the most records per invocation; default 10.
	BatchSize int
	// MaxRetries is how often a failing record is redelivered before it is dropped; default 5, negative for
	// none.
	MaxRetries int
	// Backoff is the wait before the first redelivery; it doubles with each further one, up to 5 s.
	// Default 200 ms.
	Backoff time.Duration
	// Interval is the wait between two polls of the stream; default 250 ms.
	Interval time.Duration
	// Timeout bounds one invocation; default 1 minute.
	Timeout time.Duration
	// FromOldest makes Open position the poller at the oldest record the stream still holds (TRIM_HORIZON)
	// instead of its end, so a poller opened on a new table delivers everything written to it. Tests use it.
	FromOldest bool
	Log        *slog.Logger
}

// Poller reads the table's stream and delivers the matching records to a stream function the way Lambda's
// event source mapping does: in order per shard, in batches, redelivering from the first failed record of a
// batch (ReportBatchItemFailures) a bounded number of times. After the last retry it drops only the failing
// record, as the mapping's bisect-on-error would end up isolating it, and goes on.
//
// It keeps no checkpoint: like a new mapping with StartingPosition LATEST it reads what is written after Open.
type Poller struct {
	cfg    PollerConfig
	arn    string
	shards []*shard
	known  map[string]bool
	failed string // the last polling error, so a stopped emulator is logged once rather than every poll
}

type shard struct {
	id       string
	parent   string
	iterator *string
	last     string // sequence number of the last record read, to resume after an expired iterator
	done     bool
}

// NewPoller applies the defaults.
func NewPoller(cfg PollerConfig) *Poller {
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 10
	}
	if cfg.MaxRetries < 0 {
		cfg.MaxRetries = 0
	} else if cfg.MaxRetries == 0 {
		cfg.MaxRetries = 5
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = 200 * time.Millisecond
	}
	if cfg.Interval <= 0 {
		cfg.Interval = 250 * time.Millisecond
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = time.Minute
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Poller{cfg: cfg, known: map[string]bool{}}
}

// Open finds the table's stream and positions the poller at its end (LATEST), so that everything written
// after Open returns is delivered. Call it before writing what must be delivered (the first-start seeding).
// With FromOldest it positions the poller at the stream's oldest record instead.
func (p *Poller) Open(ctx context.Context) error {
	arn, err := p.findStream(ctx)
	if err != nil {
		return err
	}
	all, err := p.describe(ctx, arn)
	if err != nil {
		return err
	}
	parents := map[string]bool{}
	for _, s := range all {
		parents[aws.ToString(s.ParentShardId)] = true
	}
	p.arn, p.shards, p.known = arn, nil, map[string]bool{}
	for _, s := range all {
		id := aws.ToString(s.ShardId)
		p.known[id] = true
		if parents[id] {
			continue // a closed parent: its children hold what comes next
		}
		sh := &shard{id: id, parent: aws.ToString(s.ParentShardId)}
		at := types.ShardIteratorTypeLatest
		if p.cfg.FromOldest {
			at = types.ShardIteratorTypeTrimHorizon
		}
		if err := p.position(ctx, sh, at); err != nil {
			return err
		}
		p.shards = append(p.shards, sh)
	}
	return nil
}

// Poll reads the stream once, to its current end, and delivers what it read before it returns: what Run does
// on each tick. A test that must see the effect of everything it wrote calls it instead of waiting for Run. It
// calls Open first if nobody did.
func (p *Poller) Poll(ctx context.Context) error {
	if p.arn == "" {
		if err := p.Open(ctx); err != nil {
			return err
		}
	}
	return p.poll(ctx)
}

// Run polls until ctx ends, then returns nil. It calls Open first if nobody did. Errors while polling (the
// emulator restarting, say) are logged and polling goes on.
func (p *Poller) Run(ctx context.Context) error {
	if p.arn == "" {
		if err := p.Open(ctx); err != nil {
			return err
		}
	}
	t := time.NewTicker(p.cfg.Interval)
	defer t.Stop()
	for {
		err := p.poll(ctx)
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil && err.Error() != p.failed:
			p.failed = err.Error()
			p.cfg.Log.Warn("stream polling failed; retrying", "table", p.cfg.Table, "error", p.failed)
		case err == nil && p.failed != "":
			p.failed = ""
			p.cfg.Log.Info("stream polling recovered", "table", p.cfg.Table)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// poll reads every open shard to its current end and delivers what it read, then looks for new shards.
func (p *Poller) poll(ctx context.Context) error {
	if p.arn == "" {
		// The stream went away (the table was recreated): what the new stream holds is all new.
		arn, err := p.findStream(ctx)
		if err != nil {
			return err
		}
		p.arn, p.shards, p.known = arn, nil, map[string]bool{}
	}
	for _, sh := range p.shards {
		if err := p.drain(ctx, sh); err != nil {
			var gone *types.ResourceNotFoundException
			if errors.As(err, &gone) {
				p.arn = ""
			}
			return err
		}
	}
	return p.discover(ctx)
}

// drain reads one shard until it has nothing more for now, delivering as it goes.
func (p *Poller) drain(ctx context.Context, sh *shard) error {
	for !sh.done {
		out, err := p.cfg.Streams.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: sh.iterator, Limit: aws.Int32(1000)})
		var expired *types.ExpiredIteratorException
		var trimmed *types.TrimmedDataAccessException
		switch {
		case errors.As(err, &expired):
			err = p.position(ctx, sh, types.ShardIteratorTypeAfterSequenceNumber)
		case errors.As(err, &trimmed):
			p.cfg.Log.Warn("stream records were trimmed before they were read", "shard", sh.id)
			err = p.position(ctx, sh, types.ShardIteratorTypeTrimHorizon)
		}
		if err != nil {
			return err
		}
		if out == nil {
			continue // repositioned
		}
		var batch []events.DynamoDBEventRecord
		for _, r := range out.Records {
			rec, err := lambdaRecord(r, p.arn, p.region(r))
			if err != nil {
				p.cfg.Log.Error("stream record skipped: cannot convert it", "eventId", aws.ToString(r.EventID), "error", err.Error())
				continue
			}
			if p.cfg.Filter.Match(rec) {
				batch = append(batch, rec)
			}
		}
		if len(out.Records) > 0 {
			sh.last = aws.ToString(out.Records[len(out.Records)-1].Dynamodb.SequenceNumber)
		}
		if err := p.deliver(ctx, batch); err != nil {
			return err
		}
		sh.iterator = out.NextShardIterator
		sh.done = sh.iterator == nil // the shard was closed and read to its end
		if len(out.Records) == 0 {
			return nil
		}
	}
	return nil
}

func (p *Poller) region(r types.Record) string {
	if p.cfg.Region != "" {
		return p.cfg.Region
	}
	return aws.ToString(r.AwsRegion)
}

// discover starts reading shards that appeared since the last look, from their beginning, once their parent
// has been read to its end, so records of one item stay in order.
func (p *Poller) discover(ctx context.Context) error {
	all, err := p.describe(ctx, p.arn)
	if err != nil {
		return err
	}
	open := map[string]bool{}
	for _, sh := range p.shards {
		if !sh.done {
			open[sh.id] = true
		}
	}
	for _, s := range all {
		id := aws.ToString(s.ShardId)
		if p.known[id] || open[aws.ToString(s.ParentShardId)] {
			continue
		}
		sh := &shard{id: id, parent: aws.ToString(s.ParentShardId)}
		if err := p.position(ctx, sh, types.ShardIteratorTypeTrimHorizon); err != nil {
			return err
		}
		p.known[id] = true
		p.shards = append(p.shards, sh)
	}
	// Forget shards read to their end.
	kept := p.shards[:0]
	for _, sh := range p.shards {
		if !sh.done {
			kept = append(kept, sh)
		}
	}
	p.shards = kept
	return nil
}

func (p *Poller) findStream(ctx context.Context) (string, error) {
	out, err := p.cfg.Streams.ListStreams(ctx, &dynamodbstreams.ListStreamsInput{TableName: aws.String(p.cfg.Table)})
	if err != nil {
		return "", fmt.Errorf("list streams of %s: %w", p.cfg.Table, err)
	}
	if len(out.Streams) == 0 {
		return "", fmt.Errorf("table %s has no stream", p.cfg.Table)
	}
	// A table recreated under the same name may list its old streams too; the newest one is last.
	return aws.ToString(out.Streams[len(out.Streams)-1].StreamArn), nil
}

func (p *Poller) describe(ctx context.Context, arn string) ([]types.Shard, error) {
	var all []types.Shard
	var start *string
	for {
		out, err := p.cfg.Streams.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arn), ExclusiveStartShardId: start})
		if err != nil {
			return nil, fmt.Errorf("describe stream: %w", err)
		}
		all = append(all, out.StreamDescription.Shards...)
		start = out.StreamDescription.LastEvaluatedShardId
		if aws.ToString(start) == "" {
			return all, nil
		}
	}
}

// position gets a new iterator for sh. AFTER_SEQUENCE_NUMBER resumes after the last record read, or at the end
// if none was.
func (p *Poller) position(ctx context.Context, sh *shard, at types.ShardIteratorType) error {
	in := &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(p.arn), ShardId: aws.String(sh.id), ShardIteratorType: at}
	if at == types.ShardIteratorTypeAfterSequenceNumber {
		if sh.last == "" {
			in.ShardIteratorType = types.ShardIteratorTypeLatest
		} else {
			in.SequenceNumber = aws.String(sh.last)
		}
	}
	out, err := p.cfg.Streams.GetShardIterator(ctx, in)
	if err != nil {
		return fmt.Errorf("shard iterator for %s: %w", sh.id, err)
	}
	sh.iterator = out.ShardIterator
	sh.done = sh.iterator == nil
	return nil
}
