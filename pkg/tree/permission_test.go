package tree_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/tree"
)

// A tree in memory: root → msp → partner → customer, a sibling partner and another msp's tree.
var (
	root     = account.Account{ID: "root", Kind: account.Provider, Status: account.Active}
	msp      = account.Account{ID: "msp", Kind: account.MSP, ParentID: "root", Ancestors: []string{"root"}, Status: account.Active}
	partner  = account.Account{ID: "partner", Kind: account.Partner, ParentID: "msp", Ancestors: []string{"root", "msp"}, Status: account.Active}
	customer = account.Account{ID: "customer", Kind: account.Customer, ParentID: "partner", Ancestors: []string{"root", "msp", "partner"}, Status: account.Active}
	sibling  = account.Account{ID: "sibling", Kind: account.Partner, ParentID: "msp", Ancestors: []string{"root", "msp"}, Status: account.Active}
	other    = account.Account{ID: "other", Kind: account.MSP, ParentID: "root", Ancestors: []string{"root"}, Status: account.Active}
)

func TestDecide(t *testing.T) {
	t.Parallel()
	admin := []role.Name{role.AccountAdmin}
	aac := []role.Name{role.AccountAdmin, role.AccountActionsControl}
	cases := []struct {
		actor  string
		roles  []role.Name
		target account.Account
		action tree.Action
		want   tree.Decision
	}{
		// Viewing: the whole subtree, never above or beside.
		{"msp", admin, customer, tree.View, tree.Allowed},
		{"msp", admin, msp, tree.View, tree.Allowed},
		{"partner", admin, msp, tree.View, tree.NotFound},
		{"sibling", admin, customer, tree.View, tree.NotFound},
		{"other", admin, customer, tree.View, tree.NotFound},
		{"", admin, customer, tree.View, tree.NotFound},
		{"msp", []role.Name{role.MSPProspects}, partner, tree.View, tree.Allowed},
		{"msp", []role.Name{role.MSPProspects}, partner, tree.CreateChild, tree.Allowed},
		{"msp", []role.Name{role.MSPProspects}, partner, tree.Edit, tree.Forbidden},
		{"msp", []role.Name{role.MSPProspects}, partner, tree.Disable, tree.Forbidden},
		{"msp", []role.Name{role.MSPProspects}, customer, tree.Apps, tree.Forbidden},
		{"msp", []role.Name{role.PartnerMarketing}, partner, tree.View, tree.Forbidden},
		{"msp", []role.Name{role.ReadOnly}, customer, tree.View, tree.Allowed},
		// Editing and disabling: direct children only, unless Account Actions Control.
		{"msp", admin, partner, tree.Edit, tree.Allowed},
		{"msp", admin, partner, tree.Disable, tree.Allowed},
		{"msp", admin, customer, tree.Edit, tree.Forbidden},
		{"msp", admin, customer, tree.Disable, tree.Forbidden},
		{"msp", aac, customer, tree.Edit, tree.Allowed},
		{"msp", aac, customer, tree.Disable, tree.Allowed},
		{"root", []role.Name{role.SuperAdmin}, customer, tree.Disable, tree.Allowed},
		// Never itself or above, whatever the rights.
		{"partner", aac, partner, tree.Edit, tree.Forbidden},
		{"partner", aac, partner, tree.Disable, tree.Forbidden},
		{"root", []role.Name{role.SuperAdmin}, root, tree.Disable, tree.Forbidden},
		{"partner", aac, msp, tree.Disable, tree.NotFound},
		{"sibling", aac, customer, tree.Edit, tree.NotFound},
		// Each action needs its permission.
		{"msp", []role.Name{role.ReadOnly}, partner, tree.Edit, tree.Forbidden},
		{"msp", []role.Name{role.ReadOnly}, partner, tree.Disable, tree.Forbidden},
		{"partner", []role.Name{role.ImplementationLead}, customer, tree.Apps, tree.Allowed},
		{"partner", []role.Name{role.ImplementationLead}, customer, tree.Edit, tree.Forbidden},
		{"partner", []role.Name{role.ImplementationLead}, customer, tree.Endpoints, tree.Allowed},
		{"partner", []role.Name{role.MSPAccounts}, customer, tree.Apps, tree.Forbidden},
		{"partner", admin, customer, tree.Audit, tree.Allowed},
		{"partner", []role.Name{role.MSPAccounts}, customer, tree.Audit, tree.Forbidden},
		{"msp", []role.Name{role.MSPAccounts}, customer, tree.CreateChild, tree.Allowed},
		{"msp", []role.Name{role.PartnerMarketing}, partner, tree.CreateChild, tree.Forbidden},
		{"customer", admin, partner, tree.CreateChild, tree.NotFound},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("actor=%s/roles=%v/target=%s/action=%s", c.actor, c.roles, c.target.ID, c.action), func(t *testing.T) {
			t.Parallel()
			if got := tree.Decide(c.actor, c.roles, c.target, c.action); got != c.want {
				t.Fatalf("%v, want %v", got, c.want)
			}
		})
	}
}

