package access_test

import (
	"testing"

	"github.com/partnerhub/partnerhub/pkg/access"
	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/role"
)

// The tree: provider → msp → partner → customer, and a second msp (other) with its own partner.
var (
	provider = account.Account{ID: "provider", Kind: account.Provider}
	msp      = account.Account{ID: "msp", Kind: account.MSP, ParentID: "provider", Ancestors: []string{"provider"}}
	partner  = account.Account{ID: "partner", Kind: account.Partner, ParentID: "msp", Ancestors: []string{"provider", "msp"}}
	customer = account.Account{ID: "customer", Kind: account.Customer, ParentID: "partner", Ancestors: []string{"provider", "msp", "partner"}}
	other    = account.Account{ID: "other", Kind: account.MSP, ParentID: "provider", Ancestors: []string{"provider"}}
	otherP   = account.Account{ID: "other-partner", Kind: account.Partner, ParentID: "other", Ancestors: []string{"provider", "other"}}
)

func TestReach(t *testing.T) {
	t.Parallel()
	admin := []role.Name{role.AccountAdmin}
	control := []role.Name{role.AccountAdmin, role.AccountActionsControl}
	in := func(id string, roles []role.Name) actor.Actor {
		return actor.Actor{UserID: "u", AccountID: id, Roles: roles}
	}
	cases := []struct {
		name       string
		actor      actor.Actor
		target     account.Account
		sees, acts bool
	}{
		{"case=own account", in("msp", admin), msp, true, true},
		{"case=direct child", in("msp", admin), partner, true, true},
		{"case=grandchild without the right", in("msp", admin), customer, true, false},
		{"case=grandchild with Account Actions Control", in("msp", control), customer, true, true},
		{"case=the whole subtree from the root with the right", in("provider", control), customer, true, true},
		{"case=the root reaches its direct children without the right", in("provider", admin), other, true, true},
		{"case=the root sees deep but does not act there without the right", in("provider", admin), otherP, true, false},
		{"case=parent is outside", in("partner", control), msp, false, false},
		{"case=root is outside", in("msp", control), provider, false, false},
		{"case=sibling subtree is outside", in("msp", control), other, false, false},
		{"case=a child of a sibling is outside", in("msp", control), otherP, false, false},
		{"case=leaf sees only itself", in("customer", control), customer, true, true},
		{"case=leaf does not see its parent", in("customer", control), partner, false, false},
		{"case=no roles still reach (permissions are the caller's check)", in("msp", nil), partner, true, true},
		{"case=anonymous sees nothing", actor.Actor{}, customer, false, false},
		{"case=anonymous does not see an account without ancestors", actor.Actor{}, provider, false, false},
		{"case=no account sees nothing even with the right", actor.Actor{UserID: "u", Roles: control}, msp, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if got := access.Sees(c.actor, c.target); got != c.sees {
				t.Errorf("Sees = %v, want %v", got, c.sees)
			}
			if got := access.Acts(c.actor, c.target); got != c.acts {
				t.Errorf("Acts = %v, want %v", got, c.acts)
			}
		})
	}
}

func TestCreatesAndConverts(t *testing.T) {
	t.Parallel()
	in := func(id string, roles ...role.Name) actor.Actor {
		return actor.Actor{UserID: "u", AccountID: id, Roles: roles}
	}
	creates := []struct {
		name  string
		a     actor.Actor
		kind  account.Kind
		stage account.Stage
		want  bool
	}{
		{"case=prospects role creates a prospect", in("msp", role.MSPProspects), account.Customer, account.Prospect, true},
		{"case=prospects role creates no customer", in("msp", role.MSPProspects), account.Customer, account.Signed, false},
		{"case=prospects role creates no partner", in("msp", role.MSPProspects), account.Partner, account.Signed, false},
		{"case=accounts role creates either stage", in("msp", role.MSPAccounts), account.Customer, account.Prospect, true},
		{"case=accounts role creates customers", in("msp", role.MSPAccounts), account.Customer, account.Signed, true},
		{"case=administrator creates partners", in("msp", role.AccountAdmin), account.Partner, account.Signed, true},
		{"case=no partner is a prospect", in("msp", role.AccountAdmin), account.Partner, account.Prospect, false},
		{"case=read-only creates nothing", in("msp", role.ReadOnly), account.Customer, account.Prospect, false},
	}
	for _, c := range creates {
		if got := access.Creates(c.a, c.kind, c.stage); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	converts := []struct {
		name string
		a    actor.Actor
		acc  account.Account
		want bool
	}{
		{"case=administrator of the parent", in("partner", role.AccountAdmin), customer, true},
		{"case=administrator two levels up", in("msp", role.AccountAdmin), customer, false},
		{"case=with Account Actions Control", in("msp", role.AccountAdmin, role.AccountActionsControl), customer, true},
		{"case=prospects role", in("partner", role.MSPProspects), customer, false},
		{"case=accounts role, no edit", in("partner", role.MSPAccounts), customer, false},
		{"case=outside the tree", in("other", role.AccountAdmin, role.AccountActionsControl), customer, false},
		{"case=its own account", in("customer", role.AccountAdmin), customer, false},
	}
	for _, c := range converts {
		if got := access.Converts(c.a, c.acc); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
