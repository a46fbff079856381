package dynamo_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// suffixes lists the suffix part of each entry's sort key, in key order.
func suffixes(es []dynamo.FindEntry) []string {
	var out []string
	for _, e := range es {
		s, _, _ := strings.Cut(e.Key.SK, "\x1f")
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// found is what a search for q lists of entries es: the ids of the entries that are their row's first match,
// in key order, as a search reads them.
func found(t *testing.T, es []dynamo.FindEntry, q string) []string {
	t.Helper()
	fq, ok := table.ParseFind(q)
	if !ok {
		t.Fatalf("ParseFind(%q) refused", q)
	}
	sorted := slices.Clone(es)
	slices.SortFunc(sorted, func(a, b dynamo.FindEntry) int { return strings.Compare(a.Key.SK, b.Key.SK) })
	var out []string
	for _, e := range sorted {
		if strings.HasPrefix(e.Key.SK, fq.Prefix) && e.First(fq) {
			out = append(out, e.ID)
		}
	}
	return out
}

func member(id, name, email string) user.Membership {
	return user.Membership{UserID: id, AccountID: "acct", UserName: name, UserEmail: email, Roles: []role.Name{role.ReadOnly}}
}

func TestMemberFindsStartAtEveryLetterAndDigit(t *testing.T) {
	t.Parallel()
	es := dynamo.MemberFinds(member("u1", "Émile Borel", "E.Borel@Example.org"))
	want := []string{
		"borel", "borel@example.org", "el", "el@example.org", "example.org", "e.borel@example.org", "emile borel", "le borel",
		"ile borel", "mile borel", "orel", "orel@example.org", "rel", "rel@example.org", "l", "l@example.org",
		"e borel", "xample.org", "ample.org", "mple.org", "ple.org", "le.org", "e.org", "org", "rg", "g",
	}
	slices.Sort(want)
	if got := suffixes(es); !slices.Equal(got, want) {
		t.Fatalf("suffixes\n got %q\nwant %q", got, want)
	}
	for _, e := range es {
		if e.Key.PK != table.FindUsersPartition("acct") || !strings.HasSuffix(e.Key.SK, "\x1femile borel#u1") {
			t.Fatalf("entry key %q", e.Key)
		}
		if e.Of != table.TypeMember || e.ID != "u1" || e.Name != "Émile Borel" || e.Email != "E.Borel@Example.org" {
			t.Fatalf("entry %+v", e)
		}
	}
}

func TestSearchesFindAnyCaseAccentAndPartOfAWord(t *testing.T) {
	t.Parallel()
	var es []dynamo.FindEntry
	for _, m := range []user.Membership{
		member("ada", "Ada Lovelace", "ada@example.com"),
		member("emile", "Émile Borel", "emile@example.org"),
		member("zoe", "Zoë Ada-Smith", "zoe@example.net"),
		member("bob", "Bob", "bob.ada@corp.example"),
		member("anna", "Anna Hannah", "anna.hannah@example.com"),
		member("three", "3M Service", "service@3m.example"),
	} {
		es = append(es, dynamo.MemberFinds(m)...)
	}
	cases := []struct {
		q    string
		want []string // in match order
	}{
		{"ada", []string{"ada", "zoe", "bob"}}, // "ada lovelace" < "ada-smith" < "ada@corp..."
		{"ADA", []string{"ada", "zoe", "bob"}},
		{"émile", []string{"emile"}},
		{"EMILE", []string{"emile"}},
		{"nna", []string{"anna"}},                // inside a word, once though it is there four times
		{"an", []string{"anna"}},                 // and an entry per occurrence still lists the row once
		{"@example.org", []string{"emile"}},      // a search may start with what no entry starts at
		{"example.com", []string{"ada", "anna"}}, // "example.com" is one suffix of each; tie by name
		{"3m", []string{"three"}},                // digits
		{"ada lovelace", []string{"ada"}},        // spaces inside a search
		{"lovelace ada", nil},                    // but the words in order
		{"nobody", nil},
		{"a-smith", []string{"zoe"}},
	}
	for _, c := range cases {
		t.Run("q="+c.q, func(t *testing.T) {
			t.Parallel()
			if got := found(t, es, c.q); !slices.Equal(got, c.want) {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestLongTextsAndSearches(t *testing.T) {
	t.Parallel()
	name := "Bartholomew Montgomery-Fitzwilliam of Southampton"
	es := dynamo.MemberFinds(member("u1", name, "b@x.example"))
	for _, e := range es {
		s, _, _ := strings.Cut(e.Key.SK, "\x1f")
		if n := len([]rune(s)); n > table.FindSuffixRunes {
			t.Fatalf("suffix %q has %d runes, want at most %d", s, n, table.FindSuffixRunes)
		}
	}
	// Past FindSuffixRunes the search is checked against the text itself.
	if got := found(t, es, "montgomery-fitzwilliam of south"); !slices.Equal(got, []string{"u1"}) {
		t.Fatalf("a search longer than a suffix: %q", got)
	}
	if got := found(t, es, "montgomery-fitzwilliam of norfolk"); len(got) != 0 {
		t.Fatalf("a long search that differs past the suffix found %q", got)
	}
	// Entries start only within the first FindTextRunes runes of a text.
	long := dynamo.MemberFinds(member("u2", strings.Repeat("x", table.FindTextRunes)+"zqj", "c@d.e"))
	if got := found(t, long, "zqj"); len(got) != 0 {
		t.Fatalf("found %q by a part that starts past rune %d", got, table.FindTextRunes)
	}
	if got := found(t, long, "xzq"); !slices.Equal(got, []string{"u2"}) {
		t.Fatalf("a part that starts within the first %d runes: found %q", table.FindTextRunes, got)
	}
}

func TestQueriesWithoutALetterOrDigitAreRefused(t *testing.T) {
	t.Parallel()
	for _, q := range []string{"", "   ", "@", "-.-", "\x1f"} {
		if _, ok := table.ParseFind(q); ok {
			t.Errorf("ParseFind(%q) accepted", q)
		}
	}
	fq, ok := table.ParseFind("  @Ex\x1fample ")
	if !ok || fq.Lead != "@" || fq.Rest != "example" || fq.Prefix != "example" {
		t.Fatalf("%+v %v", fq, ok)
	}
}

func TestAccountFindsAreFiledUnderEveryAccountAbove(t *testing.T) {
	t.Parallel()
	a := account.Account{ID: "p1", Kind: account.Partner, Status: account.Active, ParentID: "m1",
		Ancestors: []string{"root", "m1"}, Company: account.Company{Name: "Café Olé"}, PartnerID: "7K3M-Q2X9", Counts: account.Counts{Customers: 4}}
	es := dynamo.AccountFinds(a)
	byPartition := map[string][]dynamo.FindEntry{}
	for _, e := range es {
		byPartition[e.Key.PK] = append(byPartition[e.Key.PK], e)
		if e.Kind != account.Partner || e.Status != account.Active || e.PartnerID != "7K3M-Q2X9" || !slices.Equal(e.Ancestors, []string{"root", "m1"}) {
			t.Fatalf("entry %+v", e)
		}
	}
	for _, id := range []string{"root", "m1", "p1"} {
		got := suffixes(byPartition[table.FindAccountsPartition(id)])
		want := []string{"7k3m-q2x9", "7k3mq2x9", "afe ole", "cafe ole", "e ole", "fe ole", "le", "ole", "e"}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("partition of %s: %q, want %q", id, got, want)
		}
	}
	if len(byPartition) != 3 {
		t.Fatalf("%d partitions, want the account's and its two ancestors'", len(byPartition))
	}
	for _, q := range []string{"7K3M-Q2X9", "7k3mq2", "7K3M", "cafe", "olé"} {
		if got := found(t, byPartition[table.FindAccountsPartition("m1")], q); !slices.Equal(got, []string{"p1"}) {
			t.Errorf("q=%s found %q", q, got)
		}
	}
	if got := found(t, byPartition[table.FindAccountsPartition("m1")], "q2x9"); len(got) != 0 {
		t.Errorf("the second half of a Partner ID found %q: Partner IDs are found by their beginning", got)
	}
}

// TestOnlyWhatIsSearchedChangesEntries: a sign-in, a role change or a new count changes no entry; a rename moves
// them all; a status change rewrites an account's entries in place.
func TestOnlyWhatIsSearchedChangesEntries(t *testing.T) {
	t.Parallel()
	m := member("u1", "Ada Lovelace", "ada@example.com")
	seen := m
	seen.LastLoginAt, seen.UserStatus, seen.Roles = time.Now(), user.Active, []role.Name{role.AccountAdmin}
	if a, b := dynamo.MemberFinds(m), dynamo.MemberFinds(seen); !same(a, b) {
		t.Fatal("a sign-in or a role change changed the member's entries")
	}
	renamed := m
	renamed.UserName = "Ada King"
	before, after := keys(dynamo.MemberFinds(m)), keys(dynamo.MemberFinds(renamed))
	for k := range after {
		if before[k] {
			t.Fatalf("entry %q kept across a rename: its tie holds the old name", k)
		}
	}
	if !slices.Contains(suffixes(dynamo.MemberFinds(renamed)), "king") || slices.Contains(suffixes(dynamo.MemberFinds(renamed)), "lovelace") {
		t.Fatal("the renamed member is not found by the new name only")
	}

	a := account.Account{ID: "c1", Kind: account.Customer, Status: account.Pending, Ancestors: []string{"root"}, Company: account.Company{Name: "Northwind"}}
	counted := a
	counted.Counts.Endpoints, counted.Version = 40, 7
	if !same(dynamo.AccountFinds(a), dynamo.AccountFinds(counted)) {
		t.Fatal("a count or a version changed the account's entries")
	}
	active := a
	active.Status = account.Active
	x, y := dynamo.AccountFinds(a), dynamo.AccountFinds(active)
	if !maps(keys(x), keys(y)) || same(x, y) {
		t.Fatal("a status change should rewrite the entries under the same keys")
	}
}

func TestFindsOfTableItems(t *testing.T) {
	t.Parallel()
	mi, err := dynamo.MembershipItem(member("u1", "Ada", "ada@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	es, err := dynamo.FindsOf(mi)
	if err != nil || len(es) == 0 || es[0].ID != "u1" {
		t.Fatalf("%v %v", es, err)
	}
	ai, err := dynamo.AccountItem(account.Account{ID: "a1", Kind: account.Provider, Company: account.Company{Name: "Ops"}})
	if err != nil {
		t.Fatal(err)
	}
	if es, err := dynamo.FindsOf(ai); err != nil || len(es) != 3 { // "ops", "ps", "s" in its own partition
		t.Fatalf("%v %v", es, err)
	}
	ui, err := dynamo.UserItem(user.User{ID: "u1", Name: "Ada", Email: "ada@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if es, err := dynamo.FindsOf(ui); err != nil || es != nil {
		t.Fatalf("a user item has entries: %v %v", es, err)
	}
	if es, err := dynamo.FindsOf(nil); err != nil || es != nil {
		t.Fatalf("a missing image has entries: %v %v", es, err)
	}
	item, err := dynamo.FindItem(es0(t, mi))
	if err != nil || item[table.AttrType] == nil {
		t.Fatalf("%v %v", item, err)
	}
}

func es0(t *testing.T, item map[string]types.AttributeValue) dynamo.FindEntry {
	t.Helper()
	es, err := dynamo.FindsOf(item)
	if err != nil || len(es) == 0 {
		t.Fatal(err)
	}
	return es[0]
}

func keys(es []dynamo.FindEntry) map[table.Key]bool {
	out := map[table.Key]bool{}
	for _, e := range es {
		out[e.Key] = true
	}
	return out
}

func maps(a, b map[table.Key]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

// same reports whether two lists hold the same entries, key for key.
func same(a, b []dynamo.FindEntry) bool {
	if len(a) != len(b) {
		return false
	}
	byKey := map[table.Key]dynamo.FindEntry{}
	for _, e := range a {
		byKey[e.Key] = e
	}
	for _, e := range b {
		if x, ok := byKey[e.Key]; !ok || !x.Same(e) {
			return false
		}
	}
	return true
}
