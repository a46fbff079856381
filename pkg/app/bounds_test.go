package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// TestBudget: a handler's work ends a reserve before the invocation's deadline, so that it still answers by
// then; without a deadline (a test calling the handler) it gets none.
func TestBudget(t *testing.T) {
	t.Parallel()
	t.Run("case=lambda deadline", func(t *testing.T) {
		deadline := time.Now().Add(route.HTTP.Timeout())
		parent, cancel := context.WithDeadline(context.Background(), deadline)
		defer cancel()
		ctx, done := app.Budget(parent)
		defer done()
		got, ok := ctx.Deadline()
		if !ok || !got.Before(deadline) || got.Before(deadline.Add(-2*time.Second)) {
			t.Fatalf("deadline %v for an invocation due at %v: want a reserve of about a second", got, deadline)
		}
	})
	t.Run("case=no deadline", func(t *testing.T) {
		ctx, done := app.Budget(context.Background())
		if _, ok := ctx.Deadline(); ok {
			t.Fatal("a deadline where the caller set none")
		}
		done()
		if ctx.Err() == nil {
			t.Fatal("the budget's context outlives its cancel")
		}
	})
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

// TestEmulatorsGetSlack: where the clients talk to the local emulators, each attempt may wait longer than in
// AWS (a busy emulator is waited for), and a stalled emulator still fails an HTTP request within its budget.
func TestEmulatorsGetSlack(t *testing.T) {
	t.Parallel()
	build := func(env string) *app.App {
		a, err := app.New(context.Background(), app.Config{Env: env, Table: "t", Region: "us-east-1", DynamoEndpoint: "http://127.0.0.1:1"})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	local, aws := build("local"), build("aws")
	for _, service := range []string{app.ServiceDynamoDB, app.ServiceSES, app.ServiceSNS, app.ServiceStreams} {
		l, a := local.Bounds(service), aws.Bounds(service)
		if a != app.BoundsOf(service) || l.Attempt <= a.Attempt || l.Attempts != a.Attempts || l.MaxBackoff != a.MaxBackoff {
			t.Errorf("%s: local %+v, aws %+v: want only the local attempt longer", service, l, a)
		}
	}
	if attempt := local.Bounds(app.ServiceDynamoDB).Attempt; attempt >= route.HTTP.Timeout()-time.Second {
		t.Errorf("a local DynamoDB attempt may wait %v, past an HTTP request's budget", attempt)
	}
}
