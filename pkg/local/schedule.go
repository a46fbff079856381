package local

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/partnerhub/partnerhub/pkg/app"
)

// Schedule runs a schedule function on a timer, like an EventBridge rule with a rate expression.
type Schedule struct {
	Handler app.ScheduleHandler
	// Every is the rate; default 1 minute. The first run is one interval after Run starts, as with a new rule.
	Every time.Duration
	// Rule names the rule in the event's resources, e.g. "expiry-sweep".
	Rule   string
	Region string
	// Timeout bounds one run; default Every.
	Timeout time.Duration
	Log     *slog.Logger
	// Now stamps the events; nil means time.Now.
	Now func() time.Time
}

// Run calls the handler every interval until ctx ends. A failed run is logged and the next one happens on time,
// as EventBridge does not stop a rule whose target failed. Runs never overlap.
func (s Schedule) Run(ctx context.Context) {
	if s.Every <= 0 {
		s.Every = time.Minute
	}
	if s.Timeout <= 0 {
		s.Timeout = s.Every
	}
	if s.Log == nil {
		s.Log = slog.New(slog.DiscardHandler)
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	t := time.NewTicker(s.Every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := s.once(ctx); err != nil && ctx.Err() == nil {
			s.Log.Error("scheduled function failed", "rule", s.Rule, "error", err.Error())
		}
	}
}

func (s Schedule) once(ctx context.Context) (err error) {
	ctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	ctx = lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{AwsRequestID: newUUID()})
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic: %v", v)
		}
	}()
	return s.Handler(ctx, ScheduledEvent(s.Now(), s.Region, s.Rule))
}

// ScheduledEvent is the event EventBridge sends a rule's target when the rule fires.
func ScheduledEvent(now time.Time, region, rule string) events.EventBridgeEvent {
	return events.EventBridgeEvent{
		Version:    "0",
		ID:         newUUID(),
		DetailType: "Scheduled Event",
		Source:     "aws.events",
		AccountID:  localAccountID,
		Time:       now.UTC().Truncate(time.Second),
		Region:     region,
		Resources:  []string{fmt.Sprintf("arn:aws:events:%s:%s:rule/%s", region, localAccountID, rule)},
		Detail:     json.RawMessage(`{}`),
	}
}
