package onboarding_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/onboarding"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/token"
)

func (f *fixture) resendTo(cookie string, ids ...string) platformtest.Reply {
	f.t.Helper()
	return f.call(f.resend, onboarding.RouteResendActivate, nil, cookie, mustJSON(map[string]any{"userIds": ids}))
}

// results maps user ids to their resend outcome.
func results(r platformtest.Reply) map[string]string {
	out := map[string]string{}
	list, _ := r.JSON["results"].([]any)
	for _, x := range list {
		m := x.(map[string]any)
		out[m["userId"].(string)] = m["status"].(string)
	}
	return out
}

func TestResendReplacesTheLink(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.create(f.super, account.MSP, f.providerID, "Resent MSP")
	oldTok := f.linkToken(c.ContactUserID)
	oldID := f.User(c.ContactUserID).ActivationTokenID

	f.clock.Advance(48 * time.Hour)
	r := f.resendTo(f.super, c.ContactUserID)
	if r.StatusCode != 202 || results(r)[c.ContactUserID] != onboarding.ResendSent {
		t.Fatalf("resend: %d %s", r.StatusCode, r.Body)
	}
	u := f.User(c.ContactUserID)
	if u.ActivationTokenID == oldID || !u.ActivationSentAt.Equal(start.Add(48*time.Hour)) {
		t.Fatalf("user %+v", u)
	}
	old := f.item(table.TokenKey(oldID))
	if platformtest.Str(old["status"]) != token.Replaced || old[table.AttrXPK] != nil {
		t.Fatal("the old token is not replaced or still on the expiry index")
	}
	msg := f.Message(u.ActivationMessageID)
	if msg.Template != "activation" || msg.SecretRef != secret.LinkRef(secret.PurposeActivation, u.ActivationTokenID) ||
		msg.Data["inviterName"] != onboarding.DefaultAdminName || msg.Data["expiresAt"] != start.Add(120*time.Hour).Format(time.RFC3339) {
		t.Fatalf("message %+v", msg)
	}
	if n := len(f.ItemsOf(table.TypeOutbox)); n != 3 { // the super administrator's, the contact's first and the resend
		t.Fatalf("%d outbox messages", n)
	}

	if r := f.open(oldTok); r.StatusCode != 410 || r.Problem() != "link-replaced" {
		t.Fatalf("old link: %d %s", r.StatusCode, r.Body)
	}
	newTok := f.linkToken(c.ContactUserID)
	// The new link's 72 hours start at the resend: past the first link's deadline it still works.
	f.clock.Advance(71 * time.Hour)
	if r := f.open(newTok); r.StatusCode != 200 || r.Str("expiresAt") != start.Add(120*time.Hour).Format(time.RFC3339) {
		t.Fatalf("new link: %d %s", r.StatusCode, r.Body)
	}
	if r := f.activate(oldTok, goodActivation); r.StatusCode != 410 || r.Problem() != "link-replaced" {
		t.Fatalf("activate with the old link: %d %s", r.StatusCode, r.Body)
	}
	if r := f.activate(newTok, goodActivation); r.StatusCode != 200 {
		t.Fatalf("activate with the new link: %d %s", r.StatusCode, r.Body)
	}

	t.Run("case=active user", func(t *testing.T) {
		before := f.Snapshot()
		if r := f.resendTo(f.super, c.ContactUserID); r.StatusCode != 202 || results(r)[c.ContactUserID] != onboarding.ResendNotInvited {
			t.Fatalf("resend: %d %s", r.StatusCode, r.Body)
		}
		f.Unchanged(before, "a resend to an active user")
	})
}

func TestResendRateLimit(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.create(f.super, account.Customer, f.providerID, "Impatient Co")

	before := f.Snapshot()
	// The creation sent the first email just now.
	if r := f.resendTo(f.super, c.ContactUserID); results(r)[c.ContactUserID] != onboarding.ResendRateLimited {
		t.Fatalf("right after creation: %s", r.Body)
	}
	f.Unchanged(before, "a rate-limited resend")
	f.clock.Advance(time.Minute)
	if r := f.resendTo(f.super, c.ContactUserID); results(r)[c.ContactUserID] != onboarding.ResendSent {
		t.Fatalf("a minute later: %s", r.Body)
	}
	f.clock.Advance(59 * time.Second)
	if r := f.resendTo(f.super, c.ContactUserID); results(r)[c.ContactUserID] != onboarding.ResendRateLimited {
		t.Fatalf("59 seconds after the resend: %s", r.Body)
	}
	f.clock.Advance(time.Second)
	if r := f.resendTo(f.super, c.ContactUserID, c.ContactUserID); results(r)[c.ContactUserID] != onboarding.ResendSent || len(r.JSON["results"].([]any)) != 1 {
		t.Fatalf("a minute after the resend, named twice: %s", r.Body)
	}
}

