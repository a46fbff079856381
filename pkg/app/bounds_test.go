package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// TestBudget: a handler's work ends a reserve before the invocation's deadline, or where nothing set one,
// before its function's Lambda timeout from now; either way, before the deadline it answers by.
func TestBudget(t *testing.T) {
	t.Parallel()
	t.Run("case=lambda deadline", func(t *testing.T) {
		deadline := time.Now().Add(7 * time.Second)
		parent, cancel := context.WithDeadline(context.Background(), deadline)
		defer cancel()
		ctx, done := app.Budget(parent, route.HTTP)
		defer done()
		got, ok := ctx.Deadline()
		if !ok || !got.Before(deadline) || got.Before(deadline.Add(-2*time.Second)) {
			t.Fatalf("deadline %v for an invocation due at %v: want a reserve of about a second", got, deadline)
		}
	})
	for _, trigger := range []route.Trigger{route.HTTP, route.Stream, route.Schedule} {
		t.Run("case=no deadline", func(t *testing.T) {
			before := time.Now()
			ctx, done := app.Budget(context.Background(), trigger)
			defer done()
			got, ok := ctx.Deadline()
			limit := before.Add(trigger.Timeout())
			if !ok || !got.Before(limit) || got.Before(limit.Add(-2*time.Second)) {
				t.Fatalf("deadline in %v, want a little less than the Lambda timeout %v", time.Until(got), trigger.Timeout())
			}
		})
	}
}

// TestBoundsFitTheFunctions: the worst case of every service's call — all attempts timed out, the longest
// backoffs — ends well inside an HTTP function's time, and each backoff is jittered below its cap.
func TestBoundsFitTheFunctions(t *testing.T) {
	t.Parallel()
	dynamo := app.BoundsOf(app.ServiceDynamoDB)
	if worst := dynamo.Worst(); worst > route.HTTP.Timeout()/2 {
		t.Errorf("a stalled DynamoDB call takes up to %v, more than half an HTTP function's %v", worst, route.HTTP.Timeout())
	}
	if secrets := app.BoundsOf(app.ServiceSecrets).Worst(); secrets >= 10*time.Second {
		t.Errorf("reading a secret takes up to %v, not within Lambda's 10 s init phase", secrets)
	}
	seen := map[time.Duration]bool{}
	for attempt := 1; attempt <= 5; attempt++ {
		for range 50 {
			d, err := dynamo.BackoffDelay(attempt, nil)
			if err != nil || d < 0 || d > dynamo.MaxBackoff {
				t.Fatalf("backoff %v (%v) before attempt %d, want within [0, %v]", d, err, attempt+1, dynamo.MaxBackoff)
			}
			seen[d] = true
		}
	}
	if len(seen) < 10 {
		t.Fatalf("backoffs %v: not jittered", seen)
	}
}
