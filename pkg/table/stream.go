package table

import (
	"encoding/json"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// StreamFilter selects the stream records that trigger a function. The same value yields the event source
// mapping's filter pattern in the CDK stack and the check that the local gateway's stream poller applies, so
// both environments deliver the same records.
type StreamFilter struct {
	EventName string // INSERT, MODIFY or REMOVE
	PKPrefix  string // prefix of the new item's partition key
}

// OutboxInserts is the mailer's filter: new outbox messages only.
var OutboxInserts = StreamFilter{EventName: "INSERT", PKPrefix: OutboxPrefix}

// Pattern is the EventBridge-style filter pattern used by Lambda event source mappings.
func (f StreamFilter) Pattern() map[string]any {
	return map[string]any{
		"eventName": []any{f.EventName},
		"dynamodb": map[string]any{
			"Keys": map[string]any{
				AttrPK: map[string]any{"S": []any{map[string]any{"prefix": f.PKPrefix}}},
			},
		},
	}
}

// PatternJSON is Pattern encoded as JSON.
func (f StreamFilter) PatternJSON() string {
	b, _ := json.Marshal(f.Pattern()) // a map of strings and slices always marshals
	return string(b)
}

// Match reports whether a stream record passes the filter.
func (f StreamFilter) Match(r events.DynamoDBEventRecord) bool {
	if r.EventName != f.EventName {
		return false
	}
	pk, ok := r.Change.Keys[AttrPK]
	return ok && pk.DataType() == events.DataTypeString && strings.HasPrefix(pk.String(), f.PKPrefix)
}
