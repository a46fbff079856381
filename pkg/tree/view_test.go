package tree_test

import (
	"context"
	"slices"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/tree"
)

func TestGetAccount(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	m := f.create(account.MSP, f.providerID, "View MSP")
	p := f.create(account.Partner, m, "View Partner")
	c := f.create(account.Customer, p, "View Customer")
	f.create(account.Customer, m, "View Direct Customer")

	t.Run("case=msp with counts, parent and permissions", func(t *testing.T) {
		r := f.get(f.adminOf(m), m)
		platformtest.WantStatus(t, r, 200)
		if r.Str("id") != m || r.Str("kind") != "msp" || r.Str("status") != "pending" || r.Str("createdAt") != "2026-03-02T09:00:01Z" ||
			len(r.Str("partnerId")) != len("XXXX-XXXX") || r.JSON["branding"] != nil || r.JSON["blockedBy"] != nil || num(r, "version") != 1 {
			t.Fatalf("view %s", r.Body)
		}
		want := map[string]int{"counts.msps": 0, "counts.partners": 1, "counts.customers": 2, "counts.endpoints": 0, "counts.disabled": 0}
		for k, n := range want {
			if num(r, k) != n {
				t.Errorf("%s = %d, want %d", k, num(r, k), n)
			}
		}
		company, _ := r.JSON["company"].(map[string]any)
		if company["name"] != "View MSP" || company["city"] != "Seattle" || company["zipCode"] != "98101" {
			t.Fatalf("company %v", company)
		}
		parent, _ := r.JSON["parent"].(map[string]any)
		if parent["id"] != f.providerID || parent["kind"] != "provider" || parent["name"] != "PartnerHub" {
			t.Fatalf("parent %v", parent)
		}
		if _, ok := r.JSON["apps"]; ok {
			t.Fatal("an msp has no apps")
		}
		perms, _ := r.JSON["permissions"].(map[string]any)
		if perms["edit"] != false || perms["disable"] != false || !slices.Equal(perms["createChild"].([]any), []any{"partner", "customer"}) {
			t.Fatalf("an administrator's permissions on its own account: %v", perms)
		}
	})
	t.Run("case=customer seen from above", func(t *testing.T) {
		r := f.get(f.adminOf(p), c)
		platformtest.WantStatus(t, r, 200)
		apps, _ := r.JSON["apps"].(map[string]any)
		if len(apps) != len(tree.Catalog) || apps["email-security"] != false || num(r, "endpoints") != 0 {
			t.Fatalf("customer view %s", r.Body)
		}
		perms, _ := r.JSON["permissions"].(map[string]any)
		if perms["edit"] != true || perms["disable"] != true || perms["apps"] != true || len(perms["createChild"].([]any)) != 0 {
			t.Fatalf("permissions %v", perms)
		}
	})
	t.Run("case=provider has no parent", func(t *testing.T) {
		r := f.get(f.super, f.providerID)
		platformtest.WantStatus(t, r, 200)
		if _, ok := r.JSON["parent"]; !ok || r.JSON["parent"] != nil || num(r, "counts.msps") != 1 || num(r, "counts.customers") != 2 {
			t.Fatalf("provider %s", r.Body)
		}
	})
	t.Run("case=not found looks like outside", func(t *testing.T) {
		for _, id := range []string{"no-such-account", "a/b", "x%00", string(make([]byte, 65))} {
			platformtest.WantProblem(t, f.get(f.super, id), 404, "account-not-found")
		}
		platformtest.WantProblem(t, f.get(f.adminOf(c), p), 404, "account-not-found")
	})
	t.Run("case=no session", func(t *testing.T) {
		platformtest.WantStatus(t, f.get("", m), 401)
	})
}

// TestBrandingIsPluggedIn: the view shows what the branding function gives.
func TestBrandingIsPluggedIn(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	svc, err := tree.New(tree.Deps{DB: f.env.Dynamo, Table: f.table, Clock: f.clock,
		Branding: func(_ context.Context, a account.Account) (any, error) {
			return map[string]string{"name": a.Company.Name + " brand"}, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	v, err := svc.Get(context.Background(), actor.Actor{UserID: "u", AccountID: f.providerID, Roles: []role.Name{role.SuperAdmin}}, f.providerID)
	if err != nil || v.Branding.(map[string]string)["name"] != "PartnerHub brand" {
		t.Fatalf("%+v %v", v.Branding, err)
	}
}

func TestApps(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r := f.call(f.accounts, request{route: tree.RouteApps, cookie: f.as(f.providerID, role.ReadOnly)})
	platformtest.WantStatus(t, r, 200)
	items, _ := r.JSON["items"].([]any)
	if len(items) != 6 {
		t.Fatalf("catalog %s", r.Body)
	}
	seen := map[string]bool{}
	for _, it := range items {
		app := it.(map[string]any)
		id, _ := app["id"].(string)
		if id == "" || app["name"] == "" || app["description"] == "" || seen[id] {
			t.Fatalf("app %v", app)
		}
		seen[id] = true
	}
	platformtest.WantStatus(t, f.call(f.accounts, request{route: tree.RouteApps}), 401)
}
