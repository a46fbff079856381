package tree_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/tree"
)

// edit sends PATCH /v1/accounts/{id}.
func (f *fixture) edit(cookie, id string, body any) platformtest.Reply {
	f.t.Helper()
	return f.call(f.accounts, request{route: tree.RouteEditAccount, id: id, cookie: cookie, body: body})
}

func company(fields map[string]any) map[string]any { return map[string]any{"company": fields} }

func TestEditCompany(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	m := f.create(account.MSP, f.providerID, "Edit MSP")
	p := f.create(account.Partner, m, "Old Name Partner")
	admin := f.adminOf(m)

	t.Run("case=some fields", func(t *testing.T) {
		r := f.edit(admin, p, company(map[string]any{"city": "  Portland ", "zipCode": "97201"}))
		platformtest.WantStatus(t, r, 200)
		c := f.Account(p)
		if c.Company.City != "Portland" || c.Company.ZipCode != "97201" || c.Company.Address != "1 Main Street" || c.Version != 2 || num(r, "version") != 2 {
			t.Fatalf("account %+v, answer %s", c.Company, r.Body)
		}
		if got := f.auditActions(p); len(got) == 0 || got[0] != "account.updated" {
			t.Fatalf("audit of the account %v", got)
		}
		if got := f.auditActions(m); got[0] != "account.updated" {
			t.Fatalf("audit of the parent %v", got)
		}
	})
	t.Run("case=rename moves the guard, the sort key and the memberships' copy", func(t *testing.T) {
		r := f.edit(admin, p, company(map[string]any{"name": "Aardvark Partner"}))
		platformtest.WantStatus(t, r, 200)
		if got := names(f.children(admin, m, nil)); !slices.Equal(got, []string{"Aardvark Partner"}) {
			t.Fatalf("children %v", got)
		}
		f.create(account.Partner, m, "Zebra Partner")
		f.create(account.Partner, m, "Middle Partner")
		if got := names(f.children(admin, m, nil)); !slices.Equal(got, []string{"Aardvark Partner", "Middle Partner", "Zebra Partner"}) {
			t.Fatalf("children after rename %v", got)
		}
		// The old name is free again; the new one is taken, whatever its case.
		f.create(account.Customer, m, "Old Name Partner")
		platformtest.WantProblem(t, f.createAs(f.super, account.Customer, m, "AARDVARK partner"), 409, "company-name-taken")
		ms, err := f.store.Membership(context.Background(), f.Account(p).ContactUserID, p)
		if err != nil || ms.AccountName != "Aardvark Partner" {
			t.Fatalf("membership %+v %v", ms, err)
		}
	})
	t.Run("case=rename in another case keeps the guard", func(t *testing.T) {
		platformtest.WantStatus(t, f.edit(admin, p, company(map[string]any{"name": "AARDVARK Partner"})), 200)
		if c := f.Account(p).Company.Name; c != "AARDVARK Partner" {
			t.Fatalf("name %q", c)
		}
		platformtest.WantProblem(t, f.createAs(f.super, account.Customer, m, "aardvark partner"), 409, "company-name-taken")
	})
	t.Run("case=name of another account", func(t *testing.T) {
		before := f.Snapshot()
		r := f.edit(admin, p, company(map[string]any{"name": "zebra PARTNER", "city": "Boston"}))
		platformtest.WantProblem(t, r, 409, "company-name-taken")
		if fields, _ := r.JSON["fields"].([]any); len(fields) != 1 || fields[0] != "company.name" {
			t.Fatalf("%s", r.Body)
		}
		f.Unchanged(before, "a rename to a taken name")
	})
	t.Run("case=stale version", func(t *testing.T) {
		before := f.Snapshot()
		v := f.Account(p).Version
		r := f.edit(admin, p, map[string]any{"version": v - 1, "company": map[string]any{"city": "Denver"}})
		platformtest.WantProblem(t, r, 409, "stale-version")
		f.Unchanged(before, "an edit of a stale version")
		platformtest.WantStatus(t, f.edit(admin, p, map[string]any{"version": v, "company": map[string]any{"city": "Denver"}}), 200)
	})
	t.Run("case=nothing changes", func(t *testing.T) {
		before := f.Snapshot()
		platformtest.WantStatus(t, f.edit(admin, p, company(map[string]any{"city": "Denver"})), 200)
		f.Unchanged(before, "an edit to the same values")
	})
}

