package member_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/member"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// remove is DELETE /v1/accounts/{id}/users/{userId}, served by the revoke function.
func (h *harness) remove(token, accountID, userID string) platformtest.Reply {
	h.t.Helper()
	return h.do(h.revoke, call{route: member.RouteRemove, params: map[string]string{"id": accountID, "userId": userID}, token: token})
}

// sessionExists reports whether a session's item is still in the table.
func (h *harness) sessionExists(token string) bool {
	h.t.Helper()
	_, err := h.store.Session(context.Background(), h.keys.Hash(token))
	if err != nil && !errors.Is(err, fault.ErrNotFound) {
		h.t.Fatal(err)
	}
	return err == nil
}

func TestRemoveAccess(t *testing.T) {
	t.Parallel()
	m := newMSP(t)
	customer := m.account(account.Customer, &m.msp, "Contoso")
	mo := m.add(m.msp, who{name: "Mo Multi", status: user.Active, roles: []role.Name{role.ReadOnly}})
	m.join(mo, customer, role.AccountAdmin)
	inMSP := m.session(mo, m.msp)
	inCustomer := m.session(mo, customer)

	r := m.remove(m.tok, m.msp.ID, mo.ID)
	platformtest.WantStatus(t, r, 200)
	if r.Str("userStatus") != "registered" || r.JSON["sessionsEnded"] != float64(0) {
		t.Fatalf("answer %s", r.Body)
	}
	if _, found := m.membership(mo.ID, m.msp.ID); found {
		t.Fatal("the membership is still there")
	}
	if u := m.User(mo.ID); u.Status != user.Active || u.HomeAccountID != customer.ID {
		t.Fatalf("user %+v: still active, at home in the account kept", u)
	}
	if got := m.audits(m.msp.ID); !slices.Contains(got, "user.removed") {
		t.Fatalf("audit %v", got)
	}
	t.Run("case=the session acting there loses it at its next request, and goes home", func(t *testing.T) {
		platformtest.WantProblem(t, m.me(inMSP), 403, "access-ended")
		me := m.me(inMSP)
		platformtest.WantStatus(t, me, 200)
		if cur, _ := me.JSON["currentAccount"].(map[string]any); cur["id"] != customer.ID {
			t.Fatalf("the session acts in %v, want the account kept %s", cur["id"], customer.ID)
		}
	})
	t.Run("case=the session acting elsewhere goes on", func(t *testing.T) {
		platformtest.WantStatus(t, m.me(inCustomer), 200)
	})
	t.Run("case=not a member any more", func(t *testing.T) {
		platformtest.WantProblem(t, m.remove(m.tok, m.msp.ID, mo.ID), 404, "not-member")
	})
	t.Run("case=the last administrator stays", func(t *testing.T) {
		before := m.Snapshot()
		platformtest.WantProblem(t, m.remove(m.tok, customer.ID, mo.ID), 409, "last-administrator")
		m.Unchanged(before, "removing the last administrator")
	})
	t.Run("case=the last account disables the user", func(t *testing.T) {
		m.person(customer, "Cleo Second Admin", user.Active, role.AccountAdmin)
		r := m.remove(m.tok, customer.ID, mo.ID)
		platformtest.WantStatus(t, r, 200)
		if r.Str("userStatus") != "disabled" || r.JSON["sessionsEnded"] != float64(2) {
			t.Fatalf("answer %s", r.Body)
		}
		if u := m.User(mo.ID); u.Status != user.Disabled {
			t.Fatalf("user %+v", u)
		}
		if m.sessionExists(inCustomer) || m.sessionExists(inMSP) {
			t.Fatal("a session of the disabled user is still there")
		}
		platformtest.WantProblem(t, m.me(inCustomer), 401, "unauthorized")
	})
	t.Run("case=invited again, they come back as a new user", func(t *testing.T) {
		r := m.invite(m.tok, customer.ID, map[string]any{"name": "Mo Back", "email": mo.Email, "roles": []string{"read-only"}})
		platformtest.WantStatus(t, r, 201)
		if r.Str("invitation") != member.ByActivation || r.Str("userId") != mo.ID {
			t.Fatalf("answer %s", r.Body)
		}
		u := m.User(mo.ID)
		if u.Status != user.Invited || u.PasswordHash != "" || u.Name != "Mo Back" || u.HomeAccountID != customer.ID || u.ActivationTokenID == "" {
			t.Fatalf("user %+v", u)
		}
		if ms, found := m.membership(mo.ID, customer.ID); !found || ms.UserStatus != user.Invited {
			t.Fatalf("membership %+v", ms)
		}
		msg := m.message(u.ActivationMessageID)
		r = m.do(m.activation, call{route: "POST /v1/activations/{token}", params: map[string]string{"token": m.link(msg)},
			body: map[string]string{"password": "a brand new passphrase", "securityQuestion": "First pet's name?", "securityAnswer": "Rex"}})
		platformtest.WantStatus(t, r, 200)
		if u := m.User(mo.ID); u.Status != user.Active {
			t.Fatalf("user after activation %+v", u)
		}
		if ms, _ := m.membership(mo.ID, customer.ID); ms.UserStatus != user.Active {
			t.Fatalf("membership after activation %+v", ms)
		}
	})
}

