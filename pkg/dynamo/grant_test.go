package dynamo_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/partneraccess"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/testenv"
)

// TestUpdateGrant checks the grant's update seam: the rule runs on a fresh reading, the grant is written on the
// version read with what the rule added, a lost race makes the rule run again on what the winner left, and a
// failed item answers its meaning.
func TestUpdateGrant(t *testing.T) {
	t.Parallel()
	env := testenv.Get(t)
	store := dynamo.Store{DB: env.Dynamo, Table: env.NewTable(t)}
	ctx := context.Background()
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	newGrant := func(t *testing.T) partneraccess.Grant {
		t.Helper()
		g := partneraccess.Invitation(secret.NewID(), partneraccess.Party{ID: secret.NewID(), Name: "Fabrikam Inc"},
			partneraccess.Party{ID: secret.NewID(), Name: "Contoso Support"}, "7KQ4-M2XD", partneraccess.ViaPartnerID,
			secret.NewID(), "Grace", partneraccess.Terms{EndsAt: now.Add(30 * 24 * time.Hour)}, now)
		if err := store.Commit(ctx, store.Tx().PutGrant(g, nil)); err != nil {
			t.Fatal(err)
		}
		return g
	}
	accept := func(g *partneraccess.Grant, _ *dynamo.Tx) error {
		next, err := g.Accepted("partner-admin", now)
		*g = next
		return err
	}

	t.Run("case=round trip", func(t *testing.T) {
		t.Parallel()
		g := newGrant(t)
		got, err := store.GrantByID(ctx, g.ID)
		if err != nil || got.ID != g.ID || got.Status != partneraccess.Invited || !got.ExpiresAt.Equal(g.ExpiresAt) ||
			!got.EndsAt.Equal(g.EndsAt) || got.Due != g.Due || got.Customer != g.Customer || got.Version != 1 {
			t.Fatalf("GrantByID = %+v, %v; want %+v", got, err, g)
		}
	})

	t.Run("case=decides again after losing a race", func(t *testing.T) {
		t.Parallel()
		g := newGrant(t)
		calls := 0
		got, err := store.UpdateGrant(ctx, g.ID, func(r *partneraccess.Grant, tx *dynamo.Tx) error {
			calls++
			if calls == 1 { // another change commits between this reading and its write
				if _, err := store.UpdateGrant(ctx, g.ID, accept); err != nil {
					t.Fatal(err)
				}
			}
			next, err := r.Ended(partneraccess.Revoke, "customer-admin", partneraccess.ReasonRevoked, now)
			*r = next
			return err
		})
		if err != nil || calls != 2 || got.Status != partneraccess.Revoked || got.AcceptedBy != "partner-admin" || got.Version != 3 {
			t.Fatalf("UpdateGrant = %+v, %v after %d calls", got, err, calls)
		}
		if stored, _ := store.GrantByID(ctx, g.ID); stored.Status != partneraccess.Revoked || stored.Version != 3 {
			t.Fatalf("stored %+v", stored)
		}
	})

	t.Run("case=the rule refuses what the winner left", func(t *testing.T) {
		t.Parallel()
		g := newGrant(t)
		if _, err := store.UpdateGrant(ctx, g.ID, accept); err != nil {
			t.Fatal(err)
		}
		if _, err := store.UpdateGrant(ctx, g.ID, accept); err == nil {
			t.Fatal("accepted twice")
		}
	})

	t.Run("case=a change that keeps the version writes nothing", func(t *testing.T) {
		t.Parallel()
		g := newGrant(t)
		got, err := store.UpdateGrant(ctx, g.ID, func(*partneraccess.Grant, *dynamo.Tx) error { return nil })
		if err != nil || got.Version != 1 {
			t.Fatalf("UpdateGrant = %+v, %v", got, err)
		}
	})

	t.Run("case=an item's meaning", func(t *testing.T) {
		t.Parallel()
		g := newGrant(t)
		errTaken := errors.New("pair taken")
		if err := store.Commit(ctx, store.Tx().ClaimGrantPair(g.Customer.ID, g.Partner.ID, "another", nil)); err != nil {
			t.Fatal(err)
		}
		_, err := store.UpdateGrant(ctx, g.ID, func(r *partneraccess.Grant, tx *dynamo.Tx) error {
			tx.ClaimGrantPair(r.Customer.ID, r.Partner.ID, r.ID, errTaken)
			return accept(r, tx)
		})
		if !errors.Is(err, errTaken) {
			t.Fatalf("UpdateGrant = %v, want %v", err, errTaken)
		}
		if stored, _ := store.GrantByID(ctx, g.ID); stored.Status != partneraccess.Invited || stored.Version != 1 {
			t.Fatalf("a failed change was written: %+v", stored)
		}
	})

	t.Run("case=always stale", func(t *testing.T) {
		t.Parallel()
		g := newGrant(t)
		_, err := store.UpdateGrant(ctx, g.ID, func(r *partneraccess.Grant, tx *dynamo.Tx) error {
			tx.ReleaseGrantPair(r.Customer.ID, r.Partner.ID, r.ID, dynamo.ErrGrantStale) // no guard: fails every time
			return accept(r, tx)
		})
		if !errors.Is(err, dynamo.ErrGrantStale) {
			t.Fatalf("UpdateGrant = %v, want ErrGrantStale", err)
		}
	})

	t.Run("case=no such grant", func(t *testing.T) {
		t.Parallel()
		if _, err := store.UpdateGrant(ctx, secret.NewID(), accept); !errors.Is(err, dynamo.ErrGrantNotFound) {
			t.Fatalf("UpdateGrant = %v, want ErrGrantNotFound", err)
		}
	})
}