func TestEditRefusesBadInput(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	m := f.create(account.MSP, f.providerID, "Strict MSP")
	p := f.create(account.Partner, m, "Strict Partner")
	c := f.create(account.Customer, p, "Strict Customer")
	cases := []struct {
		name   string
		target string
		body   any
		fields []string
	}{
		{"case=empty body", p, `{}`, []string{"body:empty"}},
		{"case=not json", p, `{"company":`, []string{"body:invalid_json"}},
		{"case=every bad field at once", p, company(map[string]any{"name": "  ", "address": strings.Repeat("a", 201), "country": "",
			"city": "Line\nbreak", "zipCode": strings.Repeat("9", 21), "fax": "1"}),
			[]string{"company.address:too_long", "company.city:invalid", "company.country:required", "company.fax:unknown_field",
				"company.name:required", "company.zipCode:too_long"}},
		{"case=wrong types", p, map[string]any{"company": map[string]any{"name": 5}, "version": "x"},
			[]string{"company.name:wrong_type", "version:wrong_type"}},
		{"case=unknown and badly typed apps", c, map[string]any{"apps": map[string]any{"teleporter": true, "cloud-backup": "yes", "web-filtering": true}},
			[]string{"apps.cloud-backup:wrong_type", "apps.teleporter:unknown"}},
		{"case=apps of a partner", p, map[string]any{"apps": map[string]any{"cloud-backup": true}}, []string{"apps:not_allowed"}},
		{"case=version zero", p, map[string]any{"version": 0, "company": map[string]any{"city": "X"}}, []string{"version:invalid"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.t = t
			before := f.Snapshot()
			r := f.edit(f.as(f.providerID, role.SuperAdmin), tc.target, tc.body)
			platformtest.WantProblem(t, r, 400, "validation")
			if got := r.Fields(); !slices.Equal(got, tc.fields) {
				t.Fatalf("fields %v, want %v", got, tc.fields)
			}
			f.Unchanged(before, "a bad edit")
		})
	}
}

func TestAppToggles(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	m := f.create(account.MSP, f.providerID, "Apps MSP")
	c := f.create(account.Customer, m, "Apps Customer")
	lead := f.as(m, role.ImplementationLead)

	r := f.edit(lead, c, map[string]any{"apps": map[string]any{"cloud-backup": true, "web-filtering": true}})
	platformtest.WantStatus(t, r, 200)
	apps := r.JSON["apps"].(map[string]any)
	if apps["cloud-backup"] != true || apps["web-filtering"] != true || apps["email-security"] != false {
		t.Fatalf("apps %v", apps)
	}
	r = f.edit(f.adminOf(m), c, map[string]any{"apps": map[string]any{"cloud-backup": false}})
	platformtest.WantStatus(t, r, 200)
	if got := f.Account(c).Apps; len(got) != 1 || !got["web-filtering"] {
		t.Fatalf("stored toggles %v", got)
	}
	shown := f.get(f.adminOf(m), c).JSON["apps"].(map[string]any)
	if shown["cloud-backup"] != false || shown["web-filtering"] != true {
		t.Fatalf("GET shows %v", shown)
	}
	// Provisioning is not editing: an implementation lead switches apps but does not change company details.
	platformtest.WantProblem(t, f.edit(lead, c, company(map[string]any{"city": "Reno"})), 403, "forbidden")
	platformtest.WantProblem(t, f.edit(f.as(m, role.MSPAccounts), c, map[string]any{"apps": map[string]any{"cloud-backup": true}}), 403, "forbidden")
	if got := f.auditActions(c); len(got) < 2 || got[0] != "account.updated" || got[1] != "account.updated" {
		t.Fatalf("audit %v", got)
	}
}
