package dynamo_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/otp"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/session"
	"github.com/partnerhub/partnerhub/pkg/testenv"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// signInWorld is an active user with memberships in two accounts, written straight to a table of their own.
type signInWorld struct {
	store       dynamo.Store
	u           user.User
	home, other account.Account
	at          time.Time
}

func newSignInWorld(t *testing.T, db func(dynamo.DB) dynamo.DB) signInWorld {
	t.Helper()
	env := testenv.Get(t)
	w := signInWorld{store: dynamo.Store{DB: db(env.Dynamo), Table: env.NewTable(t)}, at: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	w.home = account.Account{ID: secret.NewID(), Kind: account.Partner, Company: account.Company{Name: "Home"}, Status: account.Active, Version: 1}
	w.other = account.Account{ID: secret.NewID(), Kind: account.Customer, Company: account.Company{Name: "Other"}, Status: account.Active, Version: 1}
	w.u = user.User{ID: secret.NewID(), Email: secret.NewID() + "@example.com", Status: user.Active, HomeAccountID: w.home.ID}
	tx := w.store.Tx()
	for _, a := range []account.Account{w.home, w.other} {
		item, err := dynamo.AccountItem(a)
		if err != nil {
			t.Fatal(err)
		}
		m, err := dynamo.MembershipItem(user.Membership{UserID: w.u.ID, AccountID: a.ID, AccountName: a.Company.Name})
		if err != nil {
			t.Fatal(err)
		}
		tx.PutItem(item, nil).PutItem(m, nil)
	}
	item, err := dynamo.UserItem(w.u)
	if err != nil {
		t.Fatal(err)
	}
	tx.PutItem(item, nil)
	if err := w.store.Commit(context.Background(), tx); err != nil {
		t.Fatal(err)
	}
	return w
}

// in is a sign-in of the world's user in their home account.
func (w signInWorld) in() dynamo.SignIn {
	return dynamo.SignIn{Session: session.New(secret.NewID(), w.u.ID, w.home.ID, w.at), At: w.at}
}

// afterQuery runs a function once the store has made its first Query: the moment between a sign-in's read
// of the user's memberships and its transaction.
type afterQuery struct {
	dynamo.DB
	then func()
}

func (d *afterQuery) Query(ctx context.Context, in *dynamodb.QueryInput, opts ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	out, err := d.DB.Query(ctx, in, opts...)
	if d.then != nil {
		d.then()
		d.then = nil
	}
	return out, err
}

// TestSignIn is the contract of the sign-in transaction: the session, the login recorded on the user and
// copied onto every membership, and the meanings of what refuses it.
func TestSignIn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	same := func(db dynamo.DB) dynamo.DB { return db }

	t.Run("case=the login time is copied onto every membership", func(t *testing.T) {
		t.Parallel()
		w := newSignInWorld(t, same)
		in := w.in()
		if err := w.store.SignIn(ctx, in); err != nil {
			t.Fatal(err)
		}
		if _, err := w.store.Session(ctx, in.Session.Hash); err != nil {
			t.Fatalf("session: %v", err)
		}
		for _, a := range []account.Account{w.home, w.other} {
			if m, err := w.store.Membership(ctx, w.u.ID, a.ID); err != nil || !m.LastLoginAt.Equal(w.at) {
				t.Fatalf("membership of %s: last login %v, %v", a.Company.Name, m.LastLoginAt, err)
			}
		}
	})

	t.Run("case=an other membership removed meanwhile: the sign-in commits without the copies", func(t *testing.T) {
		t.Parallel()
		hook := &afterQuery{}
		w := newSignInWorld(t, func(db dynamo.DB) dynamo.DB { hook.DB = db; return hook })
		removed := false
		hook.then = func() {
			if err := w.store.Commit(ctx, w.store.Tx().DeleteMember(user.Membership{UserID: w.u.ID, AccountID: w.other.ID}, nil)); err != nil {
				t.Error(err)
			}
			removed = true
		}
		in := w.in()
		if err := w.store.SignIn(ctx, in); err != nil || !removed {
			t.Fatalf("SignIn = %v (membership removed in between: %v)", err, removed)
		}
		if _, err := w.store.Session(ctx, in.Session.Hash); err != nil {
			t.Fatalf("session: %v", err)
		}
		if _, err := w.store.Membership(ctx, w.u.ID, w.other.ID); !errors.Is(err, fault.ErrNotFound) {
			t.Fatalf("the removed membership came back: %v", err)
		}
	})

	t.Run("case=a disabled user is refused and nothing is written", func(t *testing.T) {
		t.Parallel()
		w := newSignInWorld(t, same)
		disabled := w.u
		disabled.Status = user.Disabled
		item, err := dynamo.UserItem(disabled)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.store.Commit(ctx, w.store.Tx().Replace(item)); err != nil {
			t.Fatal(err)
		}
		in := w.in()
		if err := w.store.SignIn(ctx, in); !errors.Is(err, dynamo.ErrSignInRefused) {
			t.Fatalf("SignIn = %v, want ErrSignInRefused", err)
		}
		if _, err := w.store.Session(ctx, in.Session.Hash); !errors.Is(err, fault.ErrNotFound) {
			t.Fatalf("a refused sign-in wrote its session: %v", err)
		}
	})

	t.Run("case=the use case's write answers its own meaning", func(t *testing.T) {
		t.Parallel()
		w := newSignInWorld(t, same)
		errMoved := errors.New("challenge moved")
		in := w.in()
		gone := otp.New(secret.NewID(), w.u.ID, w.home.ID, w.at) // never written: its condition cannot hold
		in.With = w.store.Tx().ConsumeChallenge(gone, w.at, errMoved)
		if err := w.store.SignIn(ctx, in); !errors.Is(err, errMoved) {
			t.Fatalf("SignIn = %v, want the challenge's meaning", err)
		}
		if _, err := w.store.Session(ctx, in.Session.Hash); !errors.Is(err, fault.ErrNotFound) {
			t.Fatalf("a refused sign-in wrote its session: %v", err)
		}
	})
}
