package tree_test

import (
	"slices"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/tree"
)

// auditLog lists one page of an account's audit log.
func (f *fixture) auditLog(cookie, id string, query map[string]string) platformtest.Reply {
	f.t.Helper()
	return f.call(f.accounts, request{route: tree.RouteAudit, id: id, cookie: cookie, query: query})
}

func TestAuditLog(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	m := f.create(account.MSP, f.providerID, "Audited MSP")
	p := f.create(account.Partner, m, "Audited Partner")
	admin := f.adminOf(m)
	platformtest.WantStatus(t, f.edit(admin, p, company(map[string]any{"city": "Austin"})), 200)
	platformtest.WantStatus(t, f.disable(admin, p), 200)
	platformtest.WantStatus(t, f.enable(admin, p), 200)
	platformtest.WantStatus(t, f.edit(admin, p, company(map[string]any{"name": "Renamed Audited Partner"})), 200)

	t.Run("case=newest first, page by page", func(t *testing.T) {
		var actions []string
		cursor := ""
		for pages := 0; ; pages++ {
			q := map[string]string{"limit": "2"}
			if cursor != "" {
				q["cursor"] = cursor
			}
			r := f.auditLog(admin, p, q)
			platformtest.WantStatus(t, r, 200)
			items := r.JSON["items"].([]any)
			for _, it := range items {
				e := it.(map[string]any)
				if e["accountId"] != p || e["targetId"] != p || e["at"] == "" {
					t.Fatalf("event %v", e)
				}
				actions = append(actions, e["action"].(string))
			}
			next, _ := r.JSON["next"].(string)
			if next == "" {
				if pages != 2 || len(items) != 1 {
					t.Fatalf("%d pages, last with %d events", pages+1, len(items))
				}
				break
			}
			cursor = next
		}
		want := []string{"account.updated", "account.enabled", "account.disabled", "account.updated", "account.created"}
		if !slices.Equal(actions, want) {
			t.Fatalf("actions %v, want %v", actions, want)
		}
		e := f.auditLog(admin, p, map[string]string{"limit": "1"}).JSON["items"].([]any)[0].(map[string]any)
		details := e["details"].(map[string]any)
		if details["previousName"] != "Audited Partner" || details["name"] != "Renamed Audited Partner" || details["changed"] != "company.name" {
			t.Fatalf("details %v", details)
		}
	})
	t.Run("case=the parent's log shows what happened below it", func(t *testing.T) {
		r := f.auditLog(admin, m, nil)
		var onP int
		for _, it := range r.JSON["items"].([]any) {
			if it.(map[string]any)["targetId"] == p {
				onP++
			}
		}
		if onP != 5 {
			t.Fatalf("%d events about the partner in the msp's log: %s", onP, r.Body)
		}
	})
	cases := []struct {
		name   string
		cookie string
		query  map[string]string
		status int
		slug   string
	}{
		{"case=its own administrator", f.adminOf(p), nil, 200, ""},
		{"case=read-only above", f.as(f.providerID, role.ReadOnly), nil, 200, ""},
		{"case=a role without audit:view", f.as(m, role.MSPAccounts), nil, 403, "forbidden"},
		{"case=another tree", f.adminOf(f.create(account.MSP, f.providerID, "Nosy MSP")), nil, 404, "account-not-found"},
		{"case=bad cursor", admin, map[string]string{"cursor": "e30"}, 400, "validation"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.t = t
			r := f.auditLog(tc.cookie, p, tc.query)
			if tc.slug != "" {
				platformtest.WantProblem(t, r, tc.status, tc.slug)
			} else {
				platformtest.WantStatus(t, r, tc.status)
			}
		})
	}
	t.Run("case=another account's cursor", func(t *testing.T) {
		next, _ := f.auditLog(admin, m, map[string]string{"limit": "1"}).JSON["next"].(string)
		r := f.auditLog(admin, p, map[string]string{"cursor": next})
		platformtest.WantProblem(t, r, 400, "validation")
		if !slices.Equal(r.Fields(), []string{"cursor:invalid"}) {
			t.Fatalf("%s", r.Body)
		}
	})
}
