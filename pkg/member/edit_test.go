package member_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"sync"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/member"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// edit is PATCH /v1/users/{id}.
func (h *harness) edit(token, userID string, body any) platformtest.Reply {
	h.t.Helper()
	return h.do(h.users, call{route: member.RouteEdit, params: map[string]string{"id": userID}, token: token, body: body})
}

// admins lists the ids of an account's administrators as the gsi2 list has them.
func (h *harness) admins(accountID string) []string {
	h.t.Helper()
	ids, err := h.store.Admins(context.Background(), accountID, 100)
	if err != nil {
		h.t.Fatal(err)
	}
	slices.Sort(ids)
	return ids
}

func TestEditContact(t *testing.T) {
	t.Parallel()
	m := newMSP(t)
	customer := m.account(account.Customer, &m.msp, "Contoso")
	rita := m.add(m.msp, who{name: "Rita Reader", status: user.Active, roles: []role.Name{role.ReadOnly}})
	m.join(rita, customer, role.ReadOnly)

	r := m.edit(m.tok, rita.ID, map[string]any{"name": " Rita Writer ", "phone": "+44 20 7946 0000", "mobile": ""})
	platformtest.WantStatus(t, r, 200)
	if r.Str("name") != "Rita Writer" || r.Str("id") != rita.ID || r.Str("status") != "registered" {
		t.Fatalf("answer %s", r.Body)
	}
	u := m.User(rita.ID)
	if u.Name != "Rita Writer" || u.Phone != "+44 20 7946 0000" || u.Version != rita.Version+1 {
		t.Fatalf("user %+v", u)
	}
	for _, acc := range []account.Account{m.msp, customer} {
		ms, _ := m.membership(rita.ID, acc.ID)
		item := m.Item(table.MembershipKey(rita.ID, acc.ID))
		if ms.UserName != "Rita Writer" || platformtest.Str(item[table.AttrGSI1SK]) != table.MembersGSI1(acc.ID, "Rita Writer", rita.ID).SK {
			t.Fatalf("membership in %s: %+v", acc.Company.Name, ms)
		}
	}
	list := m.do(m.users, call{route: member.RouteList, params: map[string]string{"id": customer.ID}, token: m.tok, query: url.Values{"initial": {"r"}}})
	if got := ids(list); !slices.Equal(got, []string{rita.ID}) {
		t.Fatalf("the list by the new name: %s", list.Body)
	}
	if got := m.audits(m.msp.ID); !slices.Contains(got, "user.updated") {
		t.Fatalf("audit %v", got)
	}

	cases := []struct {
		name   string
		token  string
		userID string
		body   any
		status int
		slug   string
		fields []string
	}{
		{"case=empty name", m.tok, rita.ID, map[string]any{"name": " "}, 400, "validation", []string{"name:required"}},
		// A registered user's address is their login: only an invited user's can be corrected.
		{"case=bad numbers and a registered user's address", m.tok, rita.ID, map[string]any{"phone": "x", "mobile": "1", "email": "new@example.com"}, 400, "validation",
			[]string{"email:not_allowed", "mobile:invalid", "phone:invalid"}},
		{"case=nothing to change", m.tok, rita.ID, map[string]any{}, 400, "validation", []string{"body:empty"}},
		{"case=an account without roles", m.tok, rita.ID, map[string]any{"name": "R", "accountId": customer.ID}, 400, "validation", []string{"accountId:not_allowed"}},
		{"case=stale version", m.tok, rita.ID, map[string]any{"name": "R", "version": rita.Version}, 409, "stale-version", nil},
		{"case=no such user", m.tok, "nobody", map[string]any{"name": "R"}, 404, "user-not-found", nil},
		{"case=role without users:manage", m.session(m.User(rita.ID), m.msp), m.admin.ID, map[string]any{"name": "R"}, 403, "forbidden", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := m.Snapshot()
			r := m.edit(c.token, c.userID, c.body)
			platformtest.WantProblem(t, r, c.status, c.slug)
			if got := r.Fields(); !slices.Equal(got, c.fields) {
				t.Fatalf("fields %v, want %v", got, c.fields)
			}
			m.Unchanged(before, "a refused edit")
		})
	}
	t.Run("case=current version", func(t *testing.T) {
		r := m.edit(m.tok, rita.ID, map[string]any{"mobile": "+1 206 555 0199", "version": m.User(rita.ID).Version})
		platformtest.WantStatus(t, r, 200)
		if got := m.User(rita.ID); got.Mobile != "+1 206 555 0199" || got.Phone != "+44 20 7946 0000" {
			t.Fatalf("user %+v", got)
		}
	})
	t.Run("case=outside the caller's tree", func(t *testing.T) {
		sibling := m.account(account.MSP, &m.provider, "Other MSP")
		stranger := m.person(sibling, "Sid Stranger", user.Active, role.ReadOnly)
		platformtest.WantProblem(t, m.edit(m.tok, stranger.ID, map[string]any{"name": "S"}), 404, "user-not-found")
	})
}

