package indexer_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

var names = []string{"Ada Lovelace", "Alan Turing", "Grace Hopper", "Anna Hannah", "Émile Borel", "Zoë Ada-Smith",
	"Bob Anderson", "Hedy Lamarr", "Joan Clarke", "Katherine Johnson", "Ann", "Jon Snow"}

var companies = []string{"Northwind", "Contoso", "Fabrikam", "Wingtip Toys", "Adatum", "Tailspin", "Woodgrove Bank",
	"Litware", "Proseware", "Northern Lights", "Café Olé", "Lucerne Publishing"}

var queries = []string{"an", "ann", "ada", "e", "son", "émile", "EMILE", "hopper", "a-s", "@example", "north", "wind",
	"olé", "ware", "co", "zz"}

// model is what the table holds, kept in memory: the reference a search is held to.
type model struct {
	members  map[string]user.Membership // by user id, all in one account
	accounts map[string]account.Account // by id
}

// membersMatching is the reference user search: every member whose name or email holds q, any case, accents
// ignored.
func (m model) membersMatching(q string) []string {
	fq := table.FindText(q)
	var out []string
	for id, mem := range m.members {
		if strings.Contains(table.FindText(mem.UserName), fq) || strings.Contains(table.FindText(mem.UserEmail), fq) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// accountsMatching is the reference tree search below root, root included.
func (m model) accountsMatching(root, q string) []string {
	fq := table.FindText(q)
	var out []string
	for id, a := range m.accounts {
		if slices.Contains(a.Path(), root) && strings.Contains(table.FindText(a.Company.Name), fq) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// TestSearchesFindWhatTheTableHolds changes users and accounts at random through the store — creations,
// renames, removals, status changes — and after each round holds every search to the reference: the index
// finds exactly what the rows hold, removed members vanish, renamed rows move, and paging a search a row or two
// at a time gives the whole search once, in order.
func TestSearchesFindWhatTheTableHolds(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(11, 29))
	m := model{members: map[string]user.Membership{}, accounts: map[string]account.Account{}}

	// A tree of three levels below a provider, every account named from the list.
	root := account.Account{ID: secret.NewID(), Kind: account.Provider, Status: account.Active, Company: account.Company{Name: "Operations"}}
	w.createAccount(root)
	m.accounts[root.ID] = root
	parents := []account.Account{root}
	for i, name := range companies {
		parent := parents[rng.IntN(len(parents))]
		kind := map[account.Kind]account.Kind{account.Provider: account.MSP, account.MSP: account.Partner, account.Partner: account.Customer}[parent.Kind]
		a := account.Account{ID: secret.NewID(), Kind: kind, Status: account.Pending, ParentID: parent.ID, Ancestors: parent.Path(),
			Company: account.Company{Name: name}}
		w.createAccount(a)
		m.accounts[a.ID] = a
		if kind != account.Customer && i%2 == 0 {
			parents = append(parents, a)
		}
	}
	acct := secret.NewID()

	for round := range 6 {
		for range 8 {
			switch op := rng.IntN(5); {
			case op <= 1 || len(m.members) == 0: // a new member
				mem := membership(secret.NewID(), acct, names[rng.IntN(len(names))], fmt.Sprintf("user%d.%d@example.%s", round, rng.IntN(100), []string{"com", "org"}[rng.IntN(2)]))
				w.commit(func(tx *dynamo.Tx) {
					item, err := dynamo.MembershipItem(mem)
					tx.Fail(err)
					tx.PutItem(item, nil)
				})
				m.members[mem.UserID] = mem
			case op == 2: // a member renamed
				mem := m.members[pick(rng, m.members)]
				mem.UserName = names[rng.IntN(len(names))]
				w.commit(func(tx *dynamo.Tx) {
					item, err := dynamo.MembershipItem(mem)
					tx.Fail(err)
					tx.Replace(item)
				})
				m.members[mem.UserID] = mem
			case op == 3: // a member removed
				id := pick(rng, m.members)
				w.commit(func(tx *dynamo.Tx) { tx.Delete(table.MembershipKey(id, acct)) })
				delete(m.members, id)
			default: // an account renamed, or its status changed
				id := pick(rng, m.accounts)
				next, err := w.store.UpdateAccount(ctx, id, func(a *account.Account, _ *dynamo.Tx) error {
					if rng.IntN(2) == 0 {
						a.Company.Name = companies[rng.IntN(len(companies))] + fmt.Sprintf(" %d", round)
					} else {
						a.Status = []account.Status{account.Active, account.Disabled}[rng.IntN(2)]
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				m.accounts[id] = next
			}
		}
		w.stream.Flush()
		for _, q := range queries {
			fq, ok := table.ParseFind(q)
			if !ok {
				t.Fatalf("ParseFind(%q)", q)
			}
			rows, err := w.store.SearchMembers(ctx, acct, fq, 1000)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rows {
				got = append(got, r.UserID)
			}
			if want := m.membersMatching(q); !slices.Equal(sorted(got), want) {
				t.Fatalf("round %d, users q=%q: found %d %q\nwant %d %q", round, q, len(got), got, len(want), want)
			}
			w.pagesAreTheWhole(acct, fq, got)
			for _, r := range parents {
				found, err := w.store.SearchAccounts(ctx, r.ID, fq, 1000)
				if err != nil {
					t.Fatal(err)
				}
				var ids []string
				for _, e := range found {
					ids = append(ids, e.ID)
					if a := m.accounts[e.ID]; e.Name != a.Company.Name || e.Status != a.Status || e.Kind != a.Kind {
						t.Fatalf("round %d: the entry of %s shows %q %s, the account is %q %s", round, e.ID, e.Name, e.Status, a.Company.Name, a.Status)
					}
				}
				if want := m.accountsMatching(r.ID, q); !slices.Equal(sorted(ids), want) {
					t.Fatalf("round %d, accounts below %s q=%q: found %q\nwant %q", round, r.Company.Name, q, ids, want)
				}
			}
		}
	}
}

// pagesAreTheWhole pages through a user search two rows at a time: the pages hold the whole search, each row
// once, in the same order.
func (w *world) pagesAreTheWhole(acct string, q table.FindQuery, whole []string) {
	w.t.Helper()
	var got []string
	after := ""
	for range 100 {
		rows, next, err := w.store.SearchMembersPage(context.Background(), acct, q, after, 2)
		if err != nil {
			w.t.Fatal(err)
		}
		for _, r := range rows {
			got = append(got, r.UserID)
		}
		if next == "" {
			if !slices.Equal(got, whole) {
				w.t.Fatalf("q=%q: pages give %q, the whole search %q", q.Text, got, whole)
			}
			return
		}
		after = next
	}
	w.t.Fatal("the pages never end")
}

// createAccount writes an account and its name's guard, as onboarding would.
func (w *world) createAccount(a account.Account) {
	w.t.Helper()
	w.commit(func(tx *dynamo.Tx) {
		item, err := dynamo.AccountItem(a)
		tx.Fail(err)
		tx.PutItem(item, nil)
		guard, err := dynamo.CompanyGuardItem(a.Company.Name, a.ID)
		tx.Fail(err)
		tx.PutItem(guard, nil)
	})
}

func pick[V any](rng *rand.Rand, m map[string]V) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys[rng.IntN(len(keys))]
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
