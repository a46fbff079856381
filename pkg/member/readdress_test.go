package member_test

import (
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// TestCorrectAnAddress: an invited user's address is corrected through the edit: the guard moves, each membership
// copies the address, the email state is cleared; an address another user holds, a change together with roles, or
// the same address in another case are refused or change nothing.
func TestCorrectAnAddress(t *testing.T) {
	t.Parallel()
	m := newMSP(t)
	customer := m.account(account.Customer, &m.msp, "Fabrikam")
	ivy := m.add(m.msp, who{name: "Ivy Invited", status: user.Invited, roles: []role.Name{role.ReadOnly}})
	m.join(ivy, customer, role.ReadOnly)
	taken := m.add(m.msp, who{name: "Tom Taken", status: user.Active, roles: []role.Name{role.ReadOnly}})
	if _, err := m.store.UpdateEmailState(t.Context(), ivy.ID, func(u user.User) (*user.EmailState, bool) {
		return user.ApplyFeedback(u.Email, u.EmailState, user.Feedback{Kind: user.FeedbackBounce, Address: u.Email, At: time.Now()})
	}); err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct {
		name   string
		body   map[string]any
		status int
		slug   string
	}{
		{"case=taken by another user", map[string]any{"email": strings.ToUpper(taken.Email)}, 409, "email-taken"},
		{"case=with roles", map[string]any{"email": "ivy@elsewhere.example", "roles": []string{string(role.ReadOnly)}}, 400, "validation"},
		{"case=not an address", map[string]any{"email": "ivy"}, 400, "validation"},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := m.Snapshot()
			platformtest.WantProblem(t, m.edit(m.tok, ivy.ID, c.body), c.status, c.slug)
			m.Unchanged(before, "a refused correction")
		})
	}

	platformtest.WantStatus(t, m.edit(m.tok, ivy.ID, map[string]any{"email": "IVY.INVITED@example.com"}), 200)
	if u := m.User(ivy.ID); u.Email != ivy.Email || u.EmailState == nil || u.Version != ivy.Version {
		t.Fatalf("the same address in another case changed the user: %s, %+v, version %d", u.Email, u.EmailState, u.Version)
	}

	r := m.edit(m.tok, ivy.ID, map[string]any{"email": "ivy@elsewhere.example"})
	platformtest.WantStatus(t, r, 200)
	u := m.User(ivy.ID)
	if u.Email != "ivy@elsewhere.example" || u.EmailState != nil || u.Version != ivy.Version+1 {
		t.Fatalf("user %s, state %+v, version %d", u.Email, u.EmailState, u.Version)
	}
	if m.Item(table.EmailGuard(ivy.Email)) != nil || platformtest.Str(m.Item(table.EmailGuard(u.Email))["userId"]) != ivy.ID {
		t.Fatal("the address guard did not move")
	}
	for _, acc := range []account.Account{m.msp, customer} {
		if ms, _ := m.membership(ivy.ID, acc.ID); ms.UserEmail != u.Email {
			t.Fatalf("the membership in %s copies %q", acc.Company.Name, ms.UserEmail)
		}
	}
}