func TestCreatableKinds(t *testing.T) {
	t.Parallel()
	disabled := partner
	disabled.Status = account.Disabled
	cases := []struct {
		name   string
		actor  string
		roles  []role.Name
		target account.Account
		want   []account.Kind
	}{
		{"case=super admin at the root", "root", []role.Name{role.SuperAdmin}, root, []account.Kind{account.MSP, account.Partner, account.Customer}},
		{"case=msp admin below itself", "msp", []role.Name{role.AccountAdmin}, msp, []account.Kind{account.Partner, account.Customer}},
		{"case=accounts role creates customers only", "msp", []role.Name{role.MSPAccounts}, partner, []account.Kind{account.Customer}},
		{"case=customer has no children", "partner", []role.Name{role.AccountAdmin}, customer, []account.Kind{}},
		{"case=disabled parent", "msp", []role.Name{role.AccountAdmin}, disabled, []account.Kind{}},
		{"case=outside the tree", "sibling", []role.Name{role.AccountAdmin}, partner, []account.Kind{}},
		{"case=read-only", "msp", []role.Name{role.ReadOnly}, partner, []account.Kind{}},
		{"case=prospects role creates no signed account", "msp", []role.Name{role.MSPProspects}, partner, []account.Kind{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if got := tree.CreatableKinds(c.actor, c.roles, c.target); !slices.Equal(got, c.want) {
				t.Fatalf("%v, want %v", got, c.want)
			}
		})
	}
	t.Run("case=who creates prospects", func(t *testing.T) {
		t.Parallel()
		for _, c := range []struct {
			name   string
			actor  string
			roles  []role.Name
			target account.Account
			want   bool
		}{
			{"prospects role", "msp", []role.Name{role.MSPProspects}, partner, true},
			{"prospects role at its own account", "msp", []role.Name{role.MSPProspects}, msp, true},
			{"accounts role", "msp", []role.Name{role.MSPAccounts}, partner, true},
			{"administrator", "msp", []role.Name{role.AccountAdmin}, msp, true},
			{"below a customer", "partner", []role.Name{role.AccountAdmin}, customer, false},
			{"read-only", "msp", []role.Name{role.ReadOnly}, partner, false},
			{"outside the tree", "sibling", []role.Name{role.MSPProspects}, partner, false},
		} {
			if got := tree.CreatesProspects(c.actor, c.roles, c.target); got != c.want {
				t.Errorf("%s: %v, want %v", c.name, got, c.want)
			}
		}
	})
	t.Run("case=who converts a prospect", func(t *testing.T) {
		t.Parallel()
		prospect := customer
		prospect.Stage = account.Prospect
		disabledProspect := prospect
		disabledProspect.Status = account.Disabled
		for _, c := range []struct {
			name   string
			actor  string
			roles  []role.Name
			target account.Account
			want   bool
		}{
			{"administrator above", "partner", []role.Name{role.AccountAdmin}, prospect, true},
			{"administrator two levels up", "msp", []role.Name{role.AccountAdmin}, prospect, false},
			{"with Account Actions Control", "msp", []role.Name{role.AccountAdmin, role.AccountActionsControl}, prospect, true},
			{"prospects role", "partner", []role.Name{role.MSPProspects}, prospect, false},
			{"accounts role", "partner", []role.Name{role.MSPAccounts}, prospect, false},
			{"a signed customer", "partner", []role.Name{role.AccountAdmin}, customer, false},
			{"a disabled prospect", "partner", []role.Name{role.AccountAdmin}, disabledProspect, false},
		} {
			p := tree.PermissionsOn(actor.Actor{UserID: "u", AccountID: c.actor, Roles: c.roles}, c.target)
			if p.Convert != c.want {
				t.Errorf("%s: convert %v, want %v", c.name, p.Convert, c.want)
			}
			if c.target.Prospect() && p.Apps {
				t.Errorf("%s: a prospect's apps may be switched", c.name)
			}
		}
	})
	t.Run("case=permissions of a view agree", func(t *testing.T) {
		t.Parallel()
		p := tree.PermissionsOn(actor.Actor{UserID: "u", AccountID: "partner", Roles: []role.Name{role.AccountAdmin}}, customer)
		if !p.Edit || !p.Disable || !p.Apps || len(p.CreateChild) != 0 {
			t.Fatalf("%+v", p)
		}
		p = tree.PermissionsOn(actor.Actor{UserID: "u", AccountID: "msp", Roles: []role.Name{role.AccountAdmin}}, partner)
		if !p.Edit || !p.Disable || p.Apps || !slices.Equal(p.CreateChild, []account.Kind{account.Customer}) {
			t.Fatalf("%+v", p)
		}
	})
}

