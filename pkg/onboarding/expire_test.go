package onboarding_test

import (
	"context"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/onboarding"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/sweep"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/token"
)

func TestExpirer(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	due := f.create(f.super, account.Customer, f.providerID, "Due Co")
	used := f.create(f.super, account.Customer, f.providerID, "Used Co")
	if r := f.activate(f.linkToken(used.ContactUserID), goodActivation); r.StatusCode != 200 {
		t.Fatalf("activate: %d %s", r.StatusCode, r.Body)
	}
	dueTok := f.User(due.ContactUserID).ActivationTokenID
	expirer := sweep.ByID(f.store.ExpireToken)

	t.Run("case=not due yet", func(t *testing.T) {
		if items := f.due(f.clock.Now()); len(items) != 0 {
			t.Fatalf("%d items due before the deadline", len(items))
		}
		before := f.Snapshot()
		if err := expirer.Expire(ctx, f.item(table.TokenKey(dueTok)), f.clock.Now()); err != nil {
			t.Fatal(err)
		}
		f.Unchanged(before, "expiring a token before its deadline")
	})

	f.clock.Advance(72*time.Hour + time.Second)
	now := f.clock.Now()
	items := f.due(now)
	// The used token left the index when it was used; the bootstrap's and Due Co's tokens are due.
	if len(items) != 2 {
		t.Fatalf("%d items due, want 2", len(items))
	}
	for _, item := range items {
		if platformtest.Str(item[table.AttrType]) != table.TypeToken {
			t.Fatalf("a %s on the expiry index", platformtest.Str(item[table.AttrType]))
		}
		if err := expirer.Expire(ctx, item, now); err != nil {
			t.Fatal(err)
		}
	}
	tok := f.item(table.TokenKey(dueTok))
	if platformtest.Str(tok["status"]) != token.Expired || tok[table.AttrXPK] != nil || tok[table.AttrXSK] != nil {
		t.Fatal("the due token is not expired or still on the index")
	}
	if n := len(f.due(now)); n != 0 {
		t.Fatalf("%d items still due after the sweep", n)
	}
	if r := f.open(f.linkToken(due.ContactUserID)); r.StatusCode != 410 || r.Problem() != "link-expired" {
		t.Fatalf("expired link: %d %s", r.StatusCode, r.Body)
	}

	t.Run("case=again changes nothing", func(t *testing.T) {
		before := f.Snapshot()
		for _, item := range items {
			if err := expirer.Expire(ctx, item, now); err != nil {
				t.Fatal(err)
			}
		}
		f.Unchanged(before, "a second sweep")
	})
	t.Run("case=the administrator resends it", func(t *testing.T) {
		if r := f.resendTo(f.super, due.ContactUserID); results(r)[due.ContactUserID] != onboarding.ResendSent {
			t.Fatalf("resend: %s", r.Body)
		}
		if r := f.activate(f.linkToken(due.ContactUserID), goodActivation); r.StatusCode != 200 {
			t.Fatalf("activate: %d %s", r.StatusCode, r.Body)
		}
	})
}
