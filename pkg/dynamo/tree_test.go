package dynamo_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/testenv"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// accountWorld is a parent and a customer below it, with their name guards and one membership in the
// customer, written straight to a table of their own.
type accountWorld struct {
	store            dynamo.Store
	parent, customer account.Account
	userID           string
}

func newAccountWorld(t *testing.T) accountWorld {
	t.Helper()
	env := testenv.Get(t)
	w := accountWorld{store: dynamo.Store{DB: env.Dynamo, Table: env.NewTable(t)}, userID: secret.NewID()}
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	w.parent = account.Account{ID: secret.NewID(), Kind: account.Partner, Company: account.Company{Name: "Parent " + secret.NewID()},
		Status: account.Active, CreatedAt: at, Version: 1}
	w.customer = account.Account{ID: secret.NewID(), Kind: account.Customer, ParentID: w.parent.ID, Ancestors: []string{w.parent.ID},
		Company: account.Company{Name: "Customer " + secret.NewID()}, Status: account.Active, CreatedAt: at, Version: 1}
	tx := w.store.Tx()
	for _, a := range []account.Account{w.parent, w.customer} {
		item, err := dynamo.AccountItem(a)
		if err != nil {
			t.Fatal(err)
		}
		guard, err := dynamo.CompanyGuardItem(a.Company.Name, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		tx.PutItem(item, nil).PutItem(guard, nil)
	}
	m, err := dynamo.MembershipItem(user.Membership{UserID: w.userID, AccountID: w.customer.ID, AccountName: w.customer.Company.Name})
	if err != nil {
		t.Fatal(err)
	}
	tx.PutItem(m, nil)
	if err := w.store.Commit(context.Background(), tx); err != nil {
		t.Fatal(err)
	}
	return w
}

// TestUpdateAccount is the contract of the account's update seam.
func TestUpdateAccount(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("case=a rule that changes nothing writes nothing", func(t *testing.T) {
		t.Parallel()
		w := newAccountWorld(t)
		got, err := w.store.UpdateAccount(ctx, w.customer.ID, func(*account.Account, *dynamo.Tx) error { return nil })
		if err != nil || got.Version != 1 {
			t.Fatalf("got version %d, %v", got.Version, err)
		}
		if a, _ := w.store.Account(ctx, w.customer.ID); a.Version != 1 {
			t.Fatalf("stored version %d", a.Version)
		}
	})

	t.Run("case=the rule's error is returned as it is and nothing is written", func(t *testing.T) {
		t.Parallel()
		w := newAccountWorld(t)
		errRule := errors.New("refused")
		_, err := w.store.UpdateAccount(ctx, w.customer.ID, func(acc *account.Account, _ *dynamo.Tx) error {
			acc.Endpoints = 5
			return errRule
		})
		if !errors.Is(err, errRule) {
			t.Fatalf("err = %v", err)
		}
		if a, _ := w.store.Account(ctx, w.customer.ID); a.Endpoints != 0 || a.Version != 1 {
			t.Fatalf("stored %+v", a)
		}
	})

	t.Run("case=an unknown account is not found", func(t *testing.T) {
		t.Parallel()
		w := newAccountWorld(t)
		_, err := w.store.UpdateAccount(ctx, secret.NewID(), func(*account.Account, *dynamo.Tx) error { return nil })
		if !errors.Is(err, fault.ErrNotFound) {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("case=fields the seam does not write are refused", func(t *testing.T) {
		t.Parallel()
		w := newAccountWorld(t)
		_, err := w.store.UpdateAccount(ctx, w.customer.ID, func(acc *account.Account, _ *dynamo.Tx) error {
			acc.ParentID = "elsewhere"
			return nil
		})
		if err == nil {
			t.Fatal("moving an account was accepted")
		}
	})

	t.Run("case=concurrent updates are each applied once, on what the other wrote", func(t *testing.T) {
		t.Parallel()
		w := newAccountWorld(t)
		const n = 5
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				_, errs[i] = w.store.UpdateAccount(ctx, w.customer.ID, func(acc *account.Account, tx *dynamo.Tx) error {
					acc.Endpoints++
					tx.MoveCounter(w.parent.ID, account.CounterEndpoints, 1, nil)
					return nil
				})
			})
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		c, _ := w.store.Account(ctx, w.customer.ID)
		p, _ := w.store.Account(ctx, w.parent.ID)
		if c.Endpoints != n || c.Version != 1+n || p.Counts.Endpoints != n {
			t.Fatalf("customer endpoints %d version %d, parent counts %d; want %d, %d, %d", c.Endpoints, c.Version, p.Counts.Endpoints, n, 1+n, n)
		}
	})

	t.Run("case=a rename moves the guard, the children sort key and the memberships' copies", func(t *testing.T) {
		t.Parallel()
		w := newAccountWorld(t)
		name := "Renamed " + secret.NewID()
		got, err := w.store.UpdateAccount(ctx, w.customer.ID, func(acc *account.Account, _ *dynamo.Tx) error {
			acc.Company.Name = name
			return nil
		})
		if err != nil || got.Version != 2 || got.Company.Name != name {
			t.Fatalf("got %+v, %v", got, err)
		}
		page, _, err := w.store.ChildrenPage(ctx, w.parent.ID, 10, dynamo.Cursor{})
		if err != nil || len(page) != 1 || page[0].Company.Name != name {
			t.Fatalf("children %+v, %v", page, err)
		}
		var m user.Membership
		if _, err := dynamo.Get(ctx, w.store.DB, w.store.Table, table.MembershipKey(w.userID, w.customer.ID), &m); err != nil || m.AccountName != name {
			t.Fatalf("membership keeps %q, %v", m.AccountName, err)
		}
		var old map[string]any
		if found, err := dynamo.Get(ctx, w.store.DB, w.store.Table, table.CompanyNameGuard(w.customer.Company.Name), &old); err != nil || found {
			t.Fatalf("the old name's guard is still there (%v)", err)
		}
		// The old name is free again; the new one is taken, whatever its case.
		_, err = w.store.UpdateAccount(ctx, w.parent.ID, func(acc *account.Account, _ *dynamo.Tx) error {
			acc.Company.Name = w.customer.Company.Name
			return nil
		})
		if err != nil {
			t.Fatalf("taking the freed name: %v", err)
		}
		_, err = w.store.UpdateAccount(ctx, w.parent.ID, func(acc *account.Account, _ *dynamo.Tx) error {
			acc.Company.Name = "  " + name + " "
			return nil
		})
		if !errors.Is(err, dynamo.ErrCompanyNameTaken) {
			t.Fatalf("renaming to a taken name: %v", err)
		}
	})
}
