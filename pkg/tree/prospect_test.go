package tree_test

import (
	"slices"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/onboarding"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/testenv"
	"github.com/partnerhub/partnerhub/pkg/tree"
)

// TestProspectsInTheTree checks what the tree shows of a prospect and what it refuses it: the stage on the
// account, its row among the children and its search results (with the stage filter), the prospects counted
// apart on every account above, and apps and endpoints refused until it is converted.
func TestProspectsInTheTree(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	msp := f.create(account.MSP, f.providerID, "Stage MSP")
	seller := f.as(msp, role.MSPProspects)
	body := accountBody(account.Customer, msp, "Stagecoach Prospect", testenv.UniqueEmail(t, "p"))
	body["stage"] = "prospect"
	r := f.call(f.signup, request{route: onboarding.RouteCreateAccount, cookie: seller, body: body})
	if r.StatusCode != 201 {
		t.Fatalf("create prospect: %d %s", r.StatusCode, r.Body)
	}
	prospect := r.Str("id")
	customer := f.create(account.Customer, msp, "Stagecoach Customer")

	t.Run("case=the account and its counts", func(t *testing.T) {
		v := f.get(f.super, prospect)
		if v.StatusCode != 200 || v.Str("stage") != "prospect" || v.Str("kind") != "customer" {
			t.Fatalf("%d %s", v.StatusCode, v.Body)
		}
		if c := f.get(f.super, customer); c.Str("stage") != "customer" {
			t.Fatalf("customer: %s", c.Body)
		}
		if m := f.get(f.super, msp); m.Str("stage") != "" {
			t.Fatalf("an msp has a stage: %s", m.Body)
		}
		for _, id := range []string{f.providerID, msp} {
			v := f.get(f.super, id)
			if num(v, "counts.prospects") != 1 || num(v, "counts.customers") != 1 {
				t.Errorf("%s counts %v", id, v.JSON["counts"])
			}
		}
	})
	t.Run("case=permissions on it", func(t *testing.T) {
		v := f.get(f.adminOf(msp), prospect)
		perms, _ := v.JSON["permissions"].(map[string]any)
		if perms["convert"] != true || perms["apps"] != false {
			t.Fatalf("an administrator's permissions on a prospect: %v", perms)
		}
		v = f.get(seller, prospect)
		perms, _ = v.JSON["permissions"].(map[string]any)
		if v.StatusCode != 200 || perms["convert"] != false || perms["edit"] != false {
			t.Fatalf("a seller's permissions on a prospect: %d %v", v.StatusCode, perms)
		}
		v = f.get(seller, msp)
		perms, _ = v.JSON["permissions"].(map[string]any)
		if perms["createProspect"] != true || len(perms["createChild"].([]any)) != 0 {
			t.Fatalf("a seller's permissions at the MSP: %v", perms)
		}
	})
	t.Run("case=among the children", func(t *testing.T) {
		r := f.call(f.accounts, request{route: tree.RouteChildren, id: msp, cookie: f.super})
		stages := map[string]string{}
		for _, it := range r.JSON["items"].([]any) {
			m := it.(map[string]any)
			stages[m["id"].(string)], _ = m["stage"].(string)
		}
		if stages[prospect] != "prospect" || stages[customer] != "customer" {
			t.Fatalf("stages %v", stages)
		}
	})
	t.Run("case=search by stage", func(t *testing.T) {
		for query, want := range map[string][]string{
			"q=stagecoach":                              {customer, prospect},
			"q=stagecoach&stage=prospect":               {prospect},
			"q=stagecoach&kind=customer&stage=customer": {customer},
		} {
			r := f.search(f.super, f.providerID, query)
			got := found(r)
			slices.Sort(got)
			w := slices.Clone(want)
			slices.Sort(w)
			if r.StatusCode != 200 || !slices.Equal(got, w) {
				t.Errorf("%s: %d %v, want %v", query, r.StatusCode, got, w)
			}
		}
		r := f.search(f.super, f.providerID, "q=stagecoach&stage=lead")
		if r.StatusCode != 400 || !slices.Equal(r.Fields(), []string{"stage:invalid"}) {
			t.Errorf("a bad stage: %d %s", r.StatusCode, r.Body)
		}
		r = f.search(f.super, f.providerID, "q=stagecoach&stage=prospect")
		if items := r.JSON["items"].([]any); len(items) != 1 || items[0].(map[string]any)["stage"] != "prospect" {
			t.Errorf("the result's stage: %s", r.Body)
		}
	})
	t.Run("case=no apps or endpoints until converted", func(t *testing.T) {
		before := f.Snapshot()
		admin := f.adminOf(msp)
		r := f.call(f.accounts, request{route: tree.RouteEditAccount, id: prospect, cookie: admin, body: map[string]any{"apps": map[string]any{tree.Catalog[0].ID: true}}})
		if r.StatusCode != 409 || r.Problem() != "account-is-prospect" {
			t.Fatalf("apps: %d %s", r.StatusCode, r.Body)
		}
		r = f.call(f.accounts, request{route: tree.RouteEndpoints, id: prospect, cookie: admin, body: map[string]any{"count": 5}})
		if r.StatusCode != 409 || r.Problem() != "account-is-prospect" {
			t.Fatalf("endpoints: %d %s", r.StatusCode, r.Body)
		}
		f.Unchanged(before, "provisioning a prospect")
	})
	t.Run("case=disabled and enabled, still a prospect", func(t *testing.T) {
		admin := f.adminOf(msp)
		for _, route := range []string{tree.RouteDisable, tree.RouteEnable} {
			if r := f.call(f.revoke, request{route: route, id: prospect, cookie: admin, body: map[string]any{}}); r.StatusCode != 200 {
				t.Fatalf("%s: %d %s", route, r.StatusCode, r.Body)
			}
		}
		if v := f.get(f.super, msp); num(v, "counts.prospects") != 1 || num(v, "counts.disabled") != 0 {
			t.Fatalf("counts %v", v.JSON["counts"])
		}
	})
}
