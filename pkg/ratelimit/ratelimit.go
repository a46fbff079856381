// Package ratelimit counts requests per subject (a source IP, an email address, ...) in fixed time windows,
// with one counter item per window in the table: an UpdateItem ADD that returns the new count, so concurrent
// requests in many Lambda instances share one exact count. TTL collects old windows.
package ratelimit

import (
	"context"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// Rule allows Limit requests per subject in each Window.
type Rule struct {
	// Scope names the rule in the counter's key, e.g. "signin-ip".
	Scope  string
	Limit  int
	Window time.Duration
}

// WindowAt is the window that now falls in: its start, which names the counter, and its end.
func (r Rule) WindowAt(now time.Time) (start, end time.Time) {
	w := r.Window.Nanoseconds()
	start = time.Unix(0, now.UnixNano()/w*w).UTC()
	return start, start.Add(r.Window)
}

// Limiter counts requests in the table.
type Limiter struct {
	DB    dynamo.DB
	Table string
	Clock clock.Clock
}

// Take counts one request of subject under rule. Past the limit it returns a fault.ErrRateLimited error that
// says when the window ends (Retry-After). The subject is stored in the counter's key: pass a hash rather than
// anything personal.
func (l Limiter) Take(ctx context.Context, rule Rule, subject string) error {
	now := l.Clock.Now()
	start, end := rule.WindowAt(now)
	out, err := l.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                aws.String(l.Table),
		Key:                      table.RateKey(rule.Scope, subject, table.Timestamp(start)).AV(),
		UpdateExpression:         aws.String("ADD #n :one SET #type = :type, #ttl = :ttl"),
		ExpressionAttributeNames: map[string]string{"#n": "count", "#type": table.AttrType, "#ttl": table.AttrTTL},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":one":  dynamo.N(1),
			":type": dynamo.S(table.TypeRate),
			":ttl":  dynamo.N(end.Add(time.Hour).Unix()),
		},
		ReturnValues: types.ReturnValueUpdatedNew,
	})
	if err != nil {
		return dynamo.Unavailable("rate limit "+rule.Scope, err)
	}
	n, _ := out.Attributes["count"].(*types.AttributeValueMemberN)
	if n == nil {
		return fmt.Errorf("rate limit %s: no count returned: %w", rule.Scope, fault.ErrUnavailable)
	}
	count, err := strconv.Atoi(n.Value)
	if err != nil {
		return fmt.Errorf("rate limit %s: bad count: %w", rule.Scope, fault.ErrUnavailable)
	}
	if count > rule.Limit {
		return &fault.Error{
			Kind:       fault.ErrRateLimited,
			Slug:       "rate-limited",
			Detail:     "Too many attempts. Wait a moment and try again.",
			RetryAfter: end.Sub(now),
		}
	}
	return nil
}

// Counts is how many requests of subject rule counted in each of the windows the instants fall in, without
// counting one: one batch read, whatever the number of windows.
func (l Limiter) Counts(ctx context.Context, rule Rule, subject string, at ...time.Time) ([]int, error) {
	keys := make([]map[string]types.AttributeValue, 0, len(at))
	seen := make(map[string]bool, len(at))
	for _, t := range at {
		start, _ := rule.WindowAt(t)
		if window := table.Timestamp(start); !seen[window] {
			seen[window] = true
			keys = append(keys, table.RateKey(rule.Scope, subject, window).AV())
		}
	}
	req := map[string]types.KeysAndAttributes{l.Table: {
		Keys:                     keys,
		ProjectionExpression:     aws.String("#sk, #n"),
		ExpressionAttributeNames: map[string]string{"#sk": table.AttrSK, "#n": "count"},
	}}
	counts := make([]int, len(at))
	for len(req) > 0 {
		out, err := l.DB.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
		if err != nil {
			return nil, dynamo.Unavailable("rate count "+rule.Scope, err)
		}
		for _, item := range out.Responses[l.Table] {
			sk, _ := item[table.AttrSK].(*types.AttributeValueMemberS)
			n, _ := item["count"].(*types.AttributeValueMemberN)
			if sk == nil || n == nil {
				continue
			}
			c, err := strconv.Atoi(n.Value)
			if err != nil {
				return nil, fmt.Errorf("rate count %s: %w", rule.Scope, err)
			}
			for i, t := range at { // every instant in that window
				if start, _ := rule.WindowAt(t); table.Timestamp(start) == sk.Value {
					counts[i] = c
				}
			}
		}
		if err := ctx.Err(); err != nil {
			return nil, dynamo.Unavailable("rate count "+rule.Scope, err)
		}
		req = out.UnprocessedKeys
	}
	return counts, nil
}

// Add counts one request of subject under rule without a limit: a tally that another rule reads with Count.
func (l Limiter) Add(ctx context.Context, rule Rule, subject string) error {
	unlimited := rule
	unlimited.Limit = int(^uint(0) >> 1)
	return l.Take(ctx, unlimited, subject)
}

// Clear forgets what rule counted of subject in the window now falls in: a success that ends a lock.
func (l Limiter) Clear(ctx context.Context, rule Rule, subject string) error {
	start, _ := rule.WindowAt(l.Clock.Now())
	_, err := l.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName: aws.String(l.Table),
		Key:       table.RateKey(rule.Scope, subject, table.Timestamp(start)).AV(),
	})
	if err != nil {
		return dynamo.Unavailable("rate clear "+rule.Scope, err)
	}
	return nil
}

// ClearWith adds to tx the delete Clear makes, so that the count is forgotten by the transaction that records
// the success that ends it, or not at all.
func (l Limiter) ClearWith(tx *dynamo.Tx, rule Rule, subject string) *dynamo.Tx {
	start, _ := rule.WindowAt(l.Clock.Now())
	return tx.Add(types.TransactWriteItem{Delete: &types.Delete{
		TableName: aws.String(l.Table),
		Key:       table.RateKey(rule.Scope, subject, table.Timestamp(start)).AV(),
	}}, nil)
}

// Source is the subject a per-address rule counts a source address under: an IPv4 address as it is, an IPv6
// address by its /64 network, since one subscriber usually holds a whole /64 and could otherwise use a new
// address for every request. Anything that does not parse (a test, a direct invoke) is "unknown".
func Source(ip string) string {
	addr, err := netip.ParseAddr(strings.TrimSpace(ip))
	if err != nil {
		return "unknown"
	}
	addr = addr.Unmap()
	if addr.Is4() {
		return addr.String()
	}
	return netip.PrefixFrom(addr, 64).Masked().String()
}
