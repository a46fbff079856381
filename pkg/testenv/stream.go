package testenv

import (
	"bytes"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
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
