package local_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/lifecycle"
	"github.com/partnerhub/partnerhub/pkg/local"
)

func lifecycleEvent(id string, typ lifecycle.Type) lifecycle.Event {
	at := time.Date(2026, 12, 2, 20, 0, 0, 0, time.UTC)
	return lifecycle.Event{Source: "partnerhub.local", Type: typ, Time: at, Detail: lifecycle.Detail{
		ID: id, OccurredAt: at, AccountID: "acc-1", TargetType: "account", TargetID: "acc-2",
	}}
}

func TestEventLog(t *testing.T) {
	t.Parallel()
	l := local.NewEventLog("us-east-1", nil)
	ctx := context.Background()
	_ = l.Publish(ctx, []lifecycle.Event{lifecycleEvent("a", lifecycle.AccountCreated), lifecycleEvent("b", lifecycle.AccountDisabled)})
	_ = l.Publish(ctx, []lifecycle.Event{lifecycleEvent("b", lifecycle.AccountDisabled), lifecycleEvent("c", lifecycle.AccountEnabled)})

	srv := httptest.NewServer(l.Mount(http.NotFoundHandler()))
	defer srv.Close()
	get := func(query string) []local.LoggedEvent {
		t.Helper()
		resp, err := http.Get(srv.URL + local.EventsPath + query)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		var out []local.LoggedEvent
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	all := get("")
	var got []string
	for _, e := range all {
		got = append(got, fmt.Sprintf("%s:%s:%d", e.Detail.ID, e.DetailType, e.Deliveries))
	}
	if want := "[a:Account Created:1 b:Account Disabled:2 c:Account Enabled:1]"; fmt.Sprint(got) != want {
		t.Errorf("events %v, want %s (oldest first, one per id, redeliveries counted)", got, want)
	}
	if all[0].Source != "partnerhub.local" || all[0].Region != "us-east-1" || all[0].Version != "0" || all[0].ID == "" {
		t.Errorf("envelope %+v", all[0].Envelope)
	}
	if only := get("?type=" + url.QueryEscape("Account Enabled")); len(only) != 1 || only[0].Detail.ID != "c" {
		t.Errorf("filtered %+v", only)
	}
	resp, err := http.Get(srv.URL + "/v1/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("another path is not passed on to the gateway: %d", resp.StatusCode)
	}
}

func TestEventLogIsBounded(t *testing.T) {
	t.Parallel()
	l := local.NewEventLog("us-east-1", nil)
	for i := range 600 {
		_ = l.Publish(context.Background(), []lifecycle.Event{lifecycleEvent(fmt.Sprint(i), lifecycle.AccountCreated)})
	}
	events := l.Events("")
	if len(events) != 500 || events[0].Detail.ID != "100" || events[499].Detail.ID != "599" {
		t.Errorf("kept %d, first %s", len(events), events[0].Detail.ID)
	}
	// A dropped event published again is new to the log.
	_ = l.Publish(context.Background(), []lifecycle.Event{lifecycleEvent("0", lifecycle.AccountCreated)})
	if events := l.Events(""); events[len(events)-1].Detail.ID != "0" || events[len(events)-1].Deliveries != 1 {
		t.Errorf("last %+v", events[len(events)-1])
	}
}
