package dynamo_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// TestUpdateEmailState is the contract of the email state's write: reports racing each other end with the newest
// (each loser reads again and decides again), the user's version does not move, an unchanged state writes nothing,
// and a report about an address the user no longer has is not written even if it was decided on the old one.
func TestUpdateEmailState(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	apply := func(f user.Feedback) func(user.User) (*user.EmailState, bool) {
		return func(u user.User) (*user.EmailState, bool) { return user.ApplyFeedback(u.Email, u.EmailState, f) }
	}

	t.Run("case=racing reports end with the newest", func(t *testing.T) {
		t.Parallel()
		store, u := newUserWorld(t)
		const n = 8
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			kind := user.FeedbackDelivery
			if i%2 == 1 {
				kind = user.FeedbackBounce
			}
			wg.Go(func() {
				_, errs[i] = store.UpdateEmailState(ctx, u.ID, apply(user.Feedback{Kind: kind, Address: u.Email, At: t0.Add(time.Duration(i) * time.Second)}))
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("report %d: %v", i, err)
			}
		}
		got, err := store.User(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.EmailState == nil || got.EmailState.State != user.EmailBounced || !got.EmailState.At.Equal(t0.Add((n-1)*time.Second)) {
			t.Fatalf("state %+v, want the newest report: bounced at %v", got.EmailState, t0.Add((n-1)*time.Second))
		}
		if got.Version != u.Version {
			t.Fatalf("version %d, want %d: an email report does not make edits stale", got.Version, u.Version)
		}
	})

	t.Run("case=an unchanged state writes nothing", func(t *testing.T) {
		t.Parallel()
		store, u := newUserWorld(t)
		f := user.Feedback{Kind: user.FeedbackComplaint, Address: u.Email, At: t0}
		if wrote, err := store.UpdateEmailState(ctx, u.ID, apply(f)); !wrote || err != nil {
			t.Fatalf("first report: wrote %v, %v", wrote, err)
		}
		if wrote, err := store.UpdateEmailState(ctx, u.ID, apply(f)); wrote || err != nil {
			t.Fatalf("the same report again: wrote %v, %v", wrote, err)
		}
	})

	t.Run("case=the address changed after the decision", func(t *testing.T) {
		t.Parallel()
		store, u := newUserWorld(t)
		moved := false
		wrote, err := store.UpdateEmailState(ctx, u.ID, func(read user.User) (*user.EmailState, bool) {
			if !moved { // between this read and the write, the user gets a new address
				moved = true
				if _, err := store.UpdateUser(ctx, u.ID, func(v *user.User, tx *dynamo.Tx) error {
					tx.MoveEmailGuard(v.ID, v.Email, "new-"+v.Email, nil)
					v.ChangeEmail("new-" + v.Email)
					return nil
				}); err != nil {
					t.Fatal(err)
				}
			}
			return user.ApplyFeedback(read.Email, read.EmailState, user.Feedback{Kind: user.FeedbackBounce, Address: u.Email, At: t0})
		})
		if wrote || err != nil {
			t.Fatalf("wrote %v, %v; want nothing written about the former address", wrote, err)
		}
		if got, _ := store.User(ctx, u.ID); got.EmailState != nil || got.Email != "new-"+u.Email {
			t.Fatalf("user %s with state %+v", got.Email, got.EmailState)
		}
	})

	t.Run("case=no such user", func(t *testing.T) {
		t.Parallel()
		store, _ := newUserWorld(t)
		if _, err := store.UpdateEmailState(ctx, "nobody", apply(user.Feedback{})); err == nil {
			t.Fatal("no error for an unknown user")
		}
	})
}
