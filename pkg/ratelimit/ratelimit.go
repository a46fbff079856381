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

// Count is how many requests of subject rule counted in the window that at falls in, without counting one.
func (l Limiter) Count(ctx context.Context, rule Rule, subject string, at time.Time) (int, error) {
	start, _ := rule.WindowAt(at)
	out, err := l.DB.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:                aws.String(l.Table),
		Key:                      table.RateKey(rule.Scope, subject, table.Timestamp(start)).AV(),
		ProjectionExpression:     aws.String("#n"),
		ExpressionAttributeNames: map[string]string{"#n": "count"},
	})
	if err != nil {
		return 0, dynamo.Unavailable("rate count "+rule.Scope, err)
	}
	n, _ := out.Item["count"].(*types.AttributeValueMemberN)
	if n == nil {
		return 0, nil
	}
	return strconv.Atoi(n.Value)
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
