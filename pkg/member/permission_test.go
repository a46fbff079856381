package member_test

import (
	"net/url"
	"slices"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/member"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// TestEveryRouteNeedsItsPermission calls every route of user maintenance as an actor whose roles grant every
// permission but exactly the one the route requires: each answers 403. The same call by an administrator is
// not refused, so the 403 comes from that one permission.
func TestEveryRouteNeedsItsPermission(t *testing.T) {
	t.Parallel()
	m := newMSP(t)
	rita := m.person(m.msp, "Rita Reader", user.Active, role.ReadOnly)
	calls := map[string]call{
		member.RouteRoles:  {},
		member.RouteList:   {params: map[string]string{"id": m.msp.ID}, query: url.Values{"sort": {"email"}}},
		member.RouteInvite: {params: map[string]string{"id": m.msp.ID}, body: map[string]any{"name": "Nina", "email": "nina@example.com", "roles": []string{"read-only"}}},
		member.RouteEdit:   {params: map[string]string{"id": rita.ID}, body: map[string]any{"name": "Rita R."}},
		member.RouteStatus: {params: map[string]string{"id": rita.ID}},
		member.RouteRemove: {params: map[string]string{"id": m.msp.ID, "userId": rita.ID}},
		member.RouteImport: {params: map[string]string{"id": m.msp.ID}, query: url.Values{"dryRun": {"true"}},
			body: "email,first name,last name,roles\nnina@example.com,Nina,N,read-only\n", headers: csvHeaders},

		member.RouteEndSessions: {params: map[string]string{"id": rita.ID}},
	}
	// Every route of the users function, and the user route of the revoke function, is either in the table or
	// one of the two that need no permission.
	var served []string
	for _, fn := range []string{route.Users, route.Revoke} {
		for _, r := range route.Of(fn) {
			if fn == route.Revoke && r.Key() != member.RouteRemove {
				continue // the partner tree's
			}
			served = append(served, r.Key())
		}
	}
	for _, key := range served {
		_, required := member.Required[key]
		if !required && key != member.RouteInvitation && key != member.RouteAccept {
			t.Errorf("route %s needs no permission", key)
		}
		if required && calls[key].params == nil && key != member.RouteRoles {
			t.Errorf("route %s is not called by this test", key)
		}
	}
	for key := range member.Required {
		if !slices.Contains(served, key) {
			t.Errorf("Required names %s, which no function serves", key)
		}
	}

	for key, p := range member.Required {
		t.Run("route="+key+"/lacking="+string(p), func(t *testing.T) {
			c := calls[key]
			c.route = key
			fn := m.users
			if r, _ := route.ByKey(key); r.Function == route.Revoke {
				fn = m.revoke
			}
			lacking := m.add(m.msp, who{name: "Lacking " + string(p), email: string(allBut(p)) + "@example.com", status: user.Active, roles: []role.Name{allBut(p)}})
			c.token = m.session(lacking, m.msp)
			for _, q := range role.Permissions([]role.Name{role.SuperAdmin}) {
				if role.Allows([]role.Name{allBut(p)}, q) != (q != p) {
					t.Fatalf("the test role does not lack exactly %s (%s)", p, q)
				}
			}
			platformtest.WantProblem(t, m.do(fn, c), 403, "forbidden")

			c.token = m.tok
			if r := m.do(fn, c); r.StatusCode == 403 || r.StatusCode >= 500 {
				t.Fatalf("the administrator is refused too: %d %s", r.StatusCode, r.Body)
			}
		})
	}
	t.Run("route="+member.RouteInvitation+"/public", func(t *testing.T) {
		r := m.do(m.users, call{route: member.RouteInvitation, params: map[string]string{"token": "x.y"}})
		platformtest.WantProblem(t, r, 404, "link-invalid")
	})
}

func TestRolesTheCallerMayGrant(t *testing.T) {
	t.Parallel()
	m := newMSP(t)
	customer := m.account(account.Customer, &m.msp, "Contoso")
	partner := m.account(account.Partner, &m.msp, "Reseller")
	grandchild := m.account(account.Customer, &partner, "Fabrikam")
	sibling := m.account(account.MSP, &m.provider, "Other MSP")
	reader := m.session(m.person(m.msp, "Rita Reader", user.Active, role.ReadOnly), m.msp)
	marketer := m.session(m.person(m.msp, "Mia Marketing", user.Active, role.PartnerMarketing), m.msp)
	all := []string{"account-admin", "msp-accounts", "msp-prospects", "implementation-lead", "partner-marketing", "partner-marketing-admin", "read-only"}
	cases := []struct {
		name      string
		token     string
		accountID string
		status    int
		kind      string
		roles     []string
	}{
		{"case=super admin, own account", m.superTok, "", 200, "provider", []string{"super-admin", "read-only"}},
		{"case=super admin, an msp", m.superTok, m.msp.ID, 200, "msp", append(slices.Clone(all), "account-actions-control")},
		{"case=msp admin", m.tok, "", 200, "msp", all},
		{"case=msp admin, a customer below", m.tok, customer.ID, 200, "customer", []string{"account-admin", "read-only"}},
		{"case=msp admin, an account it sees but does not manage", m.tok, grandchild.ID, 200, "customer", nil},
		{"case=read-only grants nothing", reader, "", 200, "msp", nil},
		{"case=role without users:view", marketer, "", 403, "", nil},
		{"case=account outside", m.tok, sibling.ID, 404, "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			q := url.Values{}
			if c.accountID != "" {
				q.Set("accountId", c.accountID)
			}
			r := m.do(m.users, call{route: member.RouteRoles, token: c.token, query: q})
			platformtest.WantStatus(t, r, c.status)
			if c.status != 200 {
				return
			}
			var got []string
			for _, v := range r.JSON["roles"].([]any) {
				rv := v.(map[string]any)
				if rv["title"] == "" || rv["description"] == "" || len(rv["kinds"].([]any)) == 0 {
					t.Errorf("role %v lacks a title, description or kinds", rv)
				}
				got = append(got, rv["name"].(string))
			}
			if r.Str("accountKind") != c.kind || !slices.Equal(got, c.roles) {
				t.Fatalf("%s %v, want %s %v", r.Str("accountKind"), got, c.kind, c.roles)
			}
		})
	}
}