func TestEditRoles(t *testing.T) {
	t.Parallel()
	m := newMSP(t)
	customer := m.account(account.Customer, &m.msp, "Contoso")
	rita := m.person(m.msp, "Rita Reader", user.Active, role.ReadOnly)
	carla := m.person(customer, "Carla Customer", user.Active, role.AccountAdmin)

	steps := []struct {
		name   string
		token  string
		userID string
		body   map[string]any
		status int
		slug   string
		check  func(t *testing.T)
	}{
		{"case=roles in the caller's account", m.tok, rita.ID, map[string]any{"roles": []string{"read-only", "msp-accounts"}}, 200, "", func(t *testing.T) {
			ms, _ := m.membership(rita.ID, m.msp.ID)
			if !slices.Equal(ms.Roles, []role.Name{role.MSPAccounts, role.ReadOnly}) || ms.Version != 1 {
				t.Fatalf("membership %+v", ms)
			}
		}},
		// One transaction may touch an item once: the membership whose roles change is renamed in the same write.
		{"case=name and roles together", m.tok, rita.ID, map[string]any{"name": "Rita Renamed", "roles": []string{"read-only"}}, 200, "", func(t *testing.T) {
			ms, _ := m.membership(rita.ID, m.msp.ID)
			if !slices.Equal(ms.Roles, []role.Name{role.ReadOnly}) || ms.UserName != "Rita Renamed" || ms.Version != 2 {
				t.Fatalf("membership %+v", ms)
			}
			if got := m.User(rita.ID).Name; got != "Rita Renamed" {
				t.Fatalf("user name %q", got)
			}
		}},
		{"case=a right the admin lacks", m.tok, rita.ID, map[string]any{"roles": []string{"account-actions-control"}}, 403, "role-not-assignable", nil},
		{"case=a role the kind cannot hold", m.tok, carla.ID, map[string]any{"roles": []string{"msp-accounts"}, "accountId": customer.ID}, 400, "validation", nil},
		{"case=no roles", m.tok, rita.ID, map[string]any{"roles": []string{}}, 400, "validation", nil},
		{"case=not a member of that account", m.tok, rita.ID, map[string]any{"roles": []string{"read-only"}, "accountId": customer.ID}, 404, "not-member", nil},
		{"case=the last administrator of an account below", m.tok, carla.ID, map[string]any{"roles": []string{"read-only"}, "accountId": customer.ID}, 409, "last-administrator", nil},
		{"case=raising one's own roles", m.tok, m.admin.ID, map[string]any{"roles": []string{"account-admin", "account-actions-control"}}, 403, "cannot-raise-own-roles", nil},
		{"case=adding a role that allows nothing more is no raise", m.tok, m.admin.ID, map[string]any{"roles": []string{"account-admin", "read-only"}}, 200, "", nil},
		{"case=the last administrator lowering their own", m.tok, m.admin.ID, map[string]any{"roles": []string{"read-only"}}, 409, "last-administrator", nil},
		{"case=making a second administrator", m.tok, rita.ID, map[string]any{"roles": []string{"account-admin"}}, 200, "", func(t *testing.T) {
			want := []string{m.admin.ID, rita.ID}
			slices.Sort(want)
			if got := m.admins(m.msp.ID); !slices.Equal(got, want) {
				t.Fatalf("administrators %v, want %v", got, want)
			}
		}},
		{"case=lowering one's own roles with another administrator", m.tok, m.admin.ID, map[string]any{"roles": []string{"read-only"}}, 200, "", func(t *testing.T) {
			if got := m.admins(m.msp.ID); !slices.Equal(got, []string{rita.ID}) {
				t.Fatalf("administrators %v", got)
			}
			if got := m.audits(m.msp.ID); !slices.Contains(got, "user.updated") {
				t.Fatalf("audit %v", got)
			}
		}},
		{"case=no longer allowed to manage", m.tok, rita.ID, map[string]any{"roles": []string{"read-only"}}, 403, "forbidden", nil},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			before := m.Snapshot()
			r := m.edit(s.token, s.userID, s.body)
			platformtest.WantProblem(t, r, s.status, s.slug)
			if s.status >= 400 {
				m.Unchanged(before, "a refused edit")
			}
			if s.check != nil {
				s.check(t)
			}
		})
	}
}

// TestEditKeepsAnAdministratorUnderConcurrency demotes an account's two administrators at the same time: one
// demotion may commit, never both.
func TestEditKeepsAnAdministratorUnderConcurrency(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for round := range 5 {
		customer := h.account(account.Customer, &h.provider, fmt.Sprintf("Customer %d", round))
		x := h.person(customer, "Xena Admin", user.Active, role.AccountAdmin)
		y := h.person(customer, "Yuri Admin", user.Active, role.AccountAdmin)
		var wg sync.WaitGroup
		replies := make([]platformtest.Reply, 2)
		errs := make([]error, 2)
		for i, u := range []user.User{x, y} {
			wg.Go(func() {
				replies[i], errs[i] = h.try(h.users, call{route: member.RouteEdit, params: map[string]string{"id": u.ID}, token: h.superTok,
					body: map[string]any{"roles": []string{"read-only"}, "accountId": customer.ID}})
			})
		}
		wg.Wait()
		succeeded := 0
		for i, r := range replies {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			switch {
			case r.StatusCode == 200:
				succeeded++
			case r.StatusCode == 409 && (r.Problem() == "last-administrator" || r.Problem() == "conflict"):
			default:
				t.Fatalf("round %d: %d %s", round, r.StatusCode, r.Body)
			}
		}
		if succeeded != 1 {
			t.Fatalf("round %d: %d demotions succeeded, want 1", round, succeeded)
		}
		if got := h.admins(customer.ID); len(got) != 1 {
			t.Fatalf("round %d: administrators %v", round, got)
		}
	}
}
