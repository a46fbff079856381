package tree_test

import (
	"context"
	"errors"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/onboarding"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/tree"
)

// disable and enable send POST /v1/accounts/{id}/disable and /enable through the revoke handler.
func (f *fixture) disable(cookie, id string) platformtest.Reply {
	f.t.Helper()
	return f.call(f.revoke, request{route: tree.RouteDisable, id: id, cookie: cookie})
}

func (f *fixture) enable(cookie, id string) platformtest.Reply {
	f.t.Helper()
	return f.call(f.revoke, request{route: tree.RouteEnable, id: id, cookie: cookie})
}

// disabledCounts reads counts.disabled of accounts.
func (f *fixture) disabledCounts(ids ...string) []int {
	f.t.Helper()
	out := make([]int, len(ids))
	for i, id := range ids {
		out[i] = f.Account(id).Counts.Disabled
	}
	return out
}

func TestDisableAndEnable(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	m := f.create(account.MSP, f.providerID, "Switch MSP")
	p := f.create(account.Partner, m, "Switch Partner")
	c := f.create(account.Customer, p, "Switch Customer")
	admin := f.adminOf(m)

	r := f.disable(admin, p)
	platformtest.WantStatus(t, r, 200)
	if r.Str("status") != "disabled" || r.Str("id") != p {
		t.Fatalf("%s", r.Body)
	}
	acc := f.Account(p)
	if acc.Status != account.Disabled || acc.StatusBeforeDisable != account.Pending {
		t.Fatalf("account %+v", acc)
	}
	if got := f.disabledCounts(f.providerID, m, p, c); got[0] != 1 || got[1] != 1 || got[2] != 0 || got[3] != 0 {
		t.Fatalf("counts.disabled of provider, msp, partner, customer: %v", got)
	}

	t.Run("case=what lies below shows it is blocked", func(t *testing.T) {
		blocked, _ := f.get(admin, c).JSON["blockedBy"].(map[string]any)
		if blocked["id"] != p {
			t.Fatalf("customer blocked by %v", blocked)
		}
		kids := f.children(admin, p, nil).JSON["items"].([]any)
		if kids[0].(map[string]any)["blocked"] != true {
			t.Fatalf("child %v", kids[0])
		}
		if st := f.children(admin, m, nil).JSON["items"].([]any)[0].(map[string]any)["status"]; st != "disabled" {
			t.Fatalf("partner listed as %v", st)
		}
		if perms := f.get(admin, p).JSON["permissions"].(map[string]any); len(perms["createChild"].([]any)) != 0 {
			t.Fatalf("a disabled account offers to create below it: %v", perms)
		}
	})
	t.Run("case=nothing is created below it", func(t *testing.T) {
		platformtest.WantProblem(t, f.createAs(admin, account.Customer, p, "Too Late Customer"), 409, "parent-disabled")
	})
	t.Run("case=twice", func(t *testing.T) {
		before := f.Snapshot()
		platformtest.WantProblem(t, f.disable(admin, p), 409, "already-disabled")
		platformtest.WantProblem(t, f.enable(admin, m), 403, "own-account")
		platformtest.WantProblem(t, f.enable(admin, c), 403, "not-direct-child")
		f.Unchanged(before, "refused status changes")
	})
	t.Run("case=enabled back in its status", func(t *testing.T) {
		r := f.enable(admin, p)
		platformtest.WantStatus(t, r, 200)
		acc := f.Account(p)
		if r.Str("status") != "pending" || acc.Status != account.Pending || acc.StatusBeforeDisable != "" {
			t.Fatalf("answer %s, account %+v", r.Body, acc)
		}
		if got := f.disabledCounts(f.providerID, m); got[0] != 0 || got[1] != 0 {
			t.Fatalf("counts.disabled %v", got)
		}
		if f.get(admin, c).JSON["blockedBy"] != nil {
			t.Fatal("still blocked")
		}
		platformtest.WantProblem(t, f.enable(admin, p), 409, "not-disabled")
	})
	t.Run("case=audit on the account and its parent", func(t *testing.T) {
		for _, id := range []string{p, m} {
			if got := f.auditActions(id); len(got) < 2 || got[0] != "account.enabled" || got[1] != "account.disabled" {
				t.Fatalf("audit of %s: %v", id, got)
			}
		}
	})
	t.Run("case=two disabled accounts in one subtree", func(t *testing.T) {
		platformtest.WantStatus(t, f.disable(f.super, c), 200)
		platformtest.WantStatus(t, f.disable(f.super, p), 200)
		if got := f.disabledCounts(f.providerID, m, p); got[0] != 2 || got[1] != 2 || got[2] != 1 {
			t.Fatalf("counts.disabled %v", got)
		}
		platformtest.WantStatus(t, f.enable(f.super, c), 200)
		platformtest.WantStatus(t, f.enable(f.super, p), 200)
		if got := f.disabledCounts(f.providerID, m, p); got[0] != 0 || got[1] != 0 || got[2] != 0 {
			t.Fatalf("counts.disabled %v", got)
		}
	})
	t.Run("case=a body is not expected", func(t *testing.T) {
		r := f.call(f.revoke, request{route: tree.RouteDisable, id: p, cookie: admin, body: `{"reason":"x"}`})
		platformtest.WantProblem(t, r, 400, "validation")
	})
}

// TestEnableAfterTheContactActivated: a contact can still activate while the account is disabled; enabling it
// then makes it active, not pending.
func TestEnableAfterTheContactActivated(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.create(account.Partner, f.providerID, "Late Partner")
	platformtest.WantStatus(t, f.disable(f.super, p), 200)
	f.activate(f.Account(p).ContactUserID)
	if st := f.Account(p).Status; st != account.Disabled {
		t.Fatalf("activation changed a disabled account to %s", st)
	}
	r := f.enable(f.super, p)
	platformtest.WantStatus(t, r, 200)
	if r.Str("status") != "active" || f.Account(p).Status != account.Active {
		t.Fatalf("%s", r.Body)
	}
}

// password is every activated contact's password, seeded or not: long enough for a user without two-factor
// sign-in.
const password = platformtest.Password

// activate registers an invited user through their activation link.
func (f *fixture) activate(userID string) {
	f.t.Helper()
	ctx := context.Background()
	u, err := f.store.User(ctx, userID)
	if err != nil {
		f.t.Fatal(err)
	}
	var msg struct {
		SecretRef string `dynamodbav:"secretRef"`
	}
	if found, err := dynamo.Get(ctx, f.env.Dynamo, f.table, table.OutboxKey(u.ActivationMessageID), &msg); err != nil || !found {
		f.t.Fatalf("activation message: %v %v", found, err)
	}
	token, err := f.keys.Derive(context.Background(), msg.SecretRef)
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.onb.Activate(ctx, token, onboarding.ActivateRequest{Password: password,
		SecurityQuestion: "Name of my first pet?", SecurityAnswer: "Rex the dog"}, nil); err != nil {
		f.t.Fatalf("activate: %v", err)
	}
}

// problemSlug is the problem type an error answers with.
func problemSlug(err error) string {
	var fe *fault.Error
	if errors.As(err, &fe) {
		return fe.Slug
	}
	if err == nil {
		return ""
	}
	return err.Error()
}
