package eventbus_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"

	"github.com/partnerhub/partnerhub/pkg/eventbus"
	"github.com/partnerhub/partnerhub/pkg/lifecycle"
)

// entry is a PutEvents request entry as it arrives on the wire.
type entry struct {
	EventBusName, Source, DetailType, Detail string
	Time                                     float64
}

// standIn is an in-process stand-in of EventBridge's PutEvents: it records every entry it receives and answers
// each entry with fail's error code, or success.
type standIn struct {
	mu    sync.Mutex
	calls [][]entry
	// fail returns the error code of an entry on its n-th receipt (1-based), "" for success.
	fail func(id string, n int) string
	// status, when set, answers every call with this HTTP status and error type instead.
	status  int
	errType string
	seen    map[string]int
}

func (s *standIn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if got := r.Header.Get("X-Amz-Target"); got != "AWSEvents.PutEvents" {
		http.Error(w, "unexpected target "+got, http.StatusBadRequest)
		return
	}
	var in struct{ Entries []entry }
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, in.Entries)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	if s.status != 0 {
		w.WriteHeader(s.status)
		_ = json.NewEncoder(w).Encode(map[string]string{"__type": s.errType, "message": "stand-in failure"})
		return
	}
	if s.seen == nil {
		s.seen = map[string]int{}
	}
	var out []map[string]string
	failed := 0
	for _, e := range in.Entries {
		var d lifecycle.Detail
		_ = json.Unmarshal([]byte(e.Detail), &d)
		s.seen[d.ID]++
		code := ""
		if s.fail != nil {
			code = s.fail(d.ID, s.seen[d.ID])
		}
		if code != "" {
			failed++
			out = append(out, map[string]string{"ErrorCode": code, "ErrorMessage": "stand-in " + code})
			continue
		}
		out = append(out, map[string]string{"EventId": fmt.Sprintf("eb-%s-%d", d.ID, s.seen[d.ID])})
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"FailedEntryCount": failed, "Entries": out})
}

// received lists the ids of the events received, in order, with their repeats.
func (s *standIn) received() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, c := range s.calls {
		for _, e := range c {
			var d lifecycle.Detail
			_ = json.Unmarshal([]byte(e.Detail), &d)
			out = append(out, d.ID)
		}
	}
	return out
}

// publisher is the production publisher with a real SDK client pointed at the stand-in.
func publisher(t *testing.T, s *standIn) eventbus.EventBridge {
	t.Helper()
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	client := eventbridge.New(eventbridge.Options{
		Region:       "eu-west-1",
		Credentials:  credentials.NewStaticCredentialsProvider("id", "secret", ""),
		BaseEndpoint: aws.String(srv.URL),
		HTTPClient:   srv.Client(),
	})
	return eventbus.EventBridge{Client: client, Bus: "PartnerHub-dev", Attempts: 3, MaxBackoff: 5 * time.Millisecond}
}

func sampleEvents(n int) []lifecycle.Event {
	out := make([]lifecycle.Event, n)
	at := time.Date(2026, 12, 2, 20, 0, 0, 0, time.UTC)
	for i := range out {
		out[i] = lifecycle.Event{Source: "partnerhub.dev", Type: lifecycle.AccountCreated, Time: at, Detail: lifecycle.Detail{
			ID: fmt.Sprintf("aud-%02d", i), OccurredAt: at, AccountID: "acc-1", ActorID: "usr-1", TargetType: "account", TargetID: "acc-2",
			Details: map[string]string{"kind": "customer"},
		}}
	}
	return out
}

func TestEventBridgePublishes(t *testing.T) {
	t.Parallel()
	s := &standIn{}
	events := sampleEvents(23)
	if err := publisher(t, s).Publish(context.Background(), events); err != nil {
		t.Fatal(err)
	}
	if len(s.calls) != 3 || len(s.calls[0]) != 10 || len(s.calls[2]) != 3 {
		t.Fatalf("calls of %v entries, want 10, 10, 3", lens(s.calls))
	}
	e := s.calls[0][0]
	if e.EventBusName != "PartnerHub-dev" || e.Source != "partnerhub.dev" || e.DetailType != "Account Created" || int64(e.Time) != events[0].Time.Unix() {
		t.Errorf("entry %+v", e)
	}
	var d lifecycle.Detail
	if err := json.Unmarshal([]byte(e.Detail), &d); err != nil || d.ID != "aud-00" || d.AccountID != "acc-1" || d.Details["kind"] != "customer" {
		t.Errorf("detail %s (%v)", e.Detail, err)
	}
	if got := s.received(); len(got) != 23 || got[22] != "aud-22" {
		t.Errorf("received %v", got)
	}
}

func TestEventBridgeResendsFailedEntries(t *testing.T) {
	t.Parallel()
	s := &standIn{fail: func(id string, n int) string {
		if (id == "aud-01" || id == "aud-03") && n == 1 {
			return "ThrottlingException"
		}
		return ""
	}}
	if err := publisher(t, s).Publish(context.Background(), sampleEvents(4)); err != nil {
		t.Fatalf("a partial failure that a resend fixes: %v", err)
	}
	if got, want := s.received(), []string{"aud-00", "aud-01", "aud-02", "aud-03", "aud-01", "aud-03"}; !slices.Equal(got, want) {
		t.Errorf("received %v, want %v: only the failed entries are sent again", got, want)
	}
}

func TestEventBridgeReportsWhatStillFails(t *testing.T) {
	t.Parallel()
	s := &standIn{fail: func(id string, _ int) string {
		if id == "aud-02" {
			return "InternalFailure"
		}
		return ""
	}}
	err := publisher(t, s).Publish(context.Background(), sampleEvents(4))
	var pe *lifecycle.PublishError
	if !errors.As(err, &pe) || !slices.Equal(pe.Failed, []string{"aud-02"}) {
		t.Fatalf("error %v, want aud-02 reported failed", err)
	}
	if n := slices.Index(s.received(), "aud-02"); n < 0 || len(s.received()) != 4+2 {
		t.Errorf("received %v, want aud-02 sent 3 times in all", s.received())
	}
	failed := lifecycle.Failed(sampleEvents(4), err)
	if len(failed) != 1 || !failed["aud-02"] {
		t.Errorf("Failed %v", failed)
	}
}

func TestEventBridgeCallFailure(t *testing.T) {
	t.Parallel()
	s := &standIn{status: http.StatusBadRequest, errType: "AccessDeniedException"}
	err := publisher(t, s).Publish(context.Background(), sampleEvents(12))
	var pe *lifecycle.PublishError
	if !errors.As(err, &pe) || len(pe.Failed) != 12 {
		t.Fatalf("error %v, want all 12 reported failed", err)
	}
	if len(s.calls) != 1 {
		t.Errorf("%d calls, want 1: the rest is not sent after a call fails", len(s.calls))
	}
}

func lens(calls [][]entry) []int {
	out := make([]int, len(calls))
	for i, c := range calls {
		out[i] = len(c)
	}
	return out
}