// TestWhoMayDoWhat walks the matrix of callers and actions through the real endpoints. The target is a
// partner P below an MSP M below the provider; C is a customer below P, S a partner beside P, O an MSP of
// another tree. The grandparent rows act in the provider account with an administrator's roles, with and
// without the Account Actions Control right (TestAccountActionsControl has the same rule with an MSP
// grandparent). Creating below an account that is not in the caller's part of the tree is onboarding's answer:
// 400 naming parentId, as for a parent that does not exist.
func TestWhoMayDoWhat(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	m := f.create(account.MSP, f.providerID, "Matrix MSP")
	p := f.create(account.Partner, m, "Matrix Partner")
	c := f.create(account.Customer, p, "Matrix Customer")
	s := f.create(account.Partner, m, "Matrix Sibling")
	o := f.create(account.MSP, f.providerID, "Other MSP")

	type answers struct{ view, edit, disable, create int }
	admin, aac := role.AccountAdmin, role.AccountActionsControl
	cases := []struct {
		caller string
		cookie string
		want   answers
	}{
		{"direct parent admin", f.as(m, admin), answers{200, 200, 200, 201}},
		{"grandparent admin", f.as(f.providerID, admin), answers{200, 403, 403, 201}},
		{"grandparent admin with account actions control", f.as(f.providerID, admin, aac), answers{200, 200, 200, 201}},
		{"sibling admin", f.as(s, admin), answers{404, 404, 404, 400}},
		{"child admin", f.as(c, admin), answers{404, 404, 404, 400}},
		{"unrelated tree admin", f.as(o, admin), answers{404, 404, 404, 400}},
		{"read-only user of the parent", f.as(m, role.ReadOnly), answers{200, 403, 403, 403}},
		{"own admin", f.as(p, admin), answers{200, 403, 403, 201}},
	}
	for i, tc := range cases {
		// Not parallel: disabling and enabling the one target would race.
		t.Run("caller="+tc.caller, func(t *testing.T) {
			f.t = t
			view := f.get(tc.cookie, p)
			edit := f.call(f.accounts, request{route: tree.RouteEditAccount, id: p, cookie: tc.cookie,
				body: map[string]any{"company": map[string]any{"city": fmt.Sprintf("City %d", i)}}})
			disable := f.call(f.revoke, request{route: tree.RouteDisable, id: p, cookie: tc.cookie})
			if disable.StatusCode == 200 {
				platformtest.WantStatus(t, f.call(f.revoke, request{route: tree.RouteEnable, id: p, cookie: tc.cookie}), 200)
			}
			create := f.createAs(tc.cookie, account.Customer, p, fmt.Sprintf("Matrix Child %d", i))
			got := answers{view.StatusCode, edit.StatusCode, disable.StatusCode, create.StatusCode}
			if got != tc.want {
				t.Fatalf("view, edit, disable, create answered %v, want %v\nview %s\nedit %s\ndisable %s\ncreate %s",
					got, tc.want, view.Body, edit.Body, disable.Body, create.Body)
			}
			for _, r := range []platformtest.Reply{view, edit, disable} {
				if r.StatusCode == 404 && r.Problem() != "account-not-found" {
					t.Fatalf("404 %s", r.Body)
				}
			}
			if create.StatusCode == 400 && !slices.Equal(create.Fields(), []string{"parentId:unknown"}) {
				t.Fatalf("create: %s", create.Body)
			}
			if view.StatusCode != 200 {
				return
			}
			// What the view says the caller may do is what the endpoints let it do.
			perms, _ := view.JSON["permissions"].(map[string]any)
			kinds, _ := perms["createChild"].([]any)
			if perms["edit"] != (edit.StatusCode == 200) || perms["disable"] != (disable.StatusCode == 200) ||
				slices.Contains(kinds, any("customer")) != (create.StatusCode == 201) {
				t.Fatalf("permissions %v disagree with the answers %v", perms, got)
			}
		})
	}
}

// TestAccountActionsControl: an MSP administrator edits and disables a customer two levels down only with the
// Account Actions Control right, and never its own account.
func TestAccountActionsControl(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	m := f.create(account.MSP, f.providerID, "Hierarchy MSP")
	p := f.create(account.Partner, m, "Hierarchy Partner")
	c := f.create(account.Customer, p, "Hierarchy Customer")
	without := f.adminOf(m)
	with := f.as(m, role.AccountAdmin, role.AccountActionsControl)
	cases := []struct {
		name   string
		cookie string
		target string
		status int
		slug   string
	}{
		{"case=grandchild without the right", without, c, 403, "not-direct-child"},
		{"case=grandchild with the right", with, c, 200, ""},
		{"case=own account with the right", with, m, 403, "own-account"},
		{"case=super admin two levels down", f.super, p, 200, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.t = t
			edit := f.call(f.accounts, request{route: tree.RouteEditAccount, id: tc.target, cookie: tc.cookie,
				body: map[string]any{"company": map[string]any{"zipCode": "10001"}}})
			disable := f.call(f.revoke, request{route: tree.RouteDisable, id: tc.target, cookie: tc.cookie})
			for _, r := range []platformtest.Reply{edit, disable} {
				if tc.slug != "" {
					platformtest.WantProblem(t, r, tc.status, tc.slug)
				} else {
					platformtest.WantStatus(t, r, tc.status)
				}
			}
			if disable.StatusCode == 200 {
				platformtest.WantStatus(t, f.call(f.revoke, request{route: tree.RouteEnable, id: tc.target, cookie: tc.cookie}), 200)
			}
		})
	}
}
