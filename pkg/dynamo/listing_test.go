package dynamo_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// entry reads a role entry; found is false if there is none.
func entry(t *testing.T, w signInWorld, accountID string, r role.Name) (user.Membership, bool) {
	t.Helper()
	var e user.Membership
	found, err := dynamo.Get(context.Background(), w.store.DB, w.store.Table, table.MemberRoleKey(w.u.ID, accountID, string(r)), &e)
	if err != nil {
		t.Fatal(err)
	}
	return e, found
}

// TestMembershipRowWrites is the contract of the writes that move a membership in its account's user list: they
// hold to the version read, and the role entries follow the roles.
func TestMembershipRowWrites(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	two := []role.Name{role.ReadOnly, role.AccountAdmin}

	t.Run("case=a sign-in that lost a race with a change of its own membership reads it again", func(t *testing.T) {
		t.Parallel()
		hook := &afterQuery{}
		w := newSignInWorld(t, func(db dynamo.DB) dynamo.DB { hook.DB = db; return hook })
		hook.then = func() { // between the sign-in's read of the memberships and its transaction
			m, err := w.store.Membership(ctx, w.u.ID, w.home.ID)
			if err == nil {
				err = w.store.Commit(ctx, w.store.Tx().SetMemberRoles(m, two, "Renamed Meanwhile", nil))
			}
			if err != nil {
				t.Error(err)
			}
		}
		if err := w.store.SignIn(ctx, w.in()); err != nil {
			t.Fatalf("SignIn = %v", err)
		}
		m, err := w.store.Membership(ctx, w.u.ID, w.home.ID)
		if err != nil || !m.LastLoginAt.Equal(w.at) || !slices.Equal(m.Roles, two) || m.UserName != "Renamed Meanwhile" || m.Version != 2 {
			t.Fatalf("membership %+v, %v: want the sign-in's time on top of the change", m, err)
		}
		for _, r := range two {
			if e, ok := entry(t, w, w.home.ID, r); !ok || !e.LastLoginAt.Equal(w.at) || e.UserName != "Renamed Meanwhile" {
				t.Fatalf("role entry %s: %+v (found %v)", r, e, ok)
			}
		}
	})

	t.Run("case=two changes decided on one reading: the second fails and writes nothing", func(t *testing.T) {
		t.Parallel()
		w := newSignInWorld(t, func(db dynamo.DB) dynamo.DB { return db })
		read, err := w.store.Membership(ctx, w.u.ID, w.other.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.store.Commit(ctx, w.store.Tx().SetMemberRoles(read, two, "", nil)); err != nil {
			t.Fatal(err)
		}
		stale := errors.New("stale")
		err = w.store.Commit(ctx, w.store.Tx().SetMemberRoles(read, []role.Name{role.ReadOnly, role.MSPAccounts}, "", stale))
		if !errors.Is(err, stale) {
			t.Fatalf("second change = %v, want its meaning", err)
		}
		if _, ok := entry(t, w, w.other.ID, role.MSPAccounts); ok {
			t.Fatal("the refused change wrote a role entry")
		}
	})

	t.Run("case=roles come and go: one role, several, one, none, removed", func(t *testing.T) {
		t.Parallel()
		w := newSignInWorld(t, func(db dynamo.DB) dynamo.DB { return db })
		steps := [][]role.Name{{role.ReadOnly}, two, {role.ReadOnly, role.MSPAccounts, role.ImplementationLead}, {role.MSPAccounts}, nil}
		for _, roles := range steps {
			m, err := w.store.Membership(ctx, w.u.ID, w.other.ID)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.store.Commit(ctx, w.store.Tx().SetMemberRoles(m, roles, "", nil)); err != nil {
				t.Fatal(err)
			}
			for _, r := range []role.Name{role.ReadOnly, role.AccountAdmin, role.MSPAccounts, role.ImplementationLead} {
				_, ok := entry(t, w, w.other.ID, r)
				if want := len(roles) > 1 && slices.Contains(roles, r); ok != want {
					t.Fatalf("roles %v: entry %s found %v", roles, r, ok)
				}
			}
		}
		m, err := w.store.Membership(ctx, w.u.ID, w.other.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.store.Commit(ctx, w.store.Tx().SetMemberRoles(m, two, "", nil)); err != nil {
			t.Fatal(err)
		}
		if m, err = w.store.Membership(ctx, w.u.ID, w.other.ID); err != nil {
			t.Fatal(err)
		}
		if err := w.store.Commit(ctx, w.store.Tx().DeleteMember(m, nil)); err != nil {
			t.Fatal(err)
		}
		for _, r := range two {
			if _, ok := entry(t, w, w.other.ID, r); ok {
				t.Fatalf("entry %s outlived its membership", r)
			}
		}
	})

	t.Run("case=a staff membership holds one role", func(t *testing.T) {
		t.Parallel()
		w := newSignInWorld(t, func(db dynamo.DB) dynamo.DB { return db })
		m := user.MembershipOf(w.u, w.home, two, time.Now())
		m.AccountID, m.GrantID = "elsewhere", "grant"
		if err := w.store.Commit(ctx, w.store.Tx().PutStaffMember(m, nil)); err == nil {
			t.Fatal("a staff membership with two roles was written")
		}
	})
}
