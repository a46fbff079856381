package role_test

import (
	"testing"

	"github.com/partnerhub/partnerhub/pkg/role"
)

// TestSupportStaffComesOnlyWithAGrant checks that nobody, not even a super administrator, may assign the
// support-staff role through the users API, and that it lacks exactly the customer administrator's right to
// manage support partners.
func TestSupportStaffComesOnlyWithAGrant(t *testing.T) {
	t.Parallel()
	staff, ok := role.Find(role.SupportStaff)
	if !ok {
		t.Fatal("no support-staff role")
	}
	for _, holder := range [][]role.Name{{role.SuperAdmin}, {role.AccountAdmin}, {role.SupportStaff}, {role.AccountAdmin, role.AccountActionsControl}} {
		if role.MayAssign(holder, staff, role.KindCustomer) {
			t.Errorf("%v may assign support-staff", holder)
		}
		for _, r := range role.Assignable(holder, role.KindCustomer) {
			if r.Name == role.SupportStaff {
				t.Errorf("Assignable(%v) lists support-staff", holder)
			}
		}
	}
	admin, _ := role.Find(role.AccountAdmin)
	for _, p := range admin.Permissions {
		if got, want := role.Allows([]role.Name{role.SupportStaff}, p), p != role.PartnerAccessManage; got != want {
			t.Errorf("support-staff allows %s: %v, want %v", p, got, want)
		}
	}
	if role.Allows([]role.Name{role.SupportStaff}, role.TwoFactorManage) || role.Allows([]role.Name{role.SupportStaff}, role.HierarchyActions) {
		t.Error("support-staff allows more than a customer administrator")
	}
}
