package indexer_test

import (
	"context"
	"slices"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// TestBackfillIndexesWhatPredatesTheIndex writes a tree and its members with no indexer running, then backfills
// from the root: every partition holds the entries the stream would have written; a backfill below the root
// fills that subtree only; and a second backfill changes nothing.
func TestBackfillIndexesWhatPredatesTheIndex(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	root := account.Account{ID: secret.NewID(), Kind: account.Provider, Status: account.Active, Company: account.Company{Name: "Operations"}}
	msp := account.Account{ID: secret.NewID(), Kind: account.MSP, Status: account.Active, ParentID: root.ID, Ancestors: root.Path(), Company: account.Company{Name: "Northwind"}, PartnerID: "7K3M-Q2X9"}
	cust := account.Account{ID: secret.NewID(), Kind: account.Customer, Status: account.Pending, ParentID: msp.ID, Ancestors: msp.Path(), Company: account.Company{Name: "Café Olé"}}
	other := account.Account{ID: secret.NewID(), Kind: account.Customer, Status: account.Active, ParentID: root.ID, Ancestors: root.Path(), Company: account.Company{Name: "Adatum"}}
	var members []user.Membership
	for _, acc := range []account.Account{root, msp, cust, other} {
		w.createAccount(acc)
		m := membership(secret.NewID(), acc.ID, "Admin of "+acc.Company.Name, secret.NewID()[:8]+"@example.com")
		members = append(members, m)
		w.commit(func(tx *dynamo.Tx) {
			item, err := dynamo.MembershipItem(m)
			tx.Fail(err)
			tx.PutItem(item, nil)
		})
	}
	want := func(partition string, es ...[]dynamo.FindEntry) []string {
		var out []string
		for _, list := range es {
			for _, e := range list {
				if e.Key.PK == partition {
					out = append(out, e.Key.SK)
				}
			}
		}
		slices.Sort(out)
		return out
	}
	check := func(step string, below []account.Account, outside []account.Account) {
		t.Helper()
		for _, acc := range below {
			var accs [][]dynamo.FindEntry
			for _, a := range []account.Account{root, msp, cust, other} {
				accs = append(accs, dynamo.AccountFinds(a))
			}
			p := table.FindAccountsPartition(acc.ID)
			if got, exp := w.entries(p), want(p, accs...); !slices.Equal(got, exp) {
				t.Fatalf("%s: %s's accounts: %q\nwant %q", step, acc.Company.Name, suffixesOf(got), suffixesOf(exp))
			}
			for _, m := range members {
				if m.AccountID == acc.ID {
					p := table.FindUsersPartition(acc.ID)
					if got, exp := w.entries(p), want(p, dynamo.MemberFinds(m)); !slices.Equal(got, exp) {
						t.Fatalf("%s: %s's users: %q\nwant %q", step, acc.Company.Name, suffixesOf(got), suffixesOf(exp))
					}
				}
			}
		}
		for _, acc := range outside {
			if got := w.entries(table.FindUsersPartition(acc.ID)); len(got) != 0 {
				t.Fatalf("%s: %s's users are indexed: %q", step, acc.Company.Name, suffixesOf(got))
			}
		}
	}

	if indexed, err := w.idx.Indexed(ctx, w.env.Dynamo, root.ID); err != nil || indexed {
		t.Fatalf("before any backfill the index holds the root's accounts: %v %v", indexed, err)
	}
	filled, err := w.idx.Backfill(ctx, w.env.Dynamo, msp.ID)
	if err != nil || filled.Accounts != 2 || filled.Members != 2 {
		t.Fatalf("below the MSP: %+v %v", filled, err)
	}
	check("below the MSP", nil, []account.Account{root, other})
	if got := w.entries(table.FindUsersPartition(cust.ID)); len(got) == 0 {
		t.Fatal("below the MSP: the customer's users are not indexed")
	}

	filled, err = w.idx.Backfill(ctx, w.env.Dynamo, root.ID)
	if err != nil || filled.Accounts != 4 || filled.Members != 4 || filled.Entries == 0 {
		t.Fatalf("from the root: %+v %v", filled, err)
	}
	check("from the root", []account.Account{root, msp, cust, other}, nil)
	if indexed, err := w.idx.Indexed(ctx, w.env.Dynamo, root.ID); err != nil || !indexed {
		t.Fatalf("after the backfill Indexed says %v %v", indexed, err)
	}
	again, err := w.idx.Backfill(ctx, w.env.Dynamo, root.ID)
	if err != nil || again != filled {
		t.Fatalf("again: %+v %v, first %+v", again, err, filled)
	}
	check("again", []account.Account{root, msp, cust, other}, nil)
	// And the stream, delivering the same creations, agrees.
	w.stream.Flush()
	check("after the stream", []account.Account{root, msp, cust, other}, nil)
}
