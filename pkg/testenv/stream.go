package testenv

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/local"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// ItemOf converts a stream image (as Lambda delivers it) into the table item it shows.
func ItemOf(t testing.TB, image map[string]events.DynamoDBAttributeValue) map[string]types.AttributeValue {
	t.Helper()
	out := make(map[string]types.AttributeValue, len(image))
	for k, v := range image {
		out[k] = valueOf(t, v)
	}
	return out
}

func valueOf(t testing.TB, v events.DynamoDBAttributeValue) types.AttributeValue {
	t.Helper()
	switch v.DataType() {
	case events.DataTypeString:
		return &types.AttributeValueMemberS{Value: v.String()}
	case events.DataTypeNumber:
		return &types.AttributeValueMemberN{Value: v.Number()}
	case events.DataTypeBoolean:
		return &types.AttributeValueMemberBOOL{Value: v.Boolean()}
	case events.DataTypeNull:
		return &types.AttributeValueMemberNULL{Value: true}
	case events.DataTypeBinary:
		return &types.AttributeValueMemberB{Value: v.Binary()}
	case events.DataTypeStringSet:
		return &types.AttributeValueMemberSS{Value: v.StringSet()}
	case events.DataTypeNumberSet:
		return &types.AttributeValueMemberNS{Value: v.NumberSet()}
	case events.DataTypeBinarySet:
		return &types.AttributeValueMemberBS{Value: v.BinarySet()}
	case events.DataTypeList:
		var l []types.AttributeValue
		for _, el := range v.List() {
			l = append(l, valueOf(t, el))
		}
		return &types.AttributeValueMemberL{Value: l}
	case events.DataTypeMap:
		return &types.AttributeValueMemberM{Value: ItemOf(t, v.Map())}
	}
	t.Fatalf("unknown attribute type %v", v.DataType())
	return nil
}

// Buffer is a bytes.Buffer safe for concurrent writers: a log destination that a server's goroutines, or a
// process's pipes, share with the test that reads it.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String is what was written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Len is how many bytes were written so far.
func (b *Buffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Len()
}

// Stream hands a table's stream to a stream function when a test asks (Flush), the way the local stack's
// poller does on a timer: a test that needs what the function derives from its writes (the search index) sees
// it without waiting or polling.
type Stream struct {
	t  testing.TB
	mu sync.Mutex
	p  *local.Poller
}

// Stream delivers the records of a table's stream that filter selects to h, from the oldest on (the whole stream
// of a table the test created), each time the test calls Flush.
func (e *Env) Stream(t testing.TB, tableName string, filter table.StreamFilter, h app.StreamHandler) *Stream {
	t.Helper()
	p := local.NewPoller(local.PollerConfig{
		Streams: e.Streams, Table: tableName, Region: "us-east-1", Filter: filter, Handler: h,
		FromOldest: true, Backoff: 10 * time.Millisecond, // a busy emulator may time a write out: retried, as in Lambda
	})
	if err := p.Open(t.Context()); err != nil {
		t.Fatalf("open the stream of %s: %v", tableName, err)
	}
	return &Stream{t: t, p: p}
}

// Flush delivers every record written to the table so far. It is safe for concurrent use.
func (s *Stream) Flush() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := s.p.Poll(ctx); err != nil {
		s.t.Fatalf("read the table's stream: %v", err)
	}
}
