package table

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerhub/partnerhub/pkg/route"
)

// StreamFilter selects the stream records that trigger a function. The same value yields the event source
// mapping's filter pattern in the CDK stack and the check that the local gateway's stream poller applies, so
// both environments deliver the same records. It selects on the record's keys, which every record carries
// (a REMOVE has no new image, an INSERT no old one).
type StreamFilter struct {
	// EventNames are the events delivered (INSERT, MODIFY, REMOVE); none means all three.
	EventNames []string
	// PKPrefix is a prefix of the item's partition key; "" for any.
	PKPrefix string
	// SKs and SKPrefixes select on the item's sort key: it equals one of SKs or begins with one of SKPrefixes.
	// Neither means any.
	SKs, SKPrefixes []string
}

// OutboxInserts is the mailer's filter: new outbox messages only.
var OutboxInserts = StreamFilter{EventNames: []string{"INSERT"}, PKPrefix: OutboxPrefix}

// FindSources is the search indexer's filter: every change of an account or a membership, the items the search
// index is derived from. The index's own entries never match it.
var FindSources = StreamFilter{SKs: []string{AccountKey("").SK}, SKPrefixes: []string{MembershipPrefix}}

// StreamFilters is the filter of each stream function of route.Functions.
var StreamFilters = map[string]StreamFilter{
	route.Mailer:      OutboxInserts,
	route.SearchIndex: FindSources,
	route.Events:      AuditInserts,
}

// Pattern is the EventBridge-style filter pattern used by Lambda event source mappings.
func (f StreamFilter) Pattern() map[string]any {
	keys := map[string]any{}
	if f.PKPrefix != "" {
		keys[AttrPK] = map[string]any{"S": []any{map[string]any{"prefix": f.PKPrefix}}}
	}
	var sk []any
	for _, s := range f.SKs {
		sk = append(sk, s)
	}
	for _, p := range f.SKPrefixes {
		sk = append(sk, map[string]any{"prefix": p})
	}
	if len(sk) > 0 {
		keys[AttrSK] = map[string]any{"S": sk}
	}
	out := map[string]any{"dynamodb": map[string]any{"Keys": keys}}
	if len(f.EventNames) > 0 {
		names := make([]any, len(f.EventNames))
		for i, n := range f.EventNames {
			names[i] = n
		}
		out["eventName"] = names
	}
	return out
}

// PatternJSON is Pattern encoded as JSON.
func (f StreamFilter) PatternJSON() string {
	b, _ := json.Marshal(f.Pattern()) // a map of strings and slices always marshals
	return string(b)
}

// Match reports whether a stream record passes the filter.
func (f StreamFilter) Match(r events.DynamoDBEventRecord) bool {
	if len(f.EventNames) > 0 && !slices.Contains(f.EventNames, r.EventName) {
		return false
	}
	if f.PKPrefix != "" {
		pk, ok := stringKey(r, AttrPK)
		if !ok || !strings.HasPrefix(pk, f.PKPrefix) {
			return false
		}
	}
	if len(f.SKs) > 0 || len(f.SKPrefixes) > 0 {
		sk, ok := stringKey(r, AttrSK)
		if !ok {
			return false
		}
		return slices.Contains(f.SKs, sk) || slices.ContainsFunc(f.SKPrefixes, func(p string) bool { return strings.HasPrefix(sk, p) })
	}
	return true
}

func stringKey(r events.DynamoDBEventRecord, attr string) (string, bool) {
	v, ok := r.Change.Keys[attr]
	if !ok || v.DataType() != events.DataTypeString {
		return "", false
	}
	return v.String(), true
}

// AuditInserts is the lifecycle-events function's filter: new audit records, each written in the transaction of
// the change it describes.
var AuditInserts = StreamFilter{EventNames: []string{"INSERT"}, SKPrefixes: []string{AuditPrefix}}
