package dynamo_test

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/testenv"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// TestRelistATableFromBeforeTheListIndexes: a table made before the user list's indexes, holding memberships
// written as they were then, gets the indexes from Ensure and its memberships listed by Relist — every account
// of the tree, one role or several — after which the list's pages find them; a second Relist rewrites nothing.
func TestRelistATableFromBeforeTheListIndexes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := testenv.Get(t)
	name := "before-lists-" + secret.NewID()
	before := table.Main
	before.Indexes = slices.DeleteFunc(slices.Clone(table.Main.Indexes), func(ix table.Index) bool {
		return ix.Name != table.GSI1 && ix.Name != table.GSI2 && ix.Name != table.Expiry
	})
	if err := before.Ensure(ctx, env.Dynamo, name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = env.Dynamo.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: aws.String(name)})
	})
	store := dynamo.Store{DB: env.Dynamo, Table: name}

	root := account.Account{ID: secret.NewID(), Kind: account.MSP, Company: account.Company{Name: "Root"}, Status: account.Active, Version: 1}
	child := account.Account{ID: secret.NewID(), Kind: account.Customer, ParentID: root.ID, Company: account.Company{Name: "Child"}, Status: account.Active, Version: 1}
	tx := store.Tx()
	for _, a := range []account.Account{root, child} {
		item, err := dynamo.AccountItem(a)
		if err != nil {
			t.Fatal(err)
		}
		tx.Replace(item)
	}
	// Memberships as they were written before: on gsi1 only.
	var members []user.Membership
	for i, roles := range [][]role.Name{{role.ReadOnly}, {role.ReadOnly, role.AccountAdmin}, {role.ReadOnly}} {
		acc := []account.Account{root, root, child}[i]
		m := user.Membership{UserID: secret.NewID(), AccountID: acc.ID, Roles: roles, AccountKind: string(acc.Kind),
			UserName: []string{"Ada", "Bob", "Cy"}[i], UserEmail: secret.NewID() + "@example.com", UserStatus: user.Active, Version: 1}
		item, err := dynamo.Record(m, table.TypeMember, table.MembershipKey(m.UserID, m.AccountID), dynamo.OnGSI1(table.MembersGSI1(m.AccountID, m.UserName, m.UserID)))
		if err != nil {
			t.Fatal(err)
		}
		tx.Replace(item)
		members = append(members, m)
	}
	if err := store.Commit(ctx, tx); err != nil {
		t.Fatal(err)
	}

	if err := table.Main.Ensure(ctx, env.Dynamo, name); err != nil {
		t.Fatalf("Ensure on a table from before: %v", err)
	}
	out, err := env.Dynamo.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
	if err != nil || len(out.Table.GlobalSecondaryIndexes) != len(table.Main.Indexes) {
		t.Fatalf("indexes after Ensure: %d, want %d (%v)", len(out.Table.GlobalSecondaryIndexes), len(table.Main.Indexes), err)
	}
	readOnly := func(accountID string) int {
		t.Helper()
		rows, _, err := store.MembersPage(ctx, dynamo.ListPage{AccountID: accountID, Order: table.OrderEmail, Role: string(role.ReadOnly), Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		return len(rows)
	}
	if n := readOnly(root.ID); n != 0 {
		t.Fatalf("%d rows before relisting: the test's memberships are not from before", n)
	}

	done, err := store.Relist(ctx, root.ID)
	if err != nil {
		t.Fatal(err)
	}
	if done != (dynamo.Relisted{Accounts: 2, Members: 3, Rewritten: 3}) {
		t.Fatalf("relisted %+v", done)
	}
	if a, c := readOnly(root.ID), readOnly(child.ID); a != 2 || c != 1 {
		t.Fatalf("read-only rows after relisting: %d in the root, %d in the child; want 2 and 1", a, c)
	}
	if again, err := store.Relist(ctx, root.ID); err != nil || again.Rewritten != 0 {
		t.Fatalf("a second relisting rewrote %d (%v)", again.Rewritten, err)
	}
	if m, err := store.Membership(ctx, members[1].UserID, root.ID); err != nil || m.Version != 2 {
		t.Fatalf("relisted membership %+v, %v", m, err)
	}
}