func TestResendScope(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	mspA := f.create(f.super, account.MSP, f.providerID, "Scope MSP A")
	mspB := f.create(f.super, account.MSP, f.providerID, "Scope MSP B")
	adminA := f.adminOf(mspA.ID)
	inA := f.create(adminA, account.Customer, mspA.ID, "Customer of A")
	inB := f.create(f.super, account.Customer, mspB.ID, "Customer of B")
	f.clock.Advance(time.Hour)

	missing := secret.NewID()
	before := f.ItemsOf(table.TypeOutbox)
	r := f.resendTo(adminA, inA.ContactUserID, inB.ContactUserID, missing, mspA.ContactUserID, f.adminID)
	want := map[string]string{
		inA.ContactUserID:  onboarding.ResendSent,
		inB.ContactUserID:  onboarding.ResendNotFound, // another MSP's customer: not visible
		missing:            onboarding.ResendNotFound,
		mspA.ContactUserID: onboarding.ResendSent,     // the administrator's own account
		f.adminID:          onboarding.ResendNotFound, // above the actor
	}
	if r.StatusCode != 202 || fmt.Sprint(results(r)) != fmt.Sprint(want) {
		t.Fatalf("results %s", r.Body)
	}
	var order []string
	for _, x := range r.JSON["results"].([]any) {
		order = append(order, x.(map[string]any)["userId"].(string))
	}
	if !slices.Equal(order, []string{inA.ContactUserID, inB.ContactUserID, missing, mspA.ContactUserID, f.adminID}) {
		t.Fatalf("results out of order: %v", order)
	}
	if got := len(f.ItemsOf(table.TypeOutbox)) - len(before); got != 2 {
		t.Fatalf("%d new messages, want 2", got)
	}

	t.Run("case=role without the permission", func(t *testing.T) {
		ro := f.as(actor.Actor{UserID: secret.NewID(), AccountID: mspA.ID, Roles: []role.Name{role.ReadOnly}})
		if r := f.resendTo(ro, inA.ContactUserID); r.StatusCode != 403 {
			t.Fatalf("read-only: %d %s", r.StatusCode, r.Body)
		}
	})
	t.Run("case=bad requests", func(t *testing.T) {
		many := make([]string, onboarding.MaxResend+1)
		for i := range many {
			many[i] = secret.NewID()
		}
		for _, tc := range []struct {
			body string
			want []string
		}{
			{`{}`, []string{"userIds:required"}},
			{`{"userIds": []}`, []string{"userIds:required"}},
			{mustJSON(map[string]any{"userIds": many}), []string{"userIds:too_many"}},
			{`{"userIds": ["ok", 7]}`, []string{"userIds[1]:wrong_type"}},
			{`{"userIds": ["ok", "bad id!"]}`, []string{"userIds[1]:invalid"}},
			{`{"userIds": "abc"}`, []string{"userIds:wrong_type"}},
		} {
			r := f.call(f.resend, onboarding.RouteResendActivate, nil, f.super, tc.body)
			if r.StatusCode != 400 || !sameSet(r.Fields(), tc.want) {
				t.Errorf("%s: %d %s", strings.TrimSpace(tc.body)[:min(40, len(tc.body))], r.StatusCode, r.Body)
			}
		}
	})
	t.Run("case=no session", func(t *testing.T) {
		if r := f.resendTo("", inA.ContactUserID); r.StatusCode != 401 {
			t.Fatalf("%d %s", r.StatusCode, r.Body)
		}
	})
}

func TestResendAfterExpiry(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.create(f.super, account.Partner, f.providerID, "Expired Then Resent")
	f.clock.Advance(80 * time.Hour)
	if r := f.open(f.linkToken(c.ContactUserID)); r.Problem() != "link-expired" {
		t.Fatalf("%s", r.Body)
	}
	// The sweep has not run yet; the resend replaces the lapsed token all the same.
	if r := f.resendTo(f.super, c.ContactUserID); results(r)[c.ContactUserID] != onboarding.ResendSent {
		t.Fatalf("resend: %s", r.Body)
	}
	if r := f.activate(f.linkToken(c.ContactUserID), goodActivation); r.StatusCode != 200 {
		t.Fatalf("activate: %d %s", r.StatusCode, r.Body)
	}
}
