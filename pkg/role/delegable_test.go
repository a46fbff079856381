package role_test

import (
	"slices"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/role"
)

// TestDelegable checks the roles a customer may grant a support partner: each is in the catalog and held in a
// customer, and none allows what only the customer decides (its support partners), switching two-factor sign-in
// for others, or acting beyond the customer.
func TestDelegable(t *testing.T) {
	t.Parallel()
	want := []role.Name{role.SupportStaff, role.SupportUserAdmin, role.ReadOnly}
	if len(role.Delegable) != len(want) {
		t.Fatalf("Delegable = %v, want %v", role.Delegable, want)
	}
	for i, n := range want {
		if role.Delegable[i] != n || !role.IsDelegable(n) {
			t.Errorf("Delegable[%d] = %s, want %s", i, role.Delegable[i], n)
		}
		r, ok := role.Find(n)
		if !ok {
			t.Fatalf("%s is not in the catalog", n)
		}
		if !slices.Contains(r.Kinds, role.KindCustomer) {
			t.Errorf("%s is not held in a customer", n)
		}
		for _, p := range []role.Permission{role.PartnerAccessManage, role.TwoFactorManage, role.HierarchyActions, role.BrandingEnable} {
			if role.Allows([]role.Name{n}, p) {
				t.Errorf("delegable %s allows %s", n, p)
			}
		}
	}
	for _, n := range []role.Name{role.SuperAdmin, role.AccountAdmin, role.AccountActionsControl, role.MSPAccounts, role.Name("nobody")} {
		if role.IsDelegable(n) {
			t.Errorf("%s is delegable", n)
		}
	}
	// The user administrator comes only with a grant, like support-staff.
	ua, _ := role.Find(role.SupportUserAdmin)
	for _, holder := range [][]role.Name{{role.SuperAdmin}, {role.AccountAdmin}, {role.SupportUserAdmin}} {
		if role.MayAssign(holder, ua, role.KindCustomer) {
			t.Errorf("%v may assign support-user-admin", holder)
		}
	}
}
