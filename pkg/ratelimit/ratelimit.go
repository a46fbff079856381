// Package ratelimit counts requests per subject (a source IP, an email address, ...) in fixed time windows,
// with one counter item per window in the table: an UpdateItem ADD that returns the new count, so concurrent
// requests in many Lambda instances share one exact count. TTL collects old windows.
package ratelimit

import (
	"context"
	"fmt"
	"strconv"
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
