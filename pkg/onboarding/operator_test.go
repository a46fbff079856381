package onboarding_test

import (
	"context"
	"errors"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/onboarding"
)

// TestOperator runs the operator's bootstrap as the bootstrap function does: built with no HMAC key, it creates
// the platform when named an address, and refuses to fall back on the local placeholder address.
func TestOperator(t *testing.T) {
	t.Parallel()
	f := newBareFixture(t)
	ctx := context.Background()
	if _, err := onboarding.NewOperator(onboarding.Deps{Table: f.table, Clock: f.clock}); err == nil {
		t.Fatal("an operator without a table client builds")
	}
	op, err := onboarding.NewOperator(onboarding.Deps{DB: f.env.Dynamo, Table: f.table, Clock: f.clock})
	if err != nil {
		t.Fatalf("without a key: %v", err)
	}

	before := f.Snapshot()
	_, err = op.Bootstrap(ctx, onboarding.BootstrapInput{AdminName: "Root"})
	var v *fault.ValidationError
	if !errors.As(err, &v) || !v.Has("email") || v.Fields[0].Code != "required" {
		t.Fatalf("no address: %v", err)
	}
	f.Unchanged(before, "a bootstrap with no address")

	res, err := op.Bootstrap(ctx, onboarding.BootstrapInput{AdminEmail: "root@contoso.example", AdminName: "Root"})
	if err != nil || !res.Created {
		t.Fatalf("%+v %v", res, err)
	}
	u := f.User(res.AdminUserID)
	if u.Email != "root@contoso.example" || f.Message(u.ActivationMessageID).Template != "activation" {
		t.Fatalf("administrator %+v", u)
	}
	again, err := op.Bootstrap(ctx, onboarding.BootstrapInput{AdminEmail: "other@contoso.example"})
	if err != nil || again.Created || again.AccountID != res.AccountID || again.AdminUserID != res.AdminUserID {
		t.Fatalf("again: %+v %v", again, err)
	}
}
