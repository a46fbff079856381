package dynamo_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/testenv"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// newUserWorld is one invited user with a password hash and a phone number, on a table of their own.
func newUserWorld(t *testing.T) (dynamo.Store, user.User) {
	t.Helper()
	env := testenv.Get(t)
	store := dynamo.Store{DB: env.Dynamo, Table: env.NewTable(t)}
	u := user.User{ID: secret.NewID(), Email: testenv.UniqueEmail(t, "user"), Name: "Ada", Phone: "+1 206 555 0100",
		Status: user.Invited, HomeAccountID: secret.NewID(), PasswordHash: "old-hash",
		CreatedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), Version: 1}
	if err := store.Commit(context.Background(), store.Tx().PutUser(u, errors.New("email taken"))); err != nil {
		t.Fatal(err)
	}
	return store, u
}

// TestUpdateUser is the contract of the user's update seam.
func TestUpdateUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("case=a rule that changes nothing writes nothing", func(t *testing.T) {
		t.Parallel()
		store, u := newUserWorld(t)
		got, err := store.UpdateUser(ctx, u.ID, func(*user.User, *dynamo.Tx) error { return nil })
		if err != nil || got.Version != 1 {
			t.Fatalf("got version %d, %v", got.Version, err)
		}
		if again, _ := store.User(ctx, u.ID); again.Version != 1 {
			t.Fatalf("stored version %d", again.Version)
		}
	})

	t.Run("case=what the rule changes is written, with the version moved on", func(t *testing.T) {
		t.Parallel()
		store, u := newUserWorld(t)
		got, err := store.UpdateUser(ctx, u.ID, func(u *user.User, _ *dynamo.Tx) error {
			u.Name, u.Phone, u.PasswordHash, u.Status = "Ada Lovelace", "", "", user.Active
			return nil
		})
		if err != nil || got.Version != 2 {
			t.Fatalf("got %+v, %v", got, err)
		}
		again, err := store.User(ctx, u.ID)
		if err != nil || again.Name != "Ada Lovelace" || again.Phone != "" || again.PasswordHash != "" ||
			again.Status != user.Active || again.Version != 2 || again.Email != u.Email {
			t.Fatalf("stored %+v, %v", again, err)
		}
	})

	t.Run("case=a rule that only adds items still moves the version on", func(t *testing.T) {
		t.Parallel()
		store, u := newUserWorld(t)
		other := user.User{ID: secret.NewID(), Email: testenv.UniqueEmail(t, "other"), Status: user.Invited, Version: 1}
		_, err := store.UpdateUser(ctx, u.ID, func(_ *user.User, tx *dynamo.Tx) error {
			tx.PutUser(other, nil)
			return nil
		})
		if again, _ := store.User(ctx, u.ID); err != nil || again.Version != 2 {
			t.Fatalf("stored version %d, %v", again.Version, err)
		}
	})

	t.Run("case=the rule's error is returned as it is and nothing is written", func(t *testing.T) {
		t.Parallel()
		store, u := newUserWorld(t)
		errRule := errors.New("refused")
		_, err := store.UpdateUser(ctx, u.ID, func(u *user.User, _ *dynamo.Tx) error {
			u.Name = "Changed"
			return errRule
		})
		if !errors.Is(err, errRule) {
			t.Fatalf("error %v", err)
		}
		if again, _ := store.User(ctx, u.ID); again.Name != "Ada" || again.Version != 1 {
			t.Fatalf("stored %+v", again)
		}
	})

	t.Run("case=an unknown user is not found", func(t *testing.T) {
		t.Parallel()
		store, _ := newUserWorld(t)
		called := false
		_, err := store.UpdateUser(ctx, secret.NewID(), func(*user.User, *dynamo.Tx) error { called = true; return nil })
		if !errors.Is(err, fault.ErrNotFound) || called {
			t.Fatalf("error %v, rule called %v", err, called)
		}
	})

	t.Run("case=the id, email and version do not change here", func(t *testing.T) {
		t.Parallel()
		store, u := newUserWorld(t)
		for name, change := range map[string]func(*user.User){
			"email":   func(u *user.User) { u.Email = "other@example.com" },
			"id":      func(u *user.User) { u.ID = secret.NewID() },
			"version": func(u *user.User) { u.Version = 7 },
		} {
			if _, err := store.UpdateUser(ctx, u.ID, func(u *user.User, _ *dynamo.Tx) error { change(u); return nil }); err == nil {
				t.Fatalf("a change of the %s was written", name)
			}
		}
	})

	t.Run("case=an item's meaning other than staleness is returned as it is", func(t *testing.T) {
		t.Parallel()
		store, u := newUserWorld(t)
		errTaken := errors.New("taken")
		clash := user.User{ID: secret.NewID(), Email: u.Email, Version: 1} // the same address
		_, err := store.UpdateUser(ctx, u.ID, func(u *user.User, tx *dynamo.Tx) error {
			u.Name = "Changed"
			tx.PutUser(clash, errTaken)
			return nil
		})
		if !errors.Is(err, errTaken) {
			t.Fatalf("error %v", err)
		}
		if again, _ := store.User(ctx, u.ID); again.Name != "Ada" || again.Version != 1 {
			t.Fatalf("stored %+v", again)
		}
	})

	t.Run("case=a lost race is decided again on what won it", func(t *testing.T) {
		t.Parallel()
		store, u := newUserWorld(t)
		calls := 0
		got, err := store.UpdateUser(ctx, u.ID, func(v *user.User, _ *dynamo.Tx) error {
			if calls++; calls == 1 { // another change lands between the read and the write
				if _, err := store.UpdateUser(ctx, u.ID, func(w *user.User, _ *dynamo.Tx) error { w.Mobile = "+1 206 555 0199"; return nil }); err != nil {
					t.Fatal(err)
				}
			}
			v.Name = v.Name + "!"
			return nil
		})
		if err != nil || calls != 2 || got.Version != 3 || got.Mobile != "+1 206 555 0199" {
			t.Fatalf("got %+v after %d calls, %v", got, calls, err)
		}
	})

	t.Run("case=a rule's stale item is decided again, then gives up", func(t *testing.T) {
		t.Parallel()
		store, u := newUserWorld(t)
		calls := 0
		_, err := store.UpdateUser(ctx, u.ID, func(_ *user.User, tx *dynamo.Tx) error {
			calls++
			tx.DeleteMember(user.Membership{UserID: u.ID, AccountID: secret.NewID()}, dynamo.ErrUserStale) // no such membership: always fails
			return nil
		})
		if !errors.Is(err, dynamo.ErrUserStale) || !errors.Is(err, fault.ErrConflict) || calls < 2 {
			t.Fatalf("error %v after %d calls", err, calls)
		}
		if again, _ := store.User(ctx, u.ID); again.Version != 1 {
			t.Fatalf("stored version %d", again.Version)
		}
	})

	t.Run("case=concurrent changes each apply once", func(t *testing.T) {
		t.Parallel()
		store, u := newUserWorld(t)
		const n = 5
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				_, errs[i] = store.UpdateUser(ctx, u.ID, func(u *user.User, _ *dynamo.Tx) error {
					u.Failures++
					return nil
				})
			})
		}
		wg.Wait()
		applied := 0
		for _, err := range errs {
			switch {
			case err == nil:
				applied++
			case !errors.Is(err, dynamo.ErrUserStale):
				t.Fatal(err)
			}
		}
		if again, _ := store.User(ctx, u.ID); again.Failures != applied || again.Version != 1+applied || applied == 0 {
			t.Fatalf("failures %d, version %d after %d applied changes", again.Failures, again.Version, applied)
		}
	})
}
