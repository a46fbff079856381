package dynamo_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

// TestUpdateInvitation is the contract of the invitation's update seam.
func TestUpdateInvitation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	newStore := func(t *testing.T) dynamo.Store {
		env := testenv.Get(t)
		return dynamo.Store{DB: env.Dynamo, Table: env.NewTable(t)}
	}
	invite := func(tokenID string, sent time.Time) func(*dynamo.Invitation, bool, *dynamo.Tx) error {
		return func(inv *dynamo.Invitation, _ bool, _ *dynamo.Tx) error {
			inv.Roles, inv.TokenID, inv.SentAt, inv.ExpiresAt = []role.Name{role.ReadOnly}, tokenID, sent, sent.Add(72*time.Hour)
			return nil
		}
	}

	t.Run("case=a first invitation, then one that replaces it", func(t *testing.T) {
		t.Parallel()
		store := newStore(t)
		userID, accountID := secret.NewID(), secret.NewID()
		var seen []bool
		for i, tok := range []string{"t1", "t2"} {
			_, err := store.UpdateInvitation(ctx, userID, accountID, func(inv *dynamo.Invitation, found bool, tx *dynamo.Tx) error {
				seen = append(seen, found)
				if found && inv.TokenID != "t1" {
					t.Fatalf("read %+v", inv)
				}
				return invite(tok, at.Add(time.Duration(i)*time.Minute))(inv, found, tx)
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		inv, found, err := store.Invitation(ctx, userID, accountID)
		if err != nil || !found || inv.TokenID != "t2" || inv.UserID != userID || len(seen) != 2 || seen[0] || !seen[1] {
			t.Fatalf("stored %+v (found %v, seen %v), %v", inv, found, seen, err)
		}
	})

	t.Run("case=the rule's error is returned as it is and nothing is written", func(t *testing.T) {
		t.Parallel()
		store := newStore(t)
		errRule := errors.New("rate limited")
		userID, accountID := secret.NewID(), secret.NewID()
		_, err := store.UpdateInvitation(ctx, userID, accountID, func(inv *dynamo.Invitation, _ bool, _ *dynamo.Tx) error {
			inv.TokenID = "t1"
			return errRule
		})
		if _, found, _ := store.Invitation(ctx, userID, accountID); !errors.Is(err, errRule) || found {
			t.Fatalf("error %v, written %v", err, found)
		}
	})

	t.Run("case=a lost race is decided again on what won it", func(t *testing.T) {
		t.Parallel()
		store := newStore(t)
		userID, accountID := secret.NewID(), secret.NewID()
		calls := 0
		got, err := store.UpdateInvitation(ctx, userID, accountID, func(inv *dynamo.Invitation, found bool, tx *dynamo.Tx) error {
			if calls++; calls == 1 { // another invitation lands between the read and the write
				if _, err := store.UpdateInvitation(ctx, userID, accountID, invite("winner", at)); err != nil {
					t.Fatal(err)
				}
			} else if !found || inv.TokenID != "winner" {
				t.Fatalf("second reading %+v (found %v)", inv, found)
			}
			return invite("loser", at.Add(time.Minute))(inv, found, tx)
		})
		if err != nil || calls != 2 || got.TokenID != "loser" {
			t.Fatalf("got %+v after %d calls, %v", got, calls, err)
		}
	})

	t.Run("case=a rule's stale item is decided again, then gives up", func(t *testing.T) {
		t.Parallel()
		store := newStore(t)
		userID, accountID := secret.NewID(), secret.NewID()
		calls := 0
		_, err := store.UpdateInvitation(ctx, userID, accountID, func(inv *dynamo.Invitation, found bool, tx *dynamo.Tx) error {
			calls++
			tx.ReplaceToken(secret.NewID(), at, dynamo.ErrInvitationStale) // no such token: always fails
			return invite("t1", at)(inv, found, tx)
		})
		if !errors.Is(err, dynamo.ErrInvitationStale) || !errors.Is(err, fault.ErrConflict) || calls < 2 {
			t.Fatalf("error %v after %d calls", err, calls)
		}
		if _, found, _ := store.Invitation(ctx, userID, accountID); found {
			t.Fatal("written")
		}
	})

	t.Run("case=the rule may not change whom it invites", func(t *testing.T) {
		t.Parallel()
		store := newStore(t)
		if _, err := store.UpdateInvitation(ctx, secret.NewID(), secret.NewID(), func(inv *dynamo.Invitation, _ bool, _ *dynamo.Tx) error {
			*inv = dynamo.Invitation{UserID: secret.NewID(), TokenID: "t1"}
			return nil
		}); err == nil {
			t.Fatal("an invitation of someone else was written")
		}
	})
}
