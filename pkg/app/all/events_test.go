package all_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/license"
	"github.com/partnerhub/partnerhub/pkg/lifecycle"
	"github.com/partnerhub/partnerhub/pkg/local"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// lossyBus forwards every publish to the local event log, but the first time it sees an event of type failOnce it
// reports that event as failed (as if PutEvents had put it and the answer reported a failure), so the stream
// delivers its record again and the event is published a second time.
type lossyBus struct {
	log      *local.EventLog
	failOnce lifecycle.Type
	mu       sync.Mutex
	failed   string
}

func (b *lossyBus) Publish(ctx context.Context, events []lifecycle.Event) error {
	_ = b.log.Publish(ctx, events)
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, e := range events {
		if e.Type == b.failOnce && b.failed == "" {
			b.failed = e.ID()
			return &lifecycle.PublishError{Failed: []string{e.ID()}, Reason: "ThrottlingException"}
		}
	}
	return nil
}

// TestLifecycleEventsFromRealActions performs real actions through the functions' handlers on the emulators
// (create a customer and a partner, their contacts activated; the customer invites the partner by Partner ID,
// the partner accepts, the customer revokes the access; the customer disabled, then enabled), delivers the table's stream to the
// lifecycle-events function's real handler, and reads what the local event log serves on /local/events: one
// event per published audit record, with the audit record's id, of the type the catalog maps, in order; the
// event whose first publish failed is delivered again with the same id and listed once.
func TestLifecycleEventsFromRealActions(t *testing.T) {
	t.Parallel()
	evlog := local.NewEventLog("us-east-1", nil)
	bus := &lossyBus{log: evlog, failOnce: lifecycle.AccountDisabled}
	p := platformtest.New(t, app.WithEvents(bus))
	handler, err := p.App.LifecycleEvents()
	if err != nil {
		t.Fatal(err)
	}
	stream := p.Env.Stream(t, p.Table, table.AuditInserts, handler)

	created := p.CreateAccount(p.Super, account.Customer, p.ProviderID, "Evented Customer "+p.Table)
	partner := p.CreateAccount(p.Super, account.Partner, p.ProviderID, "Evented Partner "+p.Table)
	customerAdmin, partnerAdmin := admin(p, created), admin(p, partner)

	// The customer invites the partner by its Partner ID, the partner accepts, the customer revokes the access.
	invited := p.Call(platformtest.Request{Function: route.PartnerAccess, Route: "POST /v1/accounts/{id}/partner-access", Cookie: customerAdmin,
		Params: map[string]string{"id": created.ID}, Body: map[string]any{"partnerId": p.Account(partner.ID).PartnerID}})
	platformtest.WantStatus(t, invited, http.StatusCreated)
	grant := map[string]string{"grantId": invited.Str("id")}
	platformtest.WantStatus(t, p.Call(platformtest.Request{Function: route.PartnerAccess, Route: "POST /v1/partner-access/{grantId}/accept",
		Cookie: partnerAdmin, Params: grant}), http.StatusOK)
	platformtest.WantStatus(t, p.Call(platformtest.Request{Function: route.Revoke, Route: "POST /v1/partner-access/{grantId}/revoke",
		Cookie: customerAdmin, Params: grant}), http.StatusOK)

	for _, action := range []string{"disable", "enable"} {
		platformtest.WantStatus(t, p.Call(platformtest.Request{Function: route.Revoke, Route: "POST /v1/accounts/{id}/" + action,
			Cookie: p.Super, Params: map[string]string{"id": created.ID}}), http.StatusOK)
	}
	stream.Flush()

	// What the table's audit log holds is what must have been published.
	want := map[string]lifecycle.Type{}
	for _, item := range p.Data().ItemsOf(table.TypeAudit) {
		var a audit.Event
		if err := attributevalue.UnmarshalMap(item, &a); err != nil {
			t.Fatal(err)
		}
		if e, ok := lifecycle.FromAudit(a, lifecycle.BaseSource); ok {
			want[a.ID] = e.Type
		}
	}

	srv := httptest.NewServer(evlog)
	defer srv.Close()
	resp, err := http.Get(srv.URL + local.EventsPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got []local.LoggedEvent
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}

	seen := map[string]bool{}
	counts := map[lifecycle.Type]int{}
	var order []lifecycle.Type
	failedAt := -1
	for i, e := range got {
		if seen[e.Detail.ID] {
			t.Errorf("event %s listed twice", e.Detail.ID)
		}
		seen[e.Detail.ID] = true
		if want[e.Detail.ID] != e.DetailType {
			t.Errorf("event %s is %q, its audit record maps to %q", e.Detail.ID, e.DetailType, want[e.Detail.ID])
		}
		if e.Source != "partnerhub.local" {
			t.Errorf("event %s has source %q", e.Detail.ID, e.Source)
		}
		// The stream delivers again the failed event's record and those after it in its batch (Lambda does the
		// same from the first failed record on): those events are published twice, with the same id.
		switch {
		case e.Detail.ID == bus.failed:
			failedAt = i
			if e.Deliveries != 2 {
				t.Errorf("the event whose publish failed (%s) was delivered %d times, want 2", e.Detail.ID, e.Deliveries)
			}
		case e.Deliveries == 2 && failedAt >= 0:
		case e.Deliveries != 1:
			t.Errorf("event %s (%s) delivered %d times, want once", e.Detail.ID, e.DetailType, e.Deliveries)
		}
		counts[e.DetailType]++
		if len(order) == 0 || order[len(order)-1] != e.DetailType {
			order = append(order, e.DetailType)
		}
	}
	for id, typ := range want {
		if !seen[id] {
			t.Errorf("audit record %s (%s) was not published", id, typ)
		}
	}
	if bus.failed == "" {
		t.Error("no Account Disabled event was published, so none was redelivered")
	}
	// An account created, disabled or enabled is written on the account's audit log and its parent's (the
	// provider's), a partner access change on the customer's and the partner's; the super administrator's and the
	// two contacts' activations each publish Account Activated and User Activated.
	wantCounts := map[lifecycle.Type]int{
		lifecycle.AccountCreated: 4, lifecycle.AccountActivated: 3, lifecycle.UserActivated: 3,
		lifecycle.PartnerAccessInvited: 2, lifecycle.PartnerAccessAccepted: 2, lifecycle.PartnerAccessRevoked: 2,
		lifecycle.AccountDisabled: 2, lifecycle.AccountEnabled: 2,
	}
	for typ, n := range wantCounts {
		if counts[typ] != n {
			t.Errorf("%d events %s, want %d (by type: %v)", counts[typ], typ, n, counts)
		}
	}
	if len(counts) != len(wantCounts) {
		t.Errorf("events by type %v, want %v", counts, wantCounts)
	}
	last := []lifecycle.Type{lifecycle.PartnerAccessInvited, lifecycle.PartnerAccessAccepted, lifecycle.PartnerAccessRevoked,
		lifecycle.AccountDisabled, lifecycle.AccountEnabled}
	if len(order) < len(last) || !slices.Equal(order[len(order)-len(last):], last) {
		t.Errorf("events in the order %v, want the partner access's invitation, acceptance and revocation, then the disable and the enable last", order)
	}
}

// admin activates an account's contact and gives them a session in the account that has taken the license step.
func admin(p *platformtest.Platform, c platformtest.Created) string {
	p.T.Helper()
	p.Activate(c.ContactUserID)
	cookie := p.Session(c.ContactUserID, c.ID)
	p.AcceptLicense(cookie, license.Current().Version)
	return cookie
}
