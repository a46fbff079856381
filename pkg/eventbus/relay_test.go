package eventbus_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partnerhub/partnerhub/pkg/eventbus"
	"github.com/partnerhub/partnerhub/pkg/lifecycle"
)

// recorder is a publisher that keeps what it is given and fails as told.
type recorder struct {
	mu        sync.Mutex
	published []lifecycle.Event
	fail      func(events []lifecycle.Event) error
}

func (r *recorder) Publish(_ context.Context, events []lifecycle.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	var err error
	if r.fail != nil {
		err = r.fail(events)
	}
	failed := lifecycle.Failed(events, err)
	for _, e := range events {
		if !failed[e.ID()] {
			r.published = append(r.published, e)
		}
	}
	return err
}

// fixture is events/lifecycle-events.json: an account created, a partner access revoked, and a branding change
// (not published).
func fixture(t *testing.T) events.DynamoDBEvent {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "events", "lifecycle-events.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ev events.DynamoDBEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

func relay(t *testing.T, p lifecycle.Publisher) *eventbus.Relay {
	t.Helper()
	r, err := eventbus.NewRelay(eventbus.RelayConfig{Publisher: p, Source: "partnerhub.test"})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRelayPublishesTheCatalogsEvents(t *testing.T) {
	t.Parallel()
	p := &recorder{}
	resp, err := relay(t, p).Handle(context.Background(), fixture(t))
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("answer %+v, %v", resp, err)
	}
	if len(p.published) != 2 {
		t.Fatalf("published %+v, want the account created and the access revoked (not the branding change)", p.published)
	}
	created, revoked := p.published[0], p.published[1]
	if created.Type != lifecycle.AccountCreated || created.ID() != "e-1a2b3c4d" || created.Source != "partnerhub.test" ||
		created.Detail.AccountID != "a-7b3d5e1f" || created.Detail.ActorID != "u-9e8d7c6b" || created.Detail.TargetID != "a-5f6e7d8c" ||
		created.Detail.Details["name"] != "Analytical Engines Ltd" || created.Detail.OccurredAt.Format("15:04") != "12:00" {
		t.Errorf("account created %+v", created)
	}
	if revoked.Type != lifecycle.PartnerAccessRevoked || revoked.ID() != "e-2b3c4d5e" || revoked.Detail.Details["by"] != "customer" {
		t.Errorf("access revoked %+v", revoked)
	}
	if _, ok := revoked.Detail.Details["staffRemoved"]; ok {
		t.Errorf("a detail outside the type's fields is published: %v", revoked.Detail.Details)
	}
}

func TestRelayReportsUnpublishedRecords(t *testing.T) {
	t.Parallel()
	t.Run("case=partial", func(t *testing.T) {
		t.Parallel()
		p := &recorder{fail: func([]lifecycle.Event) error {
			return &lifecycle.PublishError{Failed: []string{"e-2b3c4d5e"}, Reason: "ThrottlingException"}
		}}
		resp, _ := relay(t, p).Handle(context.Background(), fixture(t))
		got := failures(resp)
		if !slices.Equal(got, []string{"4421584500000000017450439200"}) {
			t.Errorf("failures %v, want the revoke's record", got)
		}
	})
	t.Run("case=all", func(t *testing.T) {
		t.Parallel()
		p := &recorder{fail: func([]lifecycle.Event) error { return errors.New("no route to host") }}
		resp, _ := relay(t, p).Handle(context.Background(), fixture(t))
		if got := failures(resp); !slices.Equal(got, []string{"4421584500000000017450439100", "4421584500000000017450439200"}) {
			t.Errorf("failures %v, want both published records", got)
		}
	})
	t.Run("case=redelivery-same-id", func(t *testing.T) {
		t.Parallel()
		calls := 0
		p := &recorder{fail: func([]lifecycle.Event) error {
			calls++
			if calls == 1 {
				return errors.New("stalled")
			}
			return nil
		}}
		r := relay(t, p)
		first, _ := r.Handle(context.Background(), fixture(t))
		second, _ := r.Handle(context.Background(), fixture(t))
		if len(first.BatchItemFailures) != 2 || len(second.BatchItemFailures) != 0 {
			t.Fatalf("answers %+v then %+v", first, second)
		}
		var ids []string
		for _, e := range p.published {
			ids = append(ids, e.ID())
		}
		if !slices.Equal(ids, []string{"e-1a2b3c4d", "e-2b3c4d5e"}) {
			t.Errorf("published %v", ids)
		}
	})
}

func TestRelaySkipsWhatIsNotAnAuditRecord(t *testing.T) {
	t.Parallel()
	ev := fixture(t)
	broken := ev.Records[0]
	broken.Change.NewImage = map[string]events.DynamoDBAttributeValue{"id": events.NewStringAttribute("e-x")}
	modify := ev.Records[1]
	modify.EventName = "MODIFY"
	outbox := ev.Records[1]
	outbox.Change.Keys = map[string]events.DynamoDBAttributeValue{"pk": events.NewStringAttribute("OUTBOX#m-1"), "sk": events.NewStringAttribute("OUTBOX")}
	p := &recorder{}
	resp, err := relay(t, p).Handle(context.Background(), events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{broken, modify, outbox}})
	if err != nil || len(resp.BatchItemFailures) != 0 || len(p.published) != 0 {
		t.Errorf("answer %+v, %v; published %+v", resp, err, p.published)
	}
}

func failures(resp events.DynamoDBEventResponse) []string {
	var out []string
	for _, f := range resp.BatchItemFailures {
		out = append(out, f.ItemIdentifier)
	}
	return out
}