func TestRemoveRefusals(t *testing.T) {
	t.Parallel()
	m := newMSP(t)
	partner := m.account(account.Partner, &m.msp, "Reseller")
	grandchild := m.account(account.Customer, &partner, "Fabrikam")
	sibling := m.account(account.MSP, &m.provider, "Other MSP")
	gina := m.person(grandchild, "Gina Grand", user.Active, role.ReadOnly)
	m.person(grandchild, "Gus Grand", user.Active, role.AccountAdmin)
	sid := m.person(sibling, "Sid Sibling", user.Active, role.ReadOnly)
	reader := m.session(m.person(m.msp, "Rita Reader", user.Active, role.ReadOnly), m.msp)
	cases := []struct {
		name, token, accountID, userID string
		status                         int
		slug                           string
	}{
		{"case=role without users:manage", reader, m.msp.ID, m.admin.ID, 403, "forbidden"},
		{"case=account below a child, without the right", m.tok, grandchild.ID, gina.ID, 403, "not-direct-child"},
		{"case=sibling account", m.tok, sibling.ID, sid.ID, 404, "account-not-found"},
		{"case=user of another account", m.tok, m.msp.ID, sid.ID, 404, "not-member"},
		{"case=no such user", m.tok, m.msp.ID, "nobody", 404, "not-member"},
		{"case=the account's last administrator", m.tok, m.msp.ID, m.admin.ID, 409, "last-administrator"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := m.Snapshot()
			platformtest.WantProblem(t, m.remove(c.token, c.accountID, c.userID), c.status, c.slug)
			m.Unchanged(before, "a refused removal")
		})
	}
	t.Run("case=staff of a support partner are the grant's to remove", func(t *testing.T) {
		staff := m.person(sibling, "Stan Staff", user.Active, role.ReadOnly)
		m.Put(dynamo.MembershipItem(user.Membership{UserID: staff.ID, AccountID: m.msp.ID, Roles: []role.Name{role.SupportStaff},
			AccountName: m.msp.Company.Name, AccountKind: string(m.msp.Kind), UserName: staff.Name, UserEmail: staff.Email,
			UserStatus: staff.Status, GrantID: "grant-1"}))
		before := m.Snapshot()
		platformtest.WantProblem(t, m.remove(m.tok, m.msp.ID, staff.ID), 409, "partner-access")
		platformtest.WantProblem(t, m.do(m.users, call{route: member.RouteEdit, params: map[string]string{"id": staff.ID}, token: m.tok,
			body: map[string]any{"roles": []string{"read-only"}}}), 404, "user-not-found") // their login is their partner's

		m.Unchanged(before, "changing a support partner's staff")
	})
	t.Run("case=the super administrator reaches everywhere", func(t *testing.T) {
		platformtest.WantStatus(t, m.remove(m.superTok, grandchild.ID, gina.ID), 200)
	})
	t.Run("case=a disabled login that still has an account is not invited back", func(t *testing.T) {
		dora := m.person(sibling, "Dora Disabled", user.Disabled, role.ReadOnly)
		platformtest.WantProblem(t, m.invite(m.tok, m.msp.ID, map[string]any{"name": "Dora", "email": dora.Email, "roles": []string{"read-only"}}), 409, "user-disabled")
	})
}

// TestRemoveConcurrently removes a user from both of their accounts at the same time: whichever order the two
// removals commit in, the user ends with no account and disabled.
func TestRemoveConcurrently(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for round := range 5 {
		a := h.account(account.Customer, &h.provider, fmt.Sprintf("A %d", round))
		b := h.account(account.Customer, &h.provider, fmt.Sprintf("B %d", round))
		h.person(a, "Admin A", user.Active, role.AccountAdmin)
		h.person(b, "Admin B", user.Active, role.AccountAdmin)
		u := h.person(a, "Pat Both", user.Active, role.ReadOnly)
		h.join(u, b, role.ReadOnly)
		var wg sync.WaitGroup
		replies := make([]platformtest.Reply, 2)
		errs := make([]error, 2)
		for i, acc := range []account.Account{a, b} {
			wg.Go(func() {
				replies[i], errs[i] = h.try(h.revoke, call{route: member.RouteRemove, params: map[string]string{"id": acc.ID, "userId": u.ID}, token: h.superTok})
			})
		}
		wg.Wait()
		for i, r := range replies {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			if r.StatusCode != 200 {
				t.Fatalf("round %d: removal %d: %d %s", round, i, r.StatusCode, r.Body)
			}
		}
		if got := h.User(u.ID); got.Status != user.Disabled {
			t.Fatalf("round %d: the user is %s with no account left", round, got.Status)
		}
	}
}
