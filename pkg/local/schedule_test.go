package local_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/partnerhub/partnerhub/pkg/local"
)

func TestScheduleRunsTheHandlerEveryIntervalUntilCancelled(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 600, time.UTC)
	got := make(chan events.EventBridgeEvent, 100)
	ctx, cancel := context.WithCancel(context.Background())
	s := local.Schedule{
		Every:  5 * time.Millisecond,
		Rule:   "expiry-sweep",
		Region: "us-east-1",
		Now:    func() time.Time { return now },
		Handler: func(ctx context.Context, ev events.EventBridgeEvent) error {
			if lc, ok := lambdacontext.FromContext(ctx); !ok || lc.AwsRequestID == "" {
				t.Error("the handler got no Lambda context")
			}
			got <- ev
			return errors.New("a failed run must not stop the schedule")
		},
	}
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()

	var first, second events.EventBridgeEvent
	for i, ev := range []*events.EventBridgeEvent{&first, &second} {
		select {
		case *ev = <-got:
		case <-time.After(5 * time.Second):
			t.Fatalf("run %d did not happen", i+1)
		}
	}
	if first.DetailType != "Scheduled Event" || first.Source != "aws.events" || !first.Time.Equal(now.Truncate(time.Second)) ||
		first.Region != "us-east-1" || len(first.Resources) != 1 || first.Resources[0] != "arn:aws:events:us-east-1:000000000000:rule/expiry-sweep" ||
		string(first.Detail) != "{}" || first.ID == "" {
		t.Fatalf("event = %+v", first)
	}
	if first.ID == second.ID {
		t.Fatal("two runs got the same event id")
	}

	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
}
