package onboarding_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/onboarding"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

func TestBootstrap(t *testing.T) {
	t.Parallel()
	f := newFixture(t) // bootstraps with the defaults
	ctx := context.Background()

	provider := f.Account(f.providerID)
	if provider.Kind != account.Provider || provider.Company.Name != onboarding.DefaultProviderName || provider.Status != account.Pending ||
		provider.ParentID != "" || provider.ContactUserID != f.adminID {
		t.Fatalf("provider %+v", provider)
	}
	admin := f.User(f.adminID)
	if admin.Email != onboarding.DefaultAdminEmail || admin.Status != user.Invited || admin.HomeAccountID != f.providerID || !admin.TwoFactor.Enabled {
		t.Fatalf("admin %+v", admin)
	}
	m, err := f.store.Membership(ctx, f.adminID, f.providerID)
	if err != nil || len(m.Roles) != 1 || m.Roles[0] != role.SuperAdmin {
		t.Fatalf("membership %+v %v", m, err)
	}
	msg := f.Message(admin.ActivationMessageID)
	if msg.To != onboarding.DefaultAdminEmail || msg.Template != "activation" || msg.Data["roles"] != "Super administrator" {
		t.Fatalf("message %+v", msg)
	}

	t.Run("case=twice changes nothing", func(t *testing.T) {
		before := f.Snapshot()
		for range 2 {
			res, err := f.svc.Bootstrap(ctx, onboarding.BootstrapInput{AccountName: "Another Name", AdminEmail: "someone.else@example.com"})
			if err != nil || res.Created || res.AccountID != f.providerID || res.AdminUserID != f.adminID {
				t.Fatalf("again: %+v %v", res, err)
			}
		}
		f.Unchanged(before, "a second bootstrap")
		if n := f.members(f.providerID); n != 1 {
			t.Fatalf("%d users in the provider account", n)
		}
		if n := len(f.ItemsOf(table.TypeOutbox)); n != 1 {
			t.Fatalf("%d emails", n)
		}
	})
}

func TestBootstrapRace(t *testing.T) {
	t.Parallel()
	f := newBareFixture(t)
	// Five operators bootstrap one fresh platform at once: exactly one creates it, the others find it.
	var wg sync.WaitGroup
	results := make([]onboarding.BootstrapResult, 5)
	errs := make([]error, 5)
	for i := range 5 {
		wg.Go(func() {
			results[i], errs[i] = f.svc.Bootstrap(context.Background(), onboarding.BootstrapInput{AdminEmail: "racer@example.com"})
		})
	}
	wg.Wait()
	created := 0
	for i, res := range results {
		if errs[i] != nil {
			t.Fatalf("bootstrap %d: %v", i, errs[i])
		}
		if res.Created {
			created++
		}
		if res.AccountID != results[0].AccountID || res.AdminUserID != results[0].AdminUserID || res.AdminUserID == "" {
			t.Fatalf("bootstraps disagree on the provider or its administrator: %+v and %+v", res, results[0])
		}
	}
	if created != 1 || len(f.ItemsOf(table.TypeAccount)) != 1 || len(f.ItemsOf(table.TypeOutbox)) != 1 {
		t.Fatalf("%d bootstraps created the platform", created)
	}
}

func TestBootstrapInput(t *testing.T) {
	t.Parallel()
	f := newBareFixture(t)
	before := f.Snapshot()
	_, err := f.svc.Bootstrap(context.Background(), onboarding.BootstrapInput{AdminEmail: "not an email"})
	var v *fault.ValidationError
	if !errors.As(err, &v) || !v.Has("email") {
		t.Fatalf("bad email: %v", err)
	}
	f.Unchanged(before, "a rejected bootstrap")
	res, err := f.svc.Bootstrap(context.Background(), onboarding.BootstrapInput{AccountName: "Contoso Cloud", AdminEmail: "Root@Contoso.example", AdminName: "Root"})
	if err != nil || !res.Created {
		t.Fatalf("%+v %v", res, err)
	}
	if acc := f.Account(res.AccountID); acc.Company.Name != "Contoso Cloud" {
		t.Fatalf("name %q", acc.Company.Name)
	}
	if u := f.User(res.AdminUserID); u.Email != "Root@Contoso.example" || u.Name != "Root" {
		t.Fatalf("admin %+v", u)
	}
}

// members counts an account's users through its gsi1 list.
func (f *fixture) members(accountID string) int {
	f.t.Helper()
	out, err := f.env.Dynamo.Query(context.Background(), &dynamodb.QueryInput{
		TableName:                 aws.String(f.table),
		IndexName:                 aws.String(table.GSI1),
		KeyConditionExpression:    aws.String("gsi1pk = :p"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": dynamo.S(table.MembersPartition(accountID))},
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return len(out.Items)
}
