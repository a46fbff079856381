package member_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/platformtest"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/session"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// TestEventFixture drives the users function with events/users.json, the event `make invoke` sends: for an
// account with that id and a session with that cookie, it lists the registered users matching "ada", most
// recent sign-in first.
func TestEventFixture(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ev := platformtest.SampleEvent(t, "users.json")
	msp := account.Account{ID: ev.PathParameters["id"], Kind: account.MSP, ParentID: h.provider.ID, Ancestors: h.provider.Path(),
		Company: account.Company{Name: "Acme MSP"}, Status: account.Active, CreatedAt: start, Version: 1}
	h.Put(dynamo.AccountItem(msp))
	admin := h.add(msp, who{name: "Adam Admin", status: user.Active, roles: []role.Name{role.AccountAdmin}})
	older := h.add(msp, who{name: "Ada Lovelace", status: user.Active, lastLogin: start.Add(-2 * time.Hour), roles: []role.Name{role.ReadOnly}})
	newer := h.add(msp, who{name: "Bob", email: "bob.ada@example.com", status: user.Active, lastLogin: start.Add(-time.Hour), roles: []role.Name{role.ReadOnly}})
	h.add(msp, who{name: "Ada Invited", status: user.Invited, roles: []role.Name{role.ReadOnly}})
	cookie := strings.TrimPrefix(ev.Cookies[0], "ph_session=")
	if err := h.store.SignIn(context.Background(), dynamo.SignIn{Session: session.New(h.keys.Hash(cookie), admin.ID, msp.ID, h.clock.Now()), At: h.clock.Now()}); err != nil {
		t.Fatal(err)
	}

	h.indexed() // the search reads the search index, which the stream keeps
	r, err := platformtest.Invoke(h.users, ev)
	if err != nil {
		t.Fatal(err)
	}
	platformtest.WantStatus(t, r, 200)
	// The admin signed in just now, so is the most recent; "Ada Invited" is not registered.
	if got, wantIDs := ids(r), []string{admin.ID, newer.ID, older.ID}; !slices.Equal(got, wantIDs) {
		t.Fatalf("rows %s", r.Body)
	}
}

// TestSignInCopiesTheLoginTime: a sign-in records its time on every membership of the user, which the list
// sorts on, in the same transaction.
func TestSignInCopiesTheLoginTime(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	a := h.account(account.Customer, &h.provider, "A")
	b := h.account(account.Customer, &h.provider, "B")
	u := h.person(a, "Pat Both", user.Active, role.ReadOnly)
	h.join(u, b, role.ReadOnly)
	h.clock.Advance(90 * time.Minute)
	h.session(u, a)
	for _, acc := range []account.Account{a, b} {
		if m, _ := h.membership(u.ID, acc.ID); !m.LastLoginAt.Equal(h.clock.Now()) {
			t.Errorf("membership in %s: last login %v, want %v", acc.Company.Name, m.LastLoginAt, h.clock.Now())
		}
	}
	if got := h.User(u.ID).LastLoginAt; !got.Equal(h.clock.Now()) {
		t.Errorf("user: last login %v", got)
	}
}
