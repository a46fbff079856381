package role_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/role"
)

// columns are the permissions of the matrix, in the order of the cells of each row below.
var columns = []role.Permission{
	role.AccountsView, role.PartnersCreate, role.CustomersCreate, role.ProspectsCreate, role.AccountsEdit,
	role.AccountsDisable, role.CustomersProvision, role.HierarchyActions, role.UsersView, role.UsersManage,
	role.TwoFactorManage, role.BrandingManage, role.BrandingEnable, role.PartnerAccessManage, role.AuditView,
	role.MarketingView, role.MarketingGrantAccess,
}

// matrix is what each role must allow, written out by hand from the product's description of the roles (DESIGN
// §2), one cell per permission of columns: "x" allows, "." does not. It is not derived from the catalog: a
// change to the catalog must change this table too.
var matrix = map[role.Name]string{
	//                           view  prt   cust  pros  edit  dis   prov  hier  uview uman  2fa   brand bren  pacc  audit mkt   mktg
	role.SuperAdmin:            "x     x     x     x     x     x     x     x     x     x     x     x     x     x     x     x     x",
	role.AccountAdmin:          "x     x     x     x     x     x     x     .     x     x     .     x     .     x     x     .     .",
	role.MSPAccounts:           "x     .     x     .     .     .     .     .     .     .     .     .     .     .     .     .     .",
	role.MSPProspects:          "x     .     .     x     .     .     .     .     .     .     .     .     .     .     .     .     .",
	role.ImplementationLead:    "x     .     x     .     .     .     x     .     .     .     .     .     .     .     .     .     .",
	role.PartnerMarketing:      ".     .     .     .     .     .     .     .     .     .     .     .     .     .     .     x     .",
	role.PartnerMarketingAdmin: ".     .     .     .     .     .     .     .     .     .     .     .     .     .     .     x     x",
	role.ReadOnly:              "x     .     .     .     .     .     .     .     x     .     .     .     .     .     x     .     .",
	role.AccountActionsControl: ".     .     .     .     .     .     .     x     .     .     .     .     .     .     .     .     .",
	role.SupportStaff:          "x     x     x     x     x     x     x     .     x     x     .     x     .     .     x     .     .",
	role.SupportUserAdmin:      "x     .     .     .     .     .     .     .     x     x     .     .     .     .     .     .     .",
}

// kinds is which kinds of account may hold each role: provider, msp, partner, customer.
var kinds = map[role.Name]string{
	//                           prov  msp   prt   cust
	role.SuperAdmin:            "x     .     .     .",
	role.AccountAdmin:          ".     x     x     x",
	role.MSPAccounts:           ".     x     x     .",
	role.MSPProspects:          ".     x     x     .",
	role.ImplementationLead:    ".     x     x     .",
	role.PartnerMarketing:      ".     x     x     .",
	role.PartnerMarketingAdmin: ".     x     x     .",
	role.ReadOnly:              "x     x     x     x",
	role.AccountActionsControl: ".     x     x     .",
	role.SupportStaff:          ".     .     .     x",
	role.SupportUserAdmin:      ".     .     .     x",
}

var kindColumns = []string{role.KindProvider, role.KindMSP, role.KindPartner, role.KindCustomer}

// cells reads one row of a table.
func cells(t *testing.T, row string, n int) []bool {
	t.Helper()
	fields := strings.Fields(row)
	if len(fields) != n {
		t.Fatalf("row %q has %d cells, want %d", row, len(fields), n)
	}
	out := make([]bool, n)
	for i, f := range fields {
		switch f {
		case "x":
			out[i] = true
		case ".":
		default:
			t.Fatalf("cell %q is neither x nor .", f)
		}
	}
	return out
}

// TestMatrix checks every cell of role × permission against the hand-written matrix, through Allows, the one
// function every permission check goes through.
func TestMatrix(t *testing.T) {
	t.Parallel()
	var names []role.Name
	for _, r := range role.Catalog {
		names = append(names, r.Name)
	}
	for n := range matrix {
		if !slices.Contains(names, n) {
			t.Errorf("the matrix has a row for %s, which the catalog lacks", n)
		}
	}
	for _, n := range names {
		row, ok := matrix[n]
		if !ok {
			t.Errorf("role %s of the catalog has no row in the matrix", n)
			continue
		}
		want := cells(t, row, len(columns))
		for i, p := range columns {
			t.Run("role="+string(n)+"/permission="+string(p), func(t *testing.T) {
				t.Parallel()
				if got := role.Allows([]role.Name{n}, p); got != want[i] {
					t.Fatalf("Allows(%s, %s) = %v, want %v", n, p, got, want[i])
				}
			})
		}
	}
}

// TestNoPermissionOutsideTheMatrix fails when a role grants a permission the matrix has no column for.
func TestNoPermissionOutsideTheMatrix(t *testing.T) {
	t.Parallel()
	for _, r := range role.Catalog {
		for _, p := range r.Permissions {
			if !slices.Contains(columns, p) {
				t.Errorf("role %s grants %s, which the matrix does not list", r.Name, p)
			}
		}
	}
}

func TestKinds(t *testing.T) {
	t.Parallel()
	for n, row := range kinds {
		r, ok := role.Find(n)
		if !ok {
			t.Errorf("no role %s", n)
			continue
		}
		want := cells(t, row, len(kindColumns))
		for i, k := range kindColumns {
			if got := slices.Contains(r.Kinds, k); got != want[i] {
				t.Errorf("role %s held by %s accounts: %v, want %v", n, k, got, want[i])
			}
		}
		if r.Title == "" || r.Description == "" {
			t.Errorf("role %s has no title or description", n)
		}
	}
	if len(kinds) != len(role.Catalog) {
		t.Errorf("the kinds table has %d rows, the catalog %d roles", len(kinds), len(role.Catalog))
	}
}

func TestAllowsAndPermissionsCombineRoles(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		roles []role.Name
		p     role.Permission
		want  bool
	}{
		{"case=none", nil, role.AccountsView, false},
		{"case=unknown role", []role.Name{"root"}, role.AccountsView, false},
		{"case=any of two", []role.Name{role.PartnerMarketing, role.ReadOnly}, role.UsersView, true},
		{"case=admin with the right", []role.Name{role.AccountAdmin, role.AccountActionsControl}, role.HierarchyActions, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if got := role.Allows(c.roles, c.p); got != c.want {
				t.Fatalf("Allows(%v, %s) = %v", c.roles, c.p, got)
			}
		})
	}
	got := role.Permissions([]role.Name{role.ReadOnly, role.MSPAccounts})
	want := []role.Permission{role.AccountsView, role.CustomersCreate, role.UsersView, role.AuditView}
	if !slices.Equal(got, want) {
		t.Fatalf("Permissions = %v, want %v (catalog order, no duplicates)", got, want)
	}
}

func TestAdminFor(t *testing.T) {
	t.Parallel()
	for kind, want := range map[string]role.Name{
		role.KindProvider: role.SuperAdmin, role.KindMSP: role.AccountAdmin, role.KindPartner: role.AccountAdmin, role.KindCustomer: role.AccountAdmin,
	} {
		if got := role.AdminFor(kind); got != want {
			t.Errorf("AdminFor(%s) = %s, want %s", kind, got, want)
		}
	}
}

// TestAssignable checks who may grant what, where: the roles the kind may hold, among them those the granter
// holds, or all but Account Actions Control for an administrator, everything for a super administrator.
func TestAssignable(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		holder []role.Name
		kind   string
		want   []role.Name
	}{
		{"case=super admin in the provider", []role.Name{role.SuperAdmin}, role.KindProvider,
			[]role.Name{role.SuperAdmin, role.ReadOnly}},
		{"case=super admin in an msp", []role.Name{role.SuperAdmin}, role.KindMSP,
			[]role.Name{role.AccountAdmin, role.MSPAccounts, role.MSPProspects, role.ImplementationLead, role.PartnerMarketing,
				role.PartnerMarketingAdmin, role.ReadOnly, role.AccountActionsControl}},
		{"case=admin in an msp", []role.Name{role.AccountAdmin}, role.KindMSP,
			[]role.Name{role.AccountAdmin, role.MSPAccounts, role.MSPProspects, role.ImplementationLead, role.PartnerMarketing,
				role.PartnerMarketingAdmin, role.ReadOnly}},
		{"case=admin with the right in a partner", []role.Name{role.AccountAdmin, role.AccountActionsControl}, role.KindPartner,
			[]role.Name{role.AccountAdmin, role.MSPAccounts, role.MSPProspects, role.ImplementationLead, role.PartnerMarketing,
				role.PartnerMarketingAdmin, role.ReadOnly, role.AccountActionsControl}},
		{"case=admin in a customer", []role.Name{role.AccountAdmin}, role.KindCustomer,
			[]role.Name{role.AccountAdmin, role.ReadOnly}},
		{"case=non-admin grants only what it holds", []role.Name{role.MSPAccounts, role.ReadOnly}, role.KindMSP,
			[]role.Name{role.MSPAccounts, role.ReadOnly}},
		{"case=nothing held", nil, role.KindCustomer, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var got []role.Name
			for _, r := range role.Assignable(c.holder, c.kind) {
				got = append(got, r.Name)
			}
			if !slices.Equal(got, c.want) {
				t.Fatalf("Assignable(%v, %s) = %v\nwant %v", c.holder, c.kind, got, c.want)
			}
		})
	}
}
